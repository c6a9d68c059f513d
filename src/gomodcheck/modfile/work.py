"""go.work semantics: go, toolchain, godebug, use and replace (x/mod work.go).

go.work has no lax mode: the go command parses it strictly, always.
"""

from __future__ import annotations

from dataclasses import dataclass

from gomodcheck.errors import ParseError
from gomodcheck.modfile.directives import (
    DirectiveError,
    Errors,
    Go,
    Godebug,
    Replace,
    Toolchain,
    parse_go,
    parse_godebug,
    parse_path_arg,
    parse_replace,
    parse_toolchain,
)
from gomodcheck.modfile.read import decode, parse_syntax
from gomodcheck.modfile.syntax import FileSyntax, Line, LineBlock

__all__ = ["GoWorkFile", "Use", "parse_gowork"]

_BLOCK_VERBS = frozenset({"godebug", "use", "replace"})


@dataclass(frozen=True)
class Use:
    """A use line: a directory holding a module of the workspace.

    ``module_path`` stays empty: x/mod defines it for a module path written in a comment,
    but its parser never fills it in, and neither does the go command.
    """

    path: str
    line: int
    column: int
    module_path: str = ""


@dataclass(frozen=True)
class GoWorkFile:
    go: Go | None
    toolchain: Toolchain | None
    godebug: tuple[Godebug, ...]
    use: tuple[Use, ...]
    replace: tuple[Replace, ...]
    syntax: FileSyntax


class _Builder:
    def __init__(self, syntax: FileSyntax) -> None:
        self.syntax = syntax
        self.errors = Errors(syntax.name)
        self.go: Go | None = None
        self.toolchain: Toolchain | None = None
        self.godebug: list[Godebug] = []
        self.use: list[Use] = []
        self.replace: list[Replace] = []

    def add(self, line: Line, verb: str, args: list[str]) -> None:
        try:
            self._add(line, verb, args)
        except DirectiveError as e:
            self.errors.add(line.start, str(e))

    def _add(self, line: Line, verb: str, args: list[str]) -> None:
        at = (line.start.line, line.start.column)
        if verb == "go":
            if self.go is not None:
                raise DirectiveError("repeated go statement")
            self.go = Go(parse_go(args), *at)
        elif verb == "toolchain":
            if self.toolchain is not None:
                raise DirectiveError("repeated toolchain statement")
            self.toolchain = Toolchain(parse_toolchain(args), *at)
        elif verb == "godebug":
            self.godebug.append(Godebug(*parse_godebug(args), *at))
        elif verb == "use":
            self.use.append(Use(parse_path_arg(args, "usage: use local/dir"), *at))
        elif verb == "replace":
            self.replace.append(parse_replace(verb, args, line))
        else:
            raise DirectiveError(f"unknown directive: {verb}")


def parse_gowork(data: bytes, filename: str) -> GoWorkFile:
    """Parse a go.work file; raise ParseError listing every problem, each with its line."""
    syntax = parse_syntax(filename, decode(data))
    b = _Builder(syntax)
    for stmt in syntax.stmts:
        if isinstance(stmt, Line):
            b.add(stmt, stmt.tokens[0], stmt.tokens[1:])
        elif isinstance(stmt, LineBlock):
            if len(stmt.tokens) > 1 or stmt.tokens[0] not in _BLOCK_VERBS:
                b.errors.add(stmt.start, f"unknown block type: {' '.join(stmt.tokens)}")
                continue
            for line in stmt.lines:
                b.add(line, stmt.tokens[0], list(line.tokens))
    if b.errors.problems:
        raise ParseError(b.errors.problems)
    return GoWorkFile(b.go, b.toolchain, tuple(b.godebug), tuple(b.use), tuple(b.replace), syntax)
