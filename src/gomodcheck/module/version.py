"""ModuleVersion, the (path, version) pair that names one version of one module."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from gomodcheck import semver

__all__ = ["ModuleVersion", "sort"]


@dataclass(frozen=True, order=False)
class ModuleVersion:
    """A module path and version; version is "" for the main module or a directory replacement.

    The version may carry a file suffix as go.sum keys do ("v1.2.3/go.mod").
    """

    path: str
    version: str = ""

    def __str__(self) -> str:
        return f"{self.path}@{self.version}" if self.version else self.path


def _split_file(v: str) -> tuple[str, str]:
    k = v.find("/")
    return (v, "") if k < 0 else (v[:k], v[k:])


def _compare(a: ModuleVersion, b: ModuleVersion) -> int:
    if a.path != b.path:
        return -1 if a.path < b.path else 1
    # A "/go.mod" (or other file) suffix sorts after the bare version it belongs to.
    vi, fi = _split_file(a.version)
    vj, fj = _split_file(b.version)
    if vi != vj:
        return semver.compare(vi, vj)
    return (fi > fj) - (fi < fj)


def sort(versions: Iterable[ModuleVersion]) -> list[ModuleVersion]:
    """Module versions by path, then by semantic version, then by file suffix (x/mod Sort)."""
    return sorted(versions, key=functools.cmp_to_key(_compare))
