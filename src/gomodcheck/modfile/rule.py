"""go.mod semantics: which directives exist, what their arguments must be (x/mod rule.go).

Strict mode is for the main module's go.mod (modfile.Parse); lax mode is for dependencies'
go.mod files (modfile.ParseLax): directives other than module, go, require, retract and
ignore are skipped, so that a file written for a newer go command still loads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gomodcheck.errors import ParseError
from gomodcheck.gostrings import go_fields, go_trim_space
from gomodcheck.modfile.directives import (
    DirectiveError,
    Errors,
    Go,
    Godebug,
    Replace,
    Toolchain,
    check_major,
    parse_go,
    parse_godebug,
    parse_path_arg,
    parse_replace,
    parse_string,
    parse_toolchain,
    parse_version,
    path_major,
)
from gomodcheck.modfile.quoting import go_unquote
from gomodcheck.modfile.read import decode, parse_syntax
from gomodcheck.modfile.syntax import FileSyntax, Line, LineBlock
from gomodcheck.module import InvalidVersionError, go_quote

__all__ = [
    "Exclude",
    "GoModFile",
    "Ignore",
    "Module",
    "Require",
    "Retract",
    "Tool",
    "module_path",
    "parse_gomod",
]

_BLOCK_VERBS = frozenset(
    {"module", "godebug", "require", "exclude", "replace", "retract", "tool", "ignore"}
)
_LAX_VERBS = frozenset({"go", "module", "retract", "require", "ignore"})
_DEPRECATED_RE = re.compile(r"(?s)(?:\A|\n\n)Deprecated: *(.*?)(?:\Z|\n\n)")


@dataclass(frozen=True)
class Module:
    """The module line; ``deprecated`` is the text of a "Deprecated:" comment paragraph."""

    path: str
    deprecated: str
    line: int
    column: int


@dataclass(frozen=True)
class Require:
    path: str
    version: str
    indirect: bool  # marked "// indirect"
    line: int
    column: int


@dataclass(frozen=True)
class Exclude:
    path: str
    version: str
    line: int
    column: int


@dataclass(frozen=True)
class Retract:
    """A retracted version (low == high) or closed interval [low, high], with its reason."""

    low: str
    high: str
    rationale: str
    line: int
    column: int


@dataclass(frozen=True)
class Tool:
    path: str
    line: int
    column: int


@dataclass(frozen=True)
class Ignore:
    path: str
    line: int
    column: int


@dataclass(frozen=True)
class GoModFile:
    """A parsed go.mod; lists keep file order and duplicates (the go command drops some)."""

    module: Module | None
    go: Go | None
    toolchain: Toolchain | None
    godebug: tuple[Godebug, ...]
    require: tuple[Require, ...]
    exclude: tuple[Exclude, ...]
    replace: tuple[Replace, ...]
    retract: tuple[Retract, ...]
    tool: tuple[Tool, ...]
    ignore: tuple[Ignore, ...]
    syntax: FileSyntax

    @property
    def path(self) -> str:
        return self.module.path if self.module else ""


def directive_comment(block: LineBlock | None, line: Line) -> str:
    """The comment text of a directive, or of its block when the line has none."""
    comments = line.comments
    if block is not None and not comments.before and not comments.suffix:
        comments = block.comments
    lines = [
        go_trim_space(c.token[2:])
        for c in (*comments.before, *comments.suffix)
        if c.token.startswith("//")  # an empty token marks a blank line
    ]
    return "\n".join(lines)


def _deprecation(block: LineBlock | None, line: Line) -> str:
    m = _DEPRECATED_RE.search(directive_comment(block, line))
    return m.group(1) if m else ""


def is_indirect(line: Line) -> bool:
    """Whether the line's first end-of-line comment is "// indirect" or "// indirect; ...".."""
    if not line.comments.suffix:
        return False
    words = go_fields(line.comments.suffix[0].token.removeprefix("//"))
    return (len(words) == 1 and words[0] == "indirect") or (
        len(words) > 1 and words[0] == "indirect;"
    )


def _version_interval(args: list[str]) -> tuple[str, str, list[str]]:
    """A retract argument: one version or [low, high]; versions are not checked here."""
    if not args or args[0] == "(":
        raise DirectiveError("expected '[' or version")
    if args[0] != "[":
        v = parse_string_version(args[0])
        return v, v, args[1:]
    toks = args[1:]
    if not toks:
        raise DirectiveError("expected version after '['")
    low = parse_string_version(toks[0])
    toks = toks[1:]
    if not toks or toks[0] != ",":
        raise DirectiveError("expected ',' after version")
    toks = toks[1:]
    if not toks:
        raise DirectiveError("expected version after ','")
    high = parse_string_version(toks[0])
    toks = toks[1:]
    if not toks or toks[0] != "]":
        raise DirectiveError("expected ']' after version")
    return low, high, toks[1:]


def parse_string_version(token: str) -> str:
    # The go command parses retract versions with a fixer that keeps them as written.
    try:
        return parse_string(token)
    except ValueError as e:
        raise DirectiveError(f"retract: {InvalidVersionError(token, str(e))}") from None


class _Builder:
    def __init__(self, syntax: FileSyntax, strict: bool) -> None:
        self.syntax = syntax
        self.strict = strict
        self.errors = Errors(syntax.name)
        self.module: Module | None = None
        self.go: Go | None = None
        self.toolchain: Toolchain | None = None
        self.godebug: list[Godebug] = []
        self.require: list[Require] = []
        self.exclude: list[Exclude] = []
        self.replace: list[Replace] = []
        self.retract: list[Retract] = []
        self.tool: list[Tool] = []
        self.ignore: list[Ignore] = []

    def add(self, block: LineBlock | None, line: Line, verb: str, args: list[str]) -> None:
        if not self.strict and verb not in _LAX_VERBS:
            return
        try:
            self._add(block, line, verb, args)
        except DirectiveError as e:
            self.errors.add(line.start, str(e))

    def _add(self, block: LineBlock | None, line: Line, verb: str, args: list[str]) -> None:
        at = (line.start.line, line.start.column)
        if verb == "go":
            if self.go is not None:
                raise DirectiveError("repeated go statement")
            self.go = Go(parse_go(args, strict=self.strict), *at)
        elif verb == "toolchain":
            if self.toolchain is not None:
                raise DirectiveError("repeated toolchain statement")
            self.toolchain = Toolchain(parse_toolchain(args), *at)
        elif verb == "module":
            if self.module is not None:
                raise DirectiveError("repeated module statement")
            # The statement counts even when malformed: a second one is "repeated".
            self.module = Module("", _deprecation(block, line), *at)
            if len(args) != 1:
                raise DirectiveError("usage: module module/path")
            path = _quoted(args[0])
            self.module = Module(path, self.module.deprecated, *at)
        elif verb == "godebug":
            self.godebug.append(Godebug(*parse_godebug(args), *at))
        elif verb in ("require", "exclude"):
            if len(args) != 2:
                raise DirectiveError(f"usage: {verb} module/path v1.2.3")
            path = _quoted(args[0])
            version = parse_version(verb, path, args[1])
            try:
                major = path_major(path)
            except ValueError as e:
                raise DirectiveError(str(e)) from None
            check_major(verb, path, version, major)
            if verb == "require":
                self.require.append(Require(path, version, is_indirect(line), *at))
            else:
                self.exclude.append(Exclude(path, version, *at))
        elif verb == "replace":
            self.replace.append(parse_replace(verb, args, line))
        elif verb == "retract":
            rationale = directive_comment(block, line)
            try:
                low, high, rest = _version_interval(args)
            except DirectiveError:
                if self.strict:
                    raise
                return  # future interval syntax must not break dependencies
            if rest and self.strict:
                raise DirectiveError(f"unexpected token after version: {go_quote(rest[0])}")
            self.retract.append(Retract(low, high, rationale, *at))
        elif verb == "tool":
            self.tool.append(Tool(parse_path_arg(args, _ONE_ARG.format("tool")), *at))
        elif verb == "ignore":
            self.ignore.append(Ignore(parse_path_arg(args, _ONE_ARG.format("ignore")), *at))
        else:
            raise DirectiveError(f"unknown directive: {verb}")

    def build(self) -> GoModFile:
        return GoModFile(
            self.module,
            self.go,
            self.toolchain,
            tuple(self.godebug),
            tuple(self.require),
            tuple(self.exclude),
            tuple(self.replace),
            tuple(self.retract),
            tuple(self.tool),
            tuple(self.ignore),
            self.syntax,
        )


_ONE_ARG = "{} directive expects exactly one argument"


def _quoted(token: str) -> str:
    try:
        return parse_string(token)
    except ValueError as e:
        raise DirectiveError(f"invalid quoted string: {e}") from None


def parse_gomod(data: bytes, filename: str, *, strict: bool = True) -> GoModFile:
    """Parse a go.mod file; raise ParseError listing every problem, each with its line.

    strict=False parses as the go command parses a dependency's go.mod (ParseLax).
    """
    syntax = parse_syntax(filename, decode(data))
    b = _Builder(syntax, strict)
    for stmt in syntax.stmts:
        if isinstance(stmt, Line):
            b.add(None, stmt, stmt.tokens[0], stmt.tokens[1:])
        elif isinstance(stmt, LineBlock):
            if len(stmt.tokens) > 1 or stmt.tokens[0] not in _BLOCK_VERBS:
                if strict:
                    b.errors.add(stmt.start, f"unknown block type: {' '.join(stmt.tokens)}")
                continue
            for line in stmt.lines:
                b.add(stmt, line, stmt.tokens[0], list(line.tokens))
    if b.errors.problems:
        raise ParseError(b.errors.problems)
    return b.build()


def module_path(data: bytes) -> str:
    """The module path of a go.mod, or "" if there is none; tolerant of any other problem.

    Like x/mod's ModulePath: it looks only for a "module" line, without parsing the file.
    """
    for raw in decode(data).split("\n"):
        line = go_trim_space(raw.split("//", 1)[0])
        if not line.startswith("module"):
            continue
        rest = line[len("module") :]
        trimmed = go_trim_space(rest)
        if len(trimmed) == len(rest) or not trimmed:
            continue  # "modulex" or a bare "module"
        if trimmed[0] in '"`':
            try:
                return go_unquote(trimmed)
            except ValueError:
                return ""  # malformed quoted string
        return trimmed
    return ""
