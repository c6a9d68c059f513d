"""Go version comparison (cmd/go/internal/gover): "1.21" < "1.21rc1" < "1.21.0" < "1.21.1"."""

from __future__ import annotations

import functools
import re

from gomodcheck import semver

_VERSION = re.compile(r"^(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:(rc|beta|alpha)(\d+))?$")
_KIND_RANK = {"": 0, "alpha": 1, "beta": 2, "rc": 3, "final": 4}

# Versions where the go command changed what go.mod and go.sum must hold.
NARROW_ALL = "1.16"  # "all" no longer closes over tests of dependencies
PRUNED_GRAPH = "1.17"  # graph pruning (lazy module loading)
GO_STRICT = "1.21"  # go lines are requirements; no compatibility with older releases
TIDY_GO_MOD_SUM = "1.21"  # go.mod sums for every module providing a package
EXPLICIT_MODULES_TXT = "1.14"  # vendor/modules.txt records ## explicit


@functools.lru_cache(maxsize=4096)  # a module graph compares the same few go versions often
def _key(v: str) -> tuple[int, int, int, int, int] | None:
    m = _VERSION.match(v)
    if m is None:
        return None
    major, minor, patch, kind, num = m.groups()
    if patch is not None:
        rank = _KIND_RANK["final"]
    elif kind is not None:
        rank = _KIND_RANK[kind]
    else:
        rank = 0  # a language version such as "1.21" sorts before its pre-releases
    return (int(major), int(minor or 0), int(patch or 0), rank, int(num or 0))


def is_valid(v: str) -> bool:
    return _key(v) is not None


def compare(x: str, y: str) -> int:
    """gover.Compare; invalid versions sort before valid ones and equal each other."""
    kx, ky = _key(x), _key(y)
    if kx is None or ky is None:
        return (kx is not None) - (ky is not None)
    return (kx > ky) - (kx < ky)


def lang(v: str) -> str:
    """The language version: "1.21.3" -> "1.21"."""
    m = _VERSION.match(v)
    if m is None:
        return ""
    return f"{m.group(1)}.{m.group(2) or 0}" if m.group(1) == "1" else m.group(1)


def prev(v: str) -> str:
    """gover.Prev: the language version before v ("1.17.3" -> "1.16")."""
    key = _key(v)
    if key is None or key[1] == 0:
        return "1"
    return f"{key[0]}.{key[1] - 1}"


def mod_compare(path: str, x: str, y: str) -> int:
    """gover.ModCompare: go/toolchain pseudo-modules compare as Go versions, others as semver."""
    if path == "go":
        return compare(x, y)
    if path == "toolchain":
        return compare(x.removeprefix("go"), y.removeprefix("go"))
    return semver.compare(x, y)
