"""Argument rules shared by go.mod and go.work directives, with x/mod's error wording.

Each check raises DirectiveError whose text is what follows ``file:line:`` in the go
command's message; the caller adds the position of the offending line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gomodcheck.errors import Problem
from gomodcheck.modfile.quoting import go_unquote
from gomodcheck.modfile.syntax import Line, Position
from gomodcheck.module import (
    InvalidVersionError,
    ModuleVersion,
    canonical_version,
    check_path_major,
    go_quote,
    split_path_version,
)

__all__ = [
    "GO_VERSION_RE",
    "TOOLCHAIN_RE",
    "DirectiveError",
    "Errors",
    "Go",
    "Godebug",
    "Replace",
    "Toolchain",
    "is_directory_path",
    "parse_go",
    "parse_godebug",
    "parse_replace",
    "parse_string",
    "parse_toolchain",
    "parse_version",
]

# The go line's version syntax (modfile.GoVersionRE); a dependency may use a looser form.
GO_VERSION_RE = re.compile(r"([1-9][0-9]*)\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?([a-z]+[0-9]+)?")
_LAX_GO_VERSION_RE = re.compile(r"v?(([1-9][0-9]*)\.(0|[1-9][0-9]*))([^0-9].*)")
# Loose on purpose so that future toolchain names still parse (modfile.ToolchainRE).
TOOLCHAIN_RE = re.compile(r"default\Z|go1(\Z|\.)")


class DirectiveError(ValueError):
    """A directive's arguments are wrong; str() is the message without the position."""


def directive_text(verb: str, mod_path: str, message: str) -> str:
    """A message prefixed as x/mod's Error prints its Verb and ModPath."""
    if mod_path:
        return f"{verb} {mod_path}: {message}"
    if verb:
        return f"{verb}: {message}"
    return message


@dataclass
class Errors:
    """Collects every problem in a file, as x/mod's ErrorList does."""

    filename: str
    problems: list[Problem] = field(default_factory=list)

    def add(self, at: Position, message: str) -> None:
        self.problems.append(Problem(self.filename, at.line, at.column, message))


@dataclass(frozen=True)
class Go:
    """The go line: the language version, such as "1.23" or "1.23.0"."""

    version: str
    line: int
    column: int


@dataclass(frozen=True)
class Toolchain:
    """The toolchain line: a name such as "go1.23.1" or "default"."""

    name: str
    line: int
    column: int


@dataclass(frozen=True)
class Godebug:
    """One godebug key=value setting."""

    key: str
    value: str
    line: int
    column: int


@dataclass(frozen=True)
class Replace:
    """old => new; new has no version when it is a directory on disk."""

    old: ModuleVersion
    new: ModuleVersion
    line: int
    column: int

    @property
    def is_directory(self) -> bool:
        return not self.new.version and is_directory_path(self.new.path)


def is_directory_path(ns: str) -> bool:
    """Whether a replacement is a directory: ./ ../ or rooted, in Unix or Windows syntax."""
    return (
        ns in (".", "..")
        or ns.startswith(("./", ".\\", "../", "..\\", "/", "\\"))
        or (len(ns) >= 2 and ns[0].isascii() and ns[0].isalpha() and ns[1] == ":")
    )


def parse_string(token: str) -> str:
    """A token's value: unquoted if double-quoted; other quotes are reserved."""
    if token.startswith('"'):
        return go_unquote(token)
    if any(q in token for q in "\"'`"):
        raise ValueError("unquoted string cannot contain quote")
    return token


def parse_version(verb: str, path: str, token: str) -> str:
    """The canonical form of a version token (x/mod parseVersion with no fixer)."""
    try:
        text = parse_string(token)
    except ValueError as e:
        err = InvalidVersionError(token, str(e))
        raise DirectiveError(directive_text(verb, path, str(err))) from None
    canonical = canonical_version(text)
    if not canonical:
        err = InvalidVersionError(text, "must be of the form v1.2.3")
        raise DirectiveError(directive_text(verb, path, str(err)))
    return canonical


def path_major(path: str) -> str:
    _, major, ok = split_path_version(path)
    if not ok:
        raise ValueError("invalid module path")
    return major


def check_major(verb: str, path: str, version: str, major: str) -> None:
    try:
        check_path_major(version, major)
    except InvalidVersionError as e:
        raise DirectiveError(directive_text(verb, path, str(e))) from None


def _quoted(token: str) -> str:
    try:
        return parse_string(token)
    except ValueError as e:
        raise DirectiveError(f"invalid quoted string: {e}") from None


def parse_go(args: list[str], *, strict: bool = True) -> str:
    if len(args) != 1:
        raise DirectiveError("go directive expects exactly one argument")
    version = args[0]
    if GO_VERSION_RE.fullmatch(version) is None:
        m = None if strict else _LAX_GO_VERSION_RE.fullmatch(version)
        if m is None:
            raise DirectiveError(f"invalid go version '{version}': must match format 1.23.0")
        version = m.group(1)
    return version


def parse_toolchain(args: list[str]) -> str:
    if len(args) != 1:
        raise DirectiveError("toolchain directive expects exactly one argument")
    if TOOLCHAIN_RE.match(args[0]) is None:
        raise DirectiveError(
            f"invalid toolchain version '{args[0]}': must match format go1.23.0 or default"
        )
    return args[0]


def parse_godebug(args: list[str]) -> tuple[str, str]:
    if len(args) != 1 or any(q in args[0] for q in "\"`',"):
        raise DirectiveError("usage: godebug key=value")
    key, sep, value = args[0].partition("=")
    if not sep:
        raise DirectiveError("usage: godebug key=value")
    return key, value


def parse_path_arg(args: list[str], usage: str) -> str:
    """The one (possibly quoted) path argument of tool, ignore and use."""
    if len(args) != 1:
        raise DirectiveError(usage)
    return _quoted(args[0])


def parse_replace(verb: str, args: list[str], line: Line) -> Replace:
    """old [version] => new [version], or old [version] => ../directory."""
    arrow = 1 if len(args) >= 2 and args[1] == "=>" else 2
    if len(args) < arrow + 2 or len(args) > arrow + 3 or args[arrow] != "=>":
        raise DirectiveError(
            f"usage: {verb} module/path [v1.2.3] => other/module v1.4\n"
            f"\t or {verb} module/path [v1.2.3] => ../local/directory"
        )
    old_path = _quoted(args[0])
    try:
        major = path_major(old_path)
    except ValueError as e:
        raise DirectiveError(directive_text(verb, old_path, str(e))) from None
    old_version = ""
    if arrow == 2:
        old_version = parse_version(verb, old_path, args[1])
        check_major(verb, old_path, old_version, major)
    new_path = _quoted(args[arrow + 1])
    new_version = ""
    if len(args) == arrow + 2:
        if not is_directory_path(new_path):
            if "@" in new_path:
                raise DirectiveError(
                    "replacement module must match format 'path version', not 'path@version'"
                )
            raise DirectiveError(
                "replacement module without version must be directory path "
                "(rooted or starting with . or ..)"
            )
        if "\\" in new_path:
            # The go command we agree with runs on Unix, where this is not a directory.
            raise DirectiveError(
                "replacement directory appears to be Windows path (on a non-windows system)"
            )
    else:
        new_version = parse_version(verb, new_path, args[arrow + 2])
        if is_directory_path(new_path):
            raise DirectiveError(
                f"replacement module directory path {go_quote(new_path)} cannot have version"
            )
    return Replace(
        ModuleVersion(old_path, old_version),
        ModuleVersion(new_path, new_version),
        line.start.line,
        line.start.column,
    )
