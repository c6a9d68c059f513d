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
        data, name = self.gomod_bytes(m)
        try:
            return summary_from_gomod(data, name, m.path)
        except ParseError as exc:
            raise LookupError(f"parsing {name}: {exc}") from exc

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
                return DirTree(d)
        z = self.download_file(m, "zip")
        if z is not None:
            try:
                return ZipTree(z, f"{m.path}@{m.version}/")
            except (OSError, ValueError):
                return None
        return None
