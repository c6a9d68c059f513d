"""The syntax tree of a go.mod or go.work file: lines, blocks, comments and their positions.

The nodes mirror golang.org/x/mod/modfile's (Line, LineBlock, CommentBlock, LParen, RParen).
They are mutable on purpose: the parser fills in comments after the statements are built,
as x/mod does. The interpreted files (GoModFile, GoWorkFile) are frozen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

__all__ = [
    "Comment",
    "CommentBlock",
    "Comments",
    "Expr",
    "FileSyntax",
    "LParen",
    "Line",
    "LineBlock",
    "Position",
    "RParen",
]


class Position(NamedTuple):
    """A place in the input: 1-based line, 1-based rune in that line, 0-based offset.

    ``offset`` counts characters of the decoded text, where each undecodable byte is one
    character, so it orders positions exactly as x/mod's byte offsets do. A NamedTuple rather
    than a dataclass: the lexer makes two per token, and tuples are several times cheaper.
    """

    line: int = 0
    column: int = 0
    offset: int = 0

    def add(self, text: str) -> Position:
        """The position just after ``text`` when it starts here."""
        newlines = text.count("\n")
        if newlines:
            tail = text[text.rindex("\n") + 1 :]
            return Position(self.line + newlines, 1 + len(tail), self.offset + len(text))
        return Position(self.line, self.column + len(text), self.offset + len(text))


_NOWHERE = Position()  # an immutable tuple, safe to share as a default


@dataclass(frozen=True, slots=True)
class Comment:
    """One ``//`` comment; an empty token marks a preserved blank line inside a block."""

    start: Position = _NOWHERE
    token: str = ""  # the comment text including "//", without the line ending
    suffix: bool = False  # at the end of a line that has other tokens


@dataclass(slots=True)
class Comments:
    before: list[Comment] = field(default_factory=list)  # whole-line comments above
    suffix: list[Comment] = field(default_factory=list)  # end-of-line comments
    after: list[Comment] = field(default_factory=list)  # top level: comments below


@dataclass(slots=True)
class CommentBlock:
    """Whole-line comments that belong to no statement."""

    start: Position
    comments: Comments = field(default_factory=Comments)

    def span(self) -> tuple[Position, Position]:
        return self.start, self.start


@dataclass(slots=True)
class Line:
    """One statement line: its tokens (the verb is left out inside a block)."""

    start: Position
    tokens: list[str]
    end: Position
    in_block: bool = False
    comments: Comments = field(default_factory=Comments)

    def span(self) -> tuple[Position, Position]:
        return self.start, self.end


@dataclass(slots=True)
class LParen:
    pos: Position
    comments: Comments = field(default_factory=Comments)

    def span(self) -> tuple[Position, Position]:
        return self.pos, self.pos.add(")")


@dataclass(slots=True)
class RParen:
    pos: Position
    comments: Comments = field(default_factory=Comments)

    def span(self) -> tuple[Position, Position]:
        return self.pos, self.pos.add(")")


@dataclass(slots=True)
class LineBlock:
    """A factored block such as ``require ( ... )``; ``tokens`` are those before the paren."""

    start: Position
    tokens: list[str]
    lparen: LParen
    rparen: RParen
    lines: list[Line] = field(default_factory=list)
    comments: Comments = field(default_factory=Comments)

    def span(self) -> tuple[Position, Position]:
        return self.start, self.rparen.pos.add(")")


Expr = CommentBlock | Line | LineBlock


@dataclass(slots=True)
class FileSyntax:
    """A whole file: its name (for messages) and its statements in order."""

    name: str
    stmts: list[Expr] = field(default_factory=list)
    comments: Comments = field(default_factory=Comments)

    def span(self) -> tuple[Position, Position]:
        if not self.stmts:
            return Position(), Position()
        return self.stmts[0].span()[0], self.stmts[-1].span()[1]
