"""Where go.mod files and module sources come from: module caches, file:// proxies, GOPROXY.

GOMODCACHE/cache/download has the same layout as a module proxy (<escaped path>/@v/<version>.mod
and .zip), so a module cache and a proxy directory on disk are read the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from gomodcheck.errors import FetchError, ParseError
from gomodcheck.gosrc.scancache import ScanCache
from gomodcheck.gosrc.tree import DirTree, SourceTree, ZipTree
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
    _summaries: dict[ModuleVersion, ModSummary] = field(default_factory=dict, repr=False)

    def download_file(self, m: ModuleVersion, suffix: str) -> Path | None:
        rel = Path(escape_path(m.path)) / "@v" / f"{escape_version(m.version)}.{suffix}"
        for d in self.download_dirs:
            p = d / rel
            if p.is_file():
                return p
        return None

    def gomod_bytes(self, m: ModuleVersion) -> tuple[bytes, str]:
        """The go.mod of m (a directory replacement when m.version is empty) and its file name."""
        if not m.version:
            base = Path(m.path)
            if not base.is_absolute() and self.main_dir is not None:
                base = self.main_dir / base
            if not base.is_dir():
                raise LookupError(f"replacement directory {m.path} does not exist")
            try:
                return (base / "go.mod").read_bytes(), str(base / "go.mod")
            except OSError as exc:
                raise LookupError(f"reading {base / 'go.mod'}: {exc.strerror}") from exc
        p = self.download_file(m, "mod")
        if p is not None:
            self.fetched[m] = str(p)
            return p.read_bytes(), str(p)
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
            cached = _summary_from_json(self.cache.get_json(key))
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
            self.cache.put_json(key, _summary_to_json(summary))
        return summary

    def _cache_key(self, m: ModuleVersion) -> str | None:
        if not m.version or self.cache is None:
            return None
        p = self.download_file(m, "mod")
        if p is None:
            return None
        # .mod files in a module cache or proxy directory never change: the path is the key.
        return f"m:{p}"

    def tree(self, m: ModuleVersion) -> SourceTree | None:
        """The source of m: a directory replacement, an extracted module, or a cached zip."""
        if not m.version:
            base = Path(m.path)
            if not base.is_absolute() and self.main_dir is not None:
                base = self.main_dir / base
            return DirTree(base) if base.is_dir() else None
        if self.extracted_root is not None:
            d = self.extracted_root / f"{escape_path(m.path)}@{escape_version(m.version)}"
            partial = self.download_file(m, "partial")
            if d.is_dir() and partial is None:
                return DirTree(d, immutable=True)
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


def _summary_from_json(v: object) -> ModSummary | None:
    if not isinstance(v, list) or len(v) != 5:
        return None
    try:
        return ModSummary(
            str(v[0]),
            str(v[1]),
            tuple(ModuleVersion(str(a), str(b)) for a, b in v[2]),
            tuple(Retraction(str(a), str(b), str(c)) for a, b, c in v[3]),
            str(v[4]),
        )
    except (TypeError, ValueError):
        return None
