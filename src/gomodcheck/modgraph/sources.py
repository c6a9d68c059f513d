"""Where go.mod files and module sources come from: module caches, file:// proxies, GOPROXY.

GOMODCACHE/cache/download has the same layout as a module proxy (<escaped path>/@v/<version>.mod
and .zip), so a module cache and a proxy directory on disk are read the same way.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from gomodcheck.errors import FetchError, ParseError
from gomodcheck.gosrc.scancache import ScanCache
from gomodcheck.gosrc.tree import DirTree, SourceTree, ZipTree, racy_cutoff
from gomodcheck.modgraph.load import ModSummary, Retraction
from gomodcheck.module import ModuleVersion, escape_path, escape_version


class ModFetcher(Protocol):
    """A GOPROXY client; gomodcheck.proxy.ProxyClient fits."""

    def mod(self, path: str, version: str) -> bytes: ...


def summary_from_gomod(data: bytes, filename: str, fallback_path: str = "") -> ModSummary:
    """A dependency's go.mod parsed laxly (modfile.ParseLax) into what the graph needs."""
    from gomodcheck.modfile import parse_gomod  # noqa: PLC0415 - keeps graph imports light

    f = parse_gomod(data, filename, strict=False)
    return ModSummary(
        module=f.module.path if f.module else fallback_path,
        go_version=f.go.version if f.go else "",
        require=tuple(ModuleVersion(r.path, r.version) for r in f.require),
        retract=tuple(Retraction(r.low, r.high, r.rationale) for r in f.retract),
        deprecated=f.module.deprecated if f.module else "",
    )


@dataclass
class ModuleSources:
    """Looks up go.mod files and module trees in order: local directories first, then a proxy."""

    download_dirs: Sequence[Path] = ()  # cache/download-shaped directories (or file:// proxies)
    extracted_root: Path | None = None  # GOMODCACHE, for <path>@<version>/ directories
    main_dir: Path | None = None  # directory replacements are relative to it
    proxy: ModFetcher | None = None
    fetched: dict[ModuleVersion, str] = field(
        default_factory=dict
    )  # m -> where its go.mod came from
    cache: ScanCache | None = None
    # When a dict: every file or directory looked for, and whether it was there (a check
    # verdict depends on exactly that much of the module cache).
    probes: dict[str, bool] | None = None
    _summaries: dict[ModuleVersion, ModSummary] = field(default_factory=dict, repr=False)
    # m -> its escaped "path/@v/version" (a large graph asks about a thousand modules, often
    # several times each; escaping checks the path, which costs more than the lookup).
    _escaped: dict[ModuleVersion, str] = field(default_factory=dict, repr=False)

    def _download_path(self, m: ModuleVersion, suffix: str) -> str | None:
        rel = self._escaped.get(m)
        if rel is None:
            rel = self._escaped[m] = f"{escape_path(m.path)}/@v/{escape_version(m.version)}"
        for d in self.download_dirs:
            p = f"{d}/{rel}.{suffix}"
            found = os.path.isfile(p)  # noqa: PTH113 - strings: called for every module in the graph
            if self.probes is not None:
                self.probes[p] = found
            if found:
                return p
        return None

    def download_file(self, m: ModuleVersion, suffix: str) -> Path | None:
        p = self._download_path(m, suffix)
        return None if p is None else Path(p)

    def gomod_bytes(self, m: ModuleVersion) -> tuple[bytes, str]:
        """The go.mod of m (a directory replacement when m.version is empty) and its file name."""
        if not m.version:
            base = self.replacement_dir(m)
            if not base.is_dir():
                raise LookupError(f"replacement directory {m.path} does not exist")
            try:
                return (base / "go.mod").read_bytes(), str(base / "go.mod")
            except OSError as exc:
                raise LookupError(f"reading {base / 'go.mod'}: {exc.strerror}") from exc
        p = self._download_path(m, "mod")
        if p is not None:
            self.fetched[m] = p
            with open(p, "rb") as f:  # noqa: PTH123 - see _download_path
                return f.read(), p
        if self.proxy is not None:
            try:
                data = self.proxy.mod(m.path, m.version)
            except FetchError as exc:
                raise LookupError(str(exc)) from exc
            self.fetched[m] = "proxy"
            return data, f"{m.path}@{m.version}/go.mod"
        raise LookupError("go.mod is not in the module cache and no proxy is allowed")

    def summary(self, m: ModuleVersion) -> ModSummary:
        hit = self._summaries.get(m)
        if hit is not None:
            return hit
        key = self._cache_key(m)
        if key is not None and self.cache is not None:
            cached = _summary_from_json(self.cache.get_checked(key))
            if cached is not None:
                self._summaries[m] = cached
                return cached
        data, name = self.gomod_bytes(m)
        try:
            summary = summary_from_gomod(data, name, m.path)
        except ParseError as exc:
            raise LookupError(f"parsing {name}: {exc}") from exc
        self._summaries[m] = summary
        if key is not None and self.cache is not None:
            self.cache.put_checked(key, _summary_to_json(summary))
        return summary

    def _cache_key(self, m: ModuleVersion) -> str | None:
        if self.cache is None:
            return None
        if not m.version:
            # A directory replacement's go.mod can change: its key is its identity, and a file
            # changed in the last seconds is not cached (see gosrc.tree.RACY_NS).
            gomod = str(self.replacement_dir(m) / "go.mod")
            try:
                st = os.stat(gomod)  # noqa: PTH116 - see _download_path
            except OSError:
                return None
            if max(st.st_mtime_ns, st.st_ctime_ns) > racy_cutoff():
                return None
            return f"d:{gomod}\0{st.st_size}:{st.st_mtime_ns}:{st.st_ino}:{st.st_ctime_ns}"
        p = self._download_path(m, "mod")
        if p is None:
            return None
        # .mod files in a module cache or proxy directory never change: the path is the key.
        return f"m:{p}"

    def replacement_dir(self, m: ModuleVersion) -> Path:
        """The directory of a directory replacement (m.version is empty)."""
        base = Path(m.path)
        if not base.is_absolute() and self.main_dir is not None:
            base = self.main_dir / base
        return base

    def tree(self, m: ModuleVersion) -> SourceTree | None:
        """The source of m: a directory replacement, an extracted module, or a cached zip."""
        if not m.version:
            base = self.replacement_dir(m)
            return DirTree(base) if base.is_dir() else None
        if self.extracted_root is not None:
            d = f"{self.extracted_root}/{escape_path(m.path)}@{escape_version(m.version)}"
            extracted = os.path.isdir(d)  # noqa: PTH112 - see _download_path
            if self.probes is not None:
                self.probes[d] = extracted
            if extracted and self._download_path(m, "partial") is None:
                return DirTree(Path(d), immutable=True)
        z = self.download_file(m, "zip")
        if z is not None:
            try:
                return ZipTree(z, f"{m.path}@{m.version}/")
            except (OSError, ValueError):
                return None
        return None


def _summary_to_json(s: ModSummary) -> list[object]:
    return [
        s.module,
        s.go_version,
        [[r.path, r.version] for r in s.require],
        [[r.low, r.high, r.rationale] for r in s.retract],
        s.deprecated,
    ]


def _summary_from_json(v: Any) -> ModSummary | None:
    """The summary _summary_to_json stored (checked by ScanCache, so the shape holds)."""
    if not isinstance(v, list) or len(v) != 5:
        return None
    return ModSummary(
        v[0],
        v[1],
        tuple([ModuleVersion(a, b) for a, b in v[2]]),
        tuple([Retraction(a, b, c) for a, b, c in v[3]]),
        v[4],
    )
