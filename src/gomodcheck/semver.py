"""Semantic version strings as Go modules use them: "v" prefix, shorthands v1 and v1.2 allowed.

Follows golang.org/x/mod/semver: invalid versions compare equal to each other and below every
valid one, build metadata is ignored in comparisons, and a missing minor or patch reads as 0.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "build",
    "canonical",
    "compare",
    "is_valid",
    "major",
    "major_minor",
    "max_version",
    "prerelease",
    "sort_versions",
]


@dataclass(frozen=True)
class _Parsed:
    major: str
    minor: str
    patch: str
    short: str  # the ".0" or ".0.0" a shorthand version lacks
    prerelease: str
    build: str


def _is_digit(c: str) -> bool:
    return "0" <= c <= "9"


def _is_ident_char(c: str) -> bool:
    return "A" <= c <= "Z" or "a" <= c <= "z" or "0" <= c <= "9" or c == "-"


def _is_bad_num(v: str) -> bool:
    # A numeric identifier with a leading zero is not allowed in a prerelease.
    return len(v) > 1 and all(_is_digit(c) for c in v) and v[0] == "0"


def _is_num(v: str) -> bool:
    return all(_is_digit(c) for c in v)


def _parse_int(v: str) -> tuple[str, str] | None:
    if not v or not _is_digit(v[0]):
        return None
    i = 1
    while i < len(v) and _is_digit(v[i]):
        i += 1
    if v[0] == "0" and i != 1:
        return None
    return v[:i], v[i:]


def _parse_dotted(v: str, *, prerelease: bool) -> tuple[str, str] | None:
    # v starts with '-' (prerelease) or '+' (build); identifiers are dot-separated, non-empty.
    i = start = 1
    stop = "+" if prerelease else None
    while i < len(v) and v[i] != stop:
        c = v[i]
        if not _is_ident_char(c) and c != ".":
            return None
        if c == ".":
            if start == i or (prerelease and _is_bad_num(v[start:i])):
                return None
            start = i + 1
        i += 1
    if start == i or (prerelease and _is_bad_num(v[start:i])):
        return None
    return v[:i], v[i:]


@functools.lru_cache(maxsize=4096)
def _parse(v: str) -> _Parsed | None:
    if not v or v[0] != "v":
        return None
    got = _parse_int(v[1:])
    if got is None:
        return None
    major_, rest = got
    if not rest:
        return _Parsed(major_, "0", "0", ".0.0", "", "")
    if rest[0] != ".":
        return None
    got = _parse_int(rest[1:])
    if got is None:
        return None
    minor, rest = got
    if not rest:
        return _Parsed(major_, minor, "0", ".0", "", "")
    if rest[0] != ".":
        return None
    got = _parse_int(rest[1:])
    if got is None:
        return None
    patch, rest = got
    pre = bld = ""
    if rest and rest[0] == "-":
        got = _parse_dotted(rest, prerelease=True)
        if got is None:
            return None
        pre, rest = got
    if rest and rest[0] == "+":
        got = _parse_dotted(rest, prerelease=False)
        if got is None:
            return None
        bld, rest = got
    if rest:
        return None
    return _Parsed(major_, minor, patch, "", pre, bld)


def is_valid(v: str) -> bool:
    """Whether v is a valid semantic version (with the leading "v")."""
    return _parse(v) is not None


def canonical(v: str) -> str:
    """The canonical form of v: shorthands completed, build metadata dropped; "" if invalid."""
    p = _parse(v)
    if p is None:
        return ""
    if p.build:
        return v[: len(v) - len(p.build)]
    return v + p.short


def major(v: str) -> str:
    """The major version prefix ("v2" for "v2.1.0"); "" if invalid."""
    p = _parse(v)
    return "" if p is None else v[: 1 + len(p.major)]


def major_minor(v: str) -> str:
    """The major.minor prefix ("v2.1" for "v2.1.0"); "" if invalid."""
    p = _parse(v)
    if p is None:
        return ""
    i = 1 + len(p.major)
    j = i + 1 + len(p.minor)
    if j <= len(v) and v[i] == "." and v[i + 1 : j] == p.minor:
        return v[:j]
    return v[:i] + "." + p.minor


def prerelease(v: str) -> str:
    """The prerelease suffix including its "-" ("-rc.1"); "" if none or invalid."""
    p = _parse(v)
    return "" if p is None else p.prerelease


def build(v: str) -> str:
    """The build suffix including its "+" ("+incompatible"); "" if none or invalid."""
    p = _parse(v)
    return "" if p is None else p.build


def _compare_int(x: str, y: str) -> int:
    # Both are canonical decimal strings without leading zeros: length orders first.
    if x == y:
        return 0
    if len(x) != len(y):
        return -1 if len(x) < len(y) else 1
    return -1 if x < y else 1


def _next_ident(x: str) -> tuple[str, str]:
    i = 0
    while i < len(x) and x[i] != ".":
        i += 1
    return x[:i], x[i:]


def _compare_prerelease(x: str, y: str) -> int:
    if x == y:
        return 0
    if not x:
        return 1
    if not y:
        return -1
    while x and y:
        dx, x = _next_ident(x[1:])
        dy, y = _next_ident(y[1:])
        if dx != dy:
            ix, iy = _is_num(dx), _is_num(dy)
            if ix != iy:
                return -1 if ix else 1
            if ix and len(dx) != len(dy):
                return -1 if len(dx) < len(dy) else 1
            return -1 if dx < dy else 1
    return -1 if not x else 1


def compare(v: str, w: str) -> int:
    """-1, 0 or +1 as v < w, v == w, v > w; invalid versions sort before all valid ones."""
    pv, pw = _parse(v), _parse(w)
    if pv is None and pw is None:
        return 0
    if pv is None:
        return -1
    if pw is None:
        return 1
    for a, b in ((pv.major, pw.major), (pv.minor, pw.minor), (pv.patch, pw.patch)):
        c = _compare_int(a, b)
        if c:
            return c
    return _compare_prerelease(pv.prerelease, pw.prerelease)


def max_version(v: str, w: str) -> str:
    """The larger of v and w in canonical form (x/mod semver.Max)."""
    v, w = canonical(v), canonical(w)
    return v if compare(v, w) > 0 else w


def _compare_total(a: str, b: str) -> int:
    c = compare(a, b)
    if c:
        return c
    return (a > b) - (a < b)


def sort_versions(versions: Iterable[str]) -> list[str]:
    """Versions in increasing order; equal versions (and invalid ones) ordered as strings."""
    return sorted(versions, key=functools.cmp_to_key(_compare_total))
