"""The import block of a Go file, read the way cmd/go/internal/imports.ReadImports reads it.

Only the package clause and the import declarations are read; reading stops at the first byte that
cannot continue them (the first other declaration). The bytes read so far are the "header" whose
build constraints decide whether the file counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


class _SyntaxError(Exception):
    pass


class _EOFError(Exception):
    pass


def _is_ident(c: int) -> bool:
    return 0x61 <= c <= 0x7A or 0x41 <= c <= 0x5A or 0x30 <= c <= 0x39 or c == 0x5F or c >= 0x80


@dataclass(frozen=True)
class FileImports:
    """What ReadImports returns: quoted import paths (as written) and the header bytes read."""

    quoted: tuple[str, ...]
    header: bytes
    syntax_error: bool = False

    @property
    def paths(self) -> tuple[str, ...]:
        """The unquoted paths; a path that does not unquote is dropped, as scanFiles drops it."""
        out = []
        for q in self.quoted:
            p = unquote(q)
            if p is not None:
                out.append(p)
        return tuple(out)


def unquote(q: str) -> str | None:
    """strconv.Unquote for the import strings Go code actually uses."""
    if len(q) < 2:
        return None
    if q[0] == "`" and q[-1] == "`":
        return q[1:-1].replace("\r", "")
    if q[0] != '"' or q[-1] != '"':
        return None
    body = q[1:-1]
    if "\\" not in body:
        return None if '"' in body else body
    try:
        return body.encode("latin-1", "backslashreplace").decode("unicode_escape")
    except UnicodeDecodeError:
        return None


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0  # next unread byte
        self.peek: int | None = None

    def read_byte(self) -> int:
        if self.pos >= len(self.data):
            raise _EOFError
        c = self.data[self.pos]
        self.pos += 1
        if c == 0:
            raise _SyntaxError  # errNUL
        return c

    def peek_byte(self, skip_space: bool) -> int:
        if self.peek is not None and not (skip_space and self.peek in b" \f\t\r\n;/"):
            return self.peek
        c = self.peek if self.peek is not None else self.read_byte()
        self.peek = None
        while True:
            if skip_space and c in b" \f\t\r\n;":
                c = self.read_byte()
                continue
            if skip_space and c == 0x2F:  # '/'
                c = self.read_byte()
                if c == 0x2F:
                    while c not in (0x0A,):
                        c = self.read_byte()
                elif c == 0x2A:  # '*'
                    prev = 0
                    while True:
                        c = self.read_byte()
                        if prev == 0x2A and c == 0x2F:
                            break
                        prev = c
                else:
                    raise _SyntaxError
                c = self.read_byte()
                continue
            break
        self.peek = c
        return c

    def next_byte(self, skip_space: bool) -> int:
        c = self.peek_byte(skip_space)
        self.peek = None
        return c

    def read_keyword(self, kw: bytes) -> None:
        self.peek_byte(True)
        for want in kw:
            if self.next_byte(False) != want:
                raise _SyntaxError
        if _is_ident(self.peek_byte(False)):
            raise _SyntaxError

    def read_ident(self) -> None:
        c = self.peek_byte(True)
        if not _is_ident(c):
            raise _SyntaxError
        while _is_ident(self.peek_byte(False)):
            self.peek = None

    def read_string(self, out: list[str]) -> None:
        c = self.next_byte(True)
        start = self.pos - 1  # the opening quote: the byte peek_byte read last
        if c == 0x60:  # '`'
            while self.next_byte(False) != 0x60:
                pass
        elif c == 0x22:  # '"'
            while True:
                c = self.next_byte(False)
                if c == 0x22:
                    break
                if c == 0x0A:
                    raise _SyntaxError
                if c == 0x5C:  # '\\'
                    self.next_byte(False)
        else:
            raise _SyntaxError
        out.append(self.data[start : self.pos].decode("utf-8", "replace"))

    def read_import(self, out: list[str]) -> None:
        c = self.peek_byte(True)
        if c == 0x2E:  # '.'
            self.peek = None
        elif _is_ident(c):
            self.read_ident()
        self.read_string(out)


_SKIP = re.compile(rb"(?:[ \t\r\n\f;]+|//[^\n]*|/\*.*?\*/)*", re.DOTALL)
_IDENT = re.compile(rb"[A-Za-z0-9_\x80-\xff]+")
_PACKAGE = re.compile(rb"package(?![A-Za-z0-9_\x80-\xff])")
_IMPORT = re.compile(rb"import(?![A-Za-z0-9_\x80-\xff])")
_STRING = re.compile(rb'"(?:[^"\\\n]|\\.)*"|`[^`]*`', re.DOTALL)


def read_imports(data: bytes) -> FileImports:
    """ReadImports(f, reportSyntaxError=false): imports and the header bytes consumed.

    A regular-expression version of the byte reader below (which stays as the reference):
    whole-token matches are an order of magnitude faster in Python on large trees.
    """
    if b"\x00" in data:
        # NUL bytes: the go command stops with an error; take the exact slow path.
        return read_imports_bytewise(data)
    quoted: list[str] = []
    pos = _SKIP.match(data, 0).end()  # type: ignore[union-attr]
    m = _PACKAGE.match(data, pos)
    if m is None:
        return read_imports_bytewise(data)
    pos = _SKIP.match(data, m.end()).end()  # type: ignore[union-attr]
    m = _IDENT.match(data, pos)
    if m is None:
        return read_imports_bytewise(data)
    pos = m.end()

    def one_import(at: int) -> int | None:
        at = _SKIP.match(data, at).end()  # type: ignore[union-attr]
        if data[at : at + 1] == b".":
            at += 1
        else:
            ident = _IDENT.match(data, at)
            if ident is not None:
                at = ident.end()
        at = _SKIP.match(data, at).end()  # type: ignore[union-attr]
        sm = _STRING.match(data, at)
        if sm is None:
            return None
        quoted.append(sm.group().decode("utf-8", "replace"))
        return sm.end()

    while True:
        at = _SKIP.match(data, pos).end()  # type: ignore[union-attr]
        if at >= len(data) or data[at] != 0x69:  # 'i'
            if at >= len(data):
                return FileImports(tuple(quoted), data)
            return FileImports(tuple(quoted), data[:at])
        im = _IMPORT.match(data, at)
        if im is None:
            return read_imports_bytewise(data)
        at = _SKIP.match(data, im.end()).end()  # type: ignore[union-attr]
        if data[at : at + 1] == b"(":
            at += 1
            while True:
                at = _SKIP.match(data, at).end()  # type: ignore[union-attr]
                if data[at : at + 1] == b")":
                    pos = at + 1
                    break
                if at >= len(data):
                    return read_imports_bytewise(data)
                nxt = one_import(at)
                if nxt is None:
                    return read_imports_bytewise(data)
                at = nxt
        else:
            nxt = one_import(at)
            if nxt is None:
                return read_imports_bytewise(data)
            pos = nxt


def read_imports_bytewise(data: bytes) -> FileImports:
    """ReadImports(f, reportSyntaxError=false): imports and the header bytes consumed."""
    r = _Reader(data)
    quoted: list[str] = []
    try:
        r.read_keyword(b"package")
        r.read_ident()
        while r.peek_byte(True) == 0x69:  # 'i'
            r.read_keyword(b"import")
            if r.peek_byte(True) == 0x28:  # '('
                r.next_byte(False)
                while r.peek_byte(True) != 0x29:  # ')'
                    r.read_import(quoted)
                r.next_byte(False)
            else:
                r.read_import(quoted)
    except _EOFError:
        return FileImports(tuple(quoted), data)
    except _SyntaxError:
        # Like the go command without reportSyntaxError: the whole file is the header.
        return FileImports(tuple(quoted), data, syntax_error=True)
    # We stopped on a byte that ends the imports; it is not part of the header.
    end = r.pos - 1 if r.peek is not None else r.pos
    return FileImports(tuple(quoted), data[:end])
