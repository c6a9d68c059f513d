"""The go.sum keys `go mod tidy` keeps: a port of modload.keepSums (loadedZipSumsOnly).

- a `/go.mod` sum for every module version whose go.mod contributed requirements to the graph;
- from go 1.21, a `/go.mod` sum for every module that provides a loaded package;
- a zip sum for every module whose path is a prefix of a loaded package's path (so the next load
  can prove the import unambiguous): only root modules when the package came from a root of a
  pruned graph, else every selected module in the graph;
- for go 1.17 (whose tidy stays compatible with go 1.16) the same over the unpruned graph.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

from gomodcheck.check.pkgload import Package, _prefixes
from gomodcheck.modgraph import gover
from gomodcheck.modgraph.load import MainModule, ModuleGraph
from gomodcheck.module import ModuleVersion, check_import_path
from gomodcheck.module.errors import InvalidPathError


def modkey(m: ModuleVersion) -> ModuleVersion:
    return ModuleVersion(m.path, m.version + "/go.mod")


@functools.lru_cache(maxsize=65536)
def _valid_import(path: str) -> bool:
    try:
        check_import_path(path)
    except (InvalidPathError, ValueError):
        return False
    return True


def keep_sums(
    main: MainModule,
    mg: ModuleGraph,
    packages: Iterable[Package],
    root_selected: Callable[[str], str | None],
    *,
    keep_pkg_go_mod_sums: bool,
) -> set[ModuleVersion]:
    keep: set[ModuleVersion] = set()
    # A large import graph has thousands of packages in a few hundred modules: resolve each
    # (path, version) once.
    resolved: dict[tuple[str, str], ModuleVersion] = {}

    def resolve(path: str, version: str) -> ModuleVersion:
        m = resolved.get((path, version))
        if m is None:
            m = resolved[path, version] = main.resolve(ModuleVersion(path, version))
        return m

    for pkg in packages:
        if (pkg.module is None and not pkg.error) or not _valid_import(pkg.path):
            continue
        if keep_pkg_go_mod_sums and pkg.module is not None and pkg.module.version:
            keep.add(modkey(resolve(pkg.module.path, pkg.module.version)))
        if mg.pruned and pkg.module is not None:
            v = root_selected(pkg.module.path)
            if v is not None and v == pkg.module.version:
                for prefix in _prefixes(pkg.path):
                    rv = root_selected(prefix)
                    if rv is not None and rv != "none":
                        keep.add(resolve(prefix, rv))
                continue
        for prefix in _prefixes(pkg.path):
            sv = mg.selected(prefix)
            if sv != "none":
                keep.add(resolve(prefix, sv))
    for m in mg.loaded():
        keep.add(modkey(main.resolve(m)))
    # Sums are never recorded for the main module or directory replacements.
    return {k for k in keep if k.version and not k.version.startswith("/")}


def required_sums(
    main: MainModule,
    mg: ModuleGraph,
    packages: Iterable[Package],
    compat_graph: ModuleGraph | None = None,
) -> set[ModuleVersion]:
    """keepSums for tidy, plus the go 1.16-compatible graph when the go version asks for it."""
    pkgs = list(packages)
    roots: dict[str, str] = {main.path: ""}
    for r in main.requires:
        if r.path not in roots or gover.mod_compare(r.path, roots[r.path], r.version) < 0:
            roots[r.path] = r.version

    def root_selected(path: str) -> str | None:
        return roots.get(path)

    keep_pkg = bool(main.go_version) and gover.compare(main.go_version, gover.TIDY_GO_MOD_SUM) >= 0
    keep = keep_sums(main, mg, pkgs, root_selected, keep_pkg_go_mod_sums=keep_pkg)
    if compat_graph is not None:
        keep |= keep_sums(main, compat_graph, pkgs, root_selected, keep_pkg_go_mod_sums=keep_pkg)
    return keep


def compat_needs_unpruned(go_version: str) -> bool:
    """Whether tidy also keeps the sums of the unpruned graph (compatibility version 1.16)."""
    if not go_version or gover.compare(go_version, gover.PRUNED_GRAPH) < 0:
        return False
    compat = (
        go_version if gover.compare(go_version, gover.GO_STRICT) >= 0 else gover.prev(go_version)
    )
    return gover.compare(compat, gover.PRUNED_GRAPH) < 0
