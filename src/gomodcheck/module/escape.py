"""Case-encoding of module paths and versions for the module cache and proxy URLs.

Every upper-case letter becomes "!" plus its lower-case form, so that a module's files never
collide on a case-insensitive file system: "github.com/Azure" <-> "github.com/!azure".
"""

from __future__ import annotations

from gomodcheck.module.errors import InvalidVersionError
from gomodcheck.module.path import check_elem_file, check_path
from gomodcheck.module.quote import go_quote

__all__ = ["escape_path", "escape_version", "unescape_path", "unescape_version"]


def _escape_string(s: str) -> str:
    for c in s:
        if c == "!" or c >= "\x80":
            # check_path and the version check rule these out before we get here.
            raise ValueError("internal error: inconsistency in EscapePath")
    return "".join("!" + c.lower() if "A" <= c <= "Z" else c for c in s)


def escape_path(path: str) -> str:
    """The case-encoded form of a module path; raises InvalidPathError if path is invalid."""
    check_path(path)
    return _escape_string(path)


def escape_version(version: str) -> str:
    """The case-encoded form of a version; raises InvalidVersionError if it cannot be a file."""
    if check_elem_file(version) is not None or "!" in version:
        raise InvalidVersionError(version, "disallowed version string")
    return _escape_string(version)


def _unescape_string(escaped: str) -> str | None:
    out: list[str] = []
    bang = False
    for c in escaped:
        if c >= "\x80":
            return None
        if bang:
            bang = False
            if not "a" <= c <= "z":
                return None
            out.append(c.upper())
            continue
        if c == "!":
            bang = True
            continue
        if "A" <= c <= "Z":
            return None  # upper case must be escaped: an unescaped one is a different path
        out.append(c)
    if bang:
        return None
    return "".join(out)


def unescape_path(escaped: str) -> str:
    """The module path a case-encoded path stands for; raises ValueError if it is not one."""
    path = _unescape_string(escaped)
    if path is None:
        raise ValueError(f"invalid escaped module path {go_quote(escaped)}")
    try:
        check_path(path)
    except ValueError as e:
        raise ValueError(f"invalid escaped module path {go_quote(escaped)}: {e}") from None
    return path


def unescape_version(escaped: str) -> str:
    """The version a case-encoded version stands for; raises ValueError if it is not one."""
    v = _unescape_string(escaped)
    if v is None:
        raise ValueError(f"invalid escaped version {go_quote(escaped)}")
    reason = check_elem_file(v)
    if reason is not None:
        raise ValueError(f"invalid escaped version {go_quote(v)}: {reason}")
    return v
