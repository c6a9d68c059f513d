"""The go.mod / go.work lexer and parser: text to a FileSyntax, as x/mod's read.go does it.

Syntax errors stop the parse at the first one (x/mod does the same), at the position the lexer
had reached, so our line and column match the go command's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NoReturn

from gomodcheck.errors import ParseError, Problem
from gomodcheck.modfile.goprint import go_is_print
from gomodcheck.modfile.quoting import is_escaped_byte
from gomodcheck.modfile.syntax import (
    Comment,
    CommentBlock,
    Comments,
    FileSyntax,
    Line,
    LineBlock,
    LParen,
    Position,
    RParen,
)
from gomodcheck.module import go_quote_rune

__all__ = ["decode", "parse_syntax"]

# Token kinds; punctuation tokens are the character itself ("\n", "(", ")", ...).
EOF = "EOF"
EOLCOMMENT = "EOLCOMMENT"
IDENT = "IDENT"
STRING = "STRING"
COMMENT = "COMMENT"
_EOL_KINDS = frozenset({EOF, EOLCOMMENT, "\n"})
_PUNCT = frozenset("\n()[]{},")
_NOT_IDENT = frozenset(" ()[]{},")
_BLANKS = re.compile(r"[ \t\r]*")
_IDENT_RUN = re.compile(r"[^ \t\r\n()\[\]{},]+")
_COMMENT_START = re.compile(r"/[/*]")


def decode(data: bytes) -> str:
    """Bytes to text with each undecodable byte kept as one character, as Go sees runes."""
    return data.decode("utf-8", "surrogateescape")


def _is_ident(c: str) -> bool:
    # x/mod treats every printable rune as part of an identifier except a few punctuation
    # characters; an undecodable byte is Go's RuneError, which is printable.
    return c not in _NOT_IDENT and (go_is_print(c) or is_escaped_byte(c))


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str
    text: str
    pos: Position
    end: Position


class _SyntaxStopError(Exception):
    """Raised at the first syntax error, as x/mod panics out of its parser."""


class _Input:
    def __init__(self, filename: str, text: str) -> None:
        self.filename = filename
        self.text = text
        self.i = 0  # lexer offset (after the lookahead token)
        self.line = 1
        self.line_start = 0  # offset where the current line begins
        self.comments: list[Comment] = []  # end-of-line comments, attached at the end
        self.file = FileSyntax(filename)
        self.error: Problem | None = None
        self.token = _Token(EOF, "", Position(1, 1, 0), Position(1, 1, 0))

    # -- lexer --------------------------------------------------------------------------

    def pos(self) -> Position:
        return Position(self.line, self.i - self.line_start + 1, self.i)

    def fail(self, message: str, at: Position | None = None) -> NoReturn:
        p = at if at is not None else self.pos()
        self.error = Problem(self.filename, p.line, p.column, message)
        raise _SyntaxStopError

    def advance(self, j: int) -> None:
        newlines = self.text.count("\n", self.i, j)
        if newlines:
            self.line += newlines
            self.line_start = self.text.rindex("\n", self.i, j) + 1
        self.i = j

    def read_token(self) -> None:
        text, n = self.text, len(self.text)
        while self.i < n:
            m = _BLANKS.match(text, self.i)
            if m is not None and m.end() > self.i:
                self.i = m.end()  # no newline among the blanks
                continue
            if text.startswith("//", self.i):
                start = self.pos()
                # A comment alone on its line goes to the parser; one after tokens is
                # kept aside and attached to the syntax before it.
                suffix = text[self.line_start : self.i].strip(" \t\r") != ""
                nl = text.find("\n", self.i)
                self.advance(n if nl < 0 else nl + 1)
                body = text[start.offset : self.i]
                if body.endswith("\r\n"):
                    body = body[:-2]
                elif body.endswith("\n"):
                    body = body[:-1]
                if not suffix:
                    self.token = _Token(COMMENT, body, start, self.pos())
                    return
                self.token = _Token(EOLCOMMENT, body, start, self.pos())
                self.comments.append(Comment(start, body, suffix=True))
                return
            if text.startswith("/*", self.i):
                self.fail("mod files must use // comments (not /* */ comments)")
            break

        start = self.pos()
        if self.i >= n:
            self.token = _Token(EOF, "", start, start)
            return
        c = text[self.i]
        if c in _PUNCT:
            self.advance(self.i + 1)
            self.token = _Token(c, c, start, self.pos())
            return
        if c in '"`':
            self.read_string(c, start)
            return
        if not _is_ident(c):
            self.fail(f"unexpected input character {go_quote_rune(c)}")
        m = _IDENT_RUN.match(text, self.i)
        assert m is not None  # c is an identifier character
        run = m.group()
        if not (run.isascii() and run.isprintable()):  # the common case needs no table
            for k, ch in enumerate(run):
                if not _is_ident(ch):
                    run = run[:k]
                    break
        cm = _COMMENT_START.search(run)
        if cm is not None:
            run = run[: cm.start()]
            if cm.group() == "/*":
                self.i += len(run)  # identifiers hold no newline
                self.fail("mod files must use // comments (not /* */ comments)")
        self.i += len(run)
        self.token = _Token(IDENT, run, start, self.pos())

    def read_string(self, quote: str, start: Position) -> None:
        text, n = self.text, len(self.text)
        j = self.i + 1
        while True:
            if j >= n:
                self.fail("unexpected EOF in string", at=start)
            if text[j] == "\n":
                self.advance(j)
                self.fail("unexpected newline in string")
            c = text[j]
            j += 1
            if c == quote:
                break
            if c == "\\" and quote != "`":
                if j >= n:
                    self.fail("unexpected EOF in string", at=start)
                j += 1  # the escaped character, even a newline
        self.advance(j)
        self.token = _Token(STRING, text[start.offset : j], start, self.pos())

    def peek(self) -> str:
        return self.token.kind

    def lex(self) -> _Token:
        tok = self.token
        self.read_token()
        return tok

    # -- parser -------------------------------------------------------------------------

    def parse_file(self) -> None:
        cb: CommentBlock | None = None
        stmts = self.file.stmts
        while True:
            kind = self.peek()
            if kind == "\n":
                self.lex()
                if cb is not None:
                    stmts.append(cb)
                    cb = None
            elif kind == COMMENT:
                tok = self.lex()
                if cb is None:
                    cb = CommentBlock(tok.pos)
                cb.comments.before.append(Comment(tok.pos, tok.text))
            elif kind == EOF:
                if cb is not None:
                    stmts.append(cb)
                return
            else:
                self.parse_stmt()
                if cb is not None:
                    stmts[-1].comments.before = cb.comments.before
                    cb = None

    def parse_stmt(self) -> None:
        tok = self.lex()
        start, end = tok.pos, tok.end
        tokens = [tok.text]
        while True:
            tok = self.lex()
            if tok.kind in _EOL_KINDS:
                self.file.stmts.append(Line(start, tokens, end))
                return
            if tok.kind == "(":
                nxt = self.peek()
                if nxt in _EOL_KINDS:
                    self.file.stmts.append(self.parse_line_block(start, tokens, tok))
                    return
                if nxt == ")":
                    rparen = self.lex()
                    if self.peek() in _EOL_KINDS:
                        self.lex()  # an empty block: "require ()"
                        self.file.stmts.append(
                            LineBlock(start, tokens, LParen(tok.pos), RParen(rparen.pos))
                        )
                        return
                    tokens += [tok.text, rparen.text]  # "( )" inside a line
                else:
                    tokens.append(tok.text)  # "(" inside a line
            else:
                tokens.append(tok.text)
                end = tok.end

    def parse_line_block(self, start: Position, tokens: list[str], lparen: _Token) -> LineBlock:
        block = LineBlock(start, tokens, LParen(lparen.pos), RParen(Position()))
        comments: list[Comment] = []
        while True:
            kind = self.peek()
            if kind == EOLCOMMENT:
                self.lex()  # attached later
            elif kind == "\n":
                self.lex()
                # A blank line is kept as an empty comment (once).
                if (not comments and block.lines) or (comments and comments[-1].token != ""):
                    comments.append(Comment())
            elif kind == COMMENT:
                tok = self.lex()
                comments.append(Comment(tok.pos, tok.text))
            elif kind == EOF:
                self.fail(
                    "syntax error (unterminated block started at "
                    f"{self.filename}:{start.line}:{start.column})"
                )
            elif kind == ")":
                rparen = self.lex()
                if len(comments) == 1 and comments[0] == Comment():
                    comments = []
                block.rparen.comments.before = comments
                block.rparen.pos = rparen.pos
                if self.peek() not in _EOL_KINDS:
                    self.fail("syntax error (expected newline after closing paren)")
                self.lex()
                return block
            else:
                line = self.parse_line()
                block.lines.append(line)
                line.comments.before = comments
                comments = []

    def parse_line(self) -> Line:
        tok = self.lex()
        start, end = tok.pos, tok.end
        tokens = [tok.text]
        while True:
            tok = self.lex()
            if tok.kind in _EOL_KINDS:
                return Line(start, tokens, end, in_block=True)
            tokens.append(tok.text)
            end = tok.end

    # -- comment assignment ---------------------------------------------------------------

    def assign_comments(self) -> None:
        # Whole-line comments were already placed by the parser; only end-of-line comments
        # remain. Each goes to the last syntax that ends before it on the same line.
        post: list[tuple[Comments, Position, Position]] = []
        for stmt in self.file.stmts:
            if isinstance(stmt, LineBlock):
                post.append((stmt.lparen.comments, *stmt.lparen.span()))
                post.extend((ln.comments, ln.start, ln.end) for ln in stmt.lines)
                post.append((stmt.rparen.comments, *stmt.rparen.span()))
            post.append((stmt.comments, *stmt.span()))
        suffix = self.comments
        touched: list[Comments] = []
        for comments, start, end in reversed(post):
            if start.line != end.line:
                continue  # "x ( y \n z ) // c" belongs to z, not to the block
            taken = False
            while suffix and end.offset <= suffix[-1].start.offset:
                comments.suffix.append(suffix.pop())
                taken = True
            if taken:
                touched.append(comments)
        for comments in touched:
            comments.suffix.reverse()
        self.file.comments.before.extend(suffix)


def parse_syntax(filename: str, text: str) -> FileSyntax:
    """Parse text into statements; raise ParseError at the first syntax error."""
    inp = _Input(filename, text)
    try:
        inp.read_token()
        inp.parse_file()
    except _SyntaxStopError:
        assert inp.error is not None
        raise ParseError([inp.error]) from None
    inp.assign_comments()
    return inp.file
