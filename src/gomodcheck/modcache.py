"""The module cache as the go command lays it out under GOMODCACHE (default GOPATH/pkg/mod).

  cache/download/<escaped path>/@v/<escaped version>.{info,mod,zip,ziphash,lock,partial}
  <escaped path>@<escaped version>/          the extracted module

Escaping writes each upper-case letter as "!" plus its lower case (module.escape_path), so two
paths that differ only in case never share files on a case-insensitive file system. This module
only computes paths and reads small files; hashing lives in dirhash.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from gomodcheck.goenv import GoEnv
from gomodcheck.module import (
    ModuleVersion,
    canonical_version,
    escape_path,
    escape_version,
    unescape_path,
    unescape_version,
)

SUFFIXES = ("info", "mod", "zip", "ziphash", "lock", "partial")

# Escaping validates the path first, which costs more than the rest of a path computation; a
# verify run asks for five paths per module.
_escape_path = functools.lru_cache(maxsize=8192)(escape_path)


def _check_canonical(version: str) -> None:
    if canonical_version(version) != version:
        raise ValueError(f"non-canonical module version {version!r}")


@dataclass(frozen=True)
class ModCache:
    """A module cache rooted at root; methods return where the go command keeps each file."""

    root: Path

    @classmethod
    def from_env(cls, env: GoEnv | None = None) -> ModCache:
        env = GoEnv.from_environ() if env is None else env
        root = env.get("GOMODCACHE")
        if not root:
            raise ValueError("GOMODCACHE is not set and there is no GOPATH or HOME to default from")
        return cls(Path(root))

    def download_root(self) -> Path:
        return self.root / "cache" / "download"

    def version_dir(self, path: str) -> Path:
        """cache/download/<escaped path>/@v, which holds the proxy files of every version."""
        return self.download_root() / _escape_path(path) / "@v"

    def cache_path(self, mv: ModuleVersion, suffix: str) -> Path:
        """cache/download/<escaped path>/@v/<escaped version>.<suffix> (CachePath)."""
        _check_canonical(mv.version)
        return self.version_dir(mv.path) / f"{escape_version(mv.version)}.{suffix}"

    def info_path(self, mv: ModuleVersion) -> Path:
        return self.cache_path(mv, "info")

    def mod_path(self, mv: ModuleVersion) -> Path:
        return self.cache_path(mv, "mod")

    def zip_path(self, mv: ModuleVersion) -> Path:
        return self.cache_path(mv, "zip")

    def ziphash_path(self, mv: ModuleVersion) -> Path:
        return self.cache_path(mv, "ziphash")

    def lock_path(self, mv: ModuleVersion) -> Path:
        return self.cache_path(mv, "lock")

    def partial_path(self, mv: ModuleVersion) -> Path:
        """Present while the go command extracts the zip; the directory is then incomplete."""
        return self.cache_path(mv, "partial")

    def extracted_dir(self, mv: ModuleVersion) -> Path:
        """<escaped path>@<escaped version>, the extracted module (DownloadDir)."""
        _check_canonical(mv.version)
        return self.root / f"{_escape_path(mv.path)}@{escape_version(mv.version)}"

    def read_ziphash(self, mv: ModuleVersion) -> str | None:
        """The h1: hash the go command recorded when it downloaded the zip, if any."""
        try:
            return self.ziphash_path(mv).read_text(encoding="utf-8", errors="replace").strip()
        except FileNotFoundError:
            return None

    def zip_versions(self) -> Iterator[ModuleVersion]:
        """Every module version with a zip in the cache (walks cache/download)."""
        base = self.download_root()
        for dirpath, _dirnames, filenames in os.walk(base):
            if Path(dirpath).name != "@v":
                continue
            escaped = Path(dirpath).parent.relative_to(base).as_posix()
            try:
                path = unescape_path(escaped)
            except ValueError:
                continue
            for name in filenames:
                if not name.endswith(".zip"):
                    continue
                try:
                    yield ModuleVersion(path, unescape_version(name[: -len(".zip")]))
                except ValueError:
                    continue


def module_from_extracted_dir(directory: Path, root: Path | None = None) -> ModuleVersion | None:
    """The module version an extracted cache directory holds, from its name `.../path@version`.

    With root (the GOMODCACHE) the path is everything below root; without it we take the last
    element with an "@" and the elements before it back to the first that looks like a domain.
    """
    resolved = directory.resolve()
    if root is not None:
        try:
            rel = resolved.relative_to(root.resolve()).as_posix()
        except ValueError:
            return None
        return _parse_escaped(rel)
    parts = resolved.parts
    for i in range(len(parts) - 1, -1, -1):
        if "@" not in parts[i]:
            continue
        # The module path starts at the first element with a dot (a host name), as in cache
        # paths below GOMODCACHE; try the longest candidate first.
        for start in range(i + 1):
            candidate = "/".join(parts[start : i + 1])
            mv = _parse_escaped(candidate)
            if mv is not None and "." in parts[start]:
                return mv
        return None
    return None


def _parse_escaped(rel: str) -> ModuleVersion | None:
    escaped_path, at, escaped_version = rel.rpartition("@")
    if not at or "/" in escaped_version:
        return None
    try:
        mv = ModuleVersion(unescape_path(escaped_path), unescape_version(escaped_version))
    except ValueError:
        return None
    if canonical_version(mv.version) != mv.version:
        return None
    return mv
