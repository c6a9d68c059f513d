"""From a module directory to what `go mod tidy` would want: requirements and go.sum keys.

This is the one place that reads the project (go.mod, go.sum, sources) and asks ModuleSources
for dependencies; the algorithms it wires together are pure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from gomodcheck.check.pkgload import Loader, LoadResult, Package, load_all
from gomodcheck.check.sums import compat_needs_unpruned, modkey, required_sums
from gomodcheck.errors import FetchError, InputError
from gomodcheck.gosrc.ignore import IgnorePatterns
from gomodcheck.gosrc.scancache import ScanCache
from gomodcheck.gosrc.tree import DirTree
from gomodcheck.gosum import GoSum, parse_gosum
from gomodcheck.modfile import GoModFile, parse_gomod
from gomodcheck.modgraph import gover
from gomodcheck.modgraph.load import MainModule, MissingModFiles, ModuleGraph, load_graph
from gomodcheck.modgraph.mvs import minimal_requirements
from gomodcheck.modgraph.sources import ModuleSources
from gomodcheck.module import ModuleVersion

T = TypeVar("T")


@dataclass(frozen=True)
class TidyRequirement:
    path: str
    version: str
    indirect: bool


@dataclass
class Analysis:
    root: Path
    gomod: GoModFile
    gosum: GoSum | None
    main: MainModule
    graph: ModuleGraph
    load: LoadResult
    # What tidy would write: requirements (pruned graphs only; None when not computed).
    tidy_requires: list[TidyRequirement] | None
    tidy_graph: ModuleGraph
    required: set[ModuleVersion]  # go.sum keys tidy keeps ("v1.2.3" or "v1.2.3/go.mod")
    notes: list[str] = field(default_factory=list)


def main_module_from(gomod: GoModFile) -> MainModule:
    path = gomod.module.path if gomod.module else ""
    replaces = {r.old: r.new for r in gomod.replace}
    excludes = frozenset(ModuleVersion(e.path, e.version) for e in gomod.exclude)
    requires = tuple(
        ModuleVersion(r.path, r.version)
        for r in gomod.require
        if ModuleVersion(r.path, r.version) not in excludes
    )
    return MainModule(path, gomod.go.version if gomod.go else "", requires, replaces, excludes)


# The last files parsed, by name and content: run_check and analyze both read the project, and
# a large go.sum takes a noticeable share of a warm run to parse. Both results are frozen.
_parsed: dict[str, tuple[bytes, object]] = {}


def _parse_once(name: str, data: bytes, parse: Callable[[bytes, str], T]) -> T:
    hit = _parsed.get(name)
    if hit is not None and hit[0] == data:
        return hit[1]  # type: ignore[return-value] # stored by this function with this parse
    value = parse(data, name)
    _parsed[name] = (data, value)
    return value


def read_project(root: Path) -> tuple[GoModFile, GoSum | None]:
    gomod_path = root / "go.mod"
    try:
        data = gomod_path.read_bytes()
    except OSError as exc:
        raise InputError(f"{gomod_path}: cannot read go.mod: {exc.strerror}") from exc
    gomod = _parse_once(str(gomod_path), data, parse_gomod)
    if gomod.module is None:
        raise InputError(f"{gomod_path}: no module directive")
    gosum_path = root / "go.sum"
    gosum = (
        _parse_once(str(gosum_path), gosum_path.read_bytes(), parse_gosum)
        if gosum_path.is_file()
        else None
    )
    return gomod, gosum


class GraphIncompleteError(FetchError):
    """Some go.mod files the graph needs could not be read; missing maps each to the reason."""

    def __init__(self, message: str, missing: dict[ModuleVersion, str]) -> None:
        super().__init__(message)
        self.missing = missing


def _load_graph_or_fail(main: MainModule, sources: ModuleSources, **kw: object) -> ModuleGraph:
    try:
        return load_graph(main, sources.summary, **kw)  # type: ignore[arg-type]
    except MissingModFiles as exc:
        lines = [f"{m.path}@{m.version}: {why}" for m, why in sorted(exc.missing.items(), key=str)]
        raise GraphIncompleteError(
            "cannot load the module graph: these go.mod files are neither in the module cache "
            "nor reachable (fail closed):\n\t" + "\n\t".join(lines),
            exc.missing,
        ) from exc


def _tidy_roots(main: MainModule, load: LoadResult) -> list[ModuleVersion]:
    """tidyPrunedRoots' first pass: the module of every package in "all" outside the main one."""
    roots: dict[str, ModuleVersion] = {}
    for pkg in load.packages.values():
        m = pkg.module
        if pkg.in_all and m is not None and m.version and m.path not in roots:
            roots[m.path] = m
    return list(roots.values())


def _complete_tidy_roots(
    main: MainModule,
    load: LoadResult,
    roots: list[ModuleVersion],
    sources: ModuleSources,
    current: ModuleGraph,
) -> tuple[list[ModuleVersion], ModuleGraph]:
    """tidyPrunedRoots: walk outwards from "all" one import depth at a time; a package whose
    module the current tidy graph selects below the loaded version makes that module a root."""
    by_path = {r.path: r for r in roots}
    pkgs = load.packages
    queue: list[tuple[str, bool]] = [(p.path, False) for p in pkgs.values() if p.in_all]
    queued = set(queue)
    if set(by_path.values()) == set(main.requires):
        graph = current  # go.mod already lists exactly these roots (the tidy case)
    else:
        graph = _load_graph_or_fail(main, sources, roots=list(by_path.values()), pruned=True)
    while queue:
        prev, queue = queue, []
        added = False
        for path, is_test in prev:
            pkg = pkgs.get(path)
            if pkg is None or pkg.module is None:
                continue
            deps = pkg.test_imports if is_test else pkg.imports
            for dep in deps:
                if (dep, False) not in queued:
                    queued.add((dep, False))
                    queue.append((dep, False))
            if not is_test and pkg.in_all and (path, True) not in queued:
                queued.add((path, True))
                queue.append((path, True))
            m = pkg.module
            if (
                m.version
                and m.path not in by_path
                and m.path != main.path
                and gover.mod_compare(m.path, graph.selected(m.path), m.version) < 0
            ):
                by_path[m.path] = m
                added = True
        if added:
            graph = _load_graph_or_fail(main, sources, roots=list(by_path.values()), pruned=True)
    return list(by_path.values()), graph


def _tidy_unpruned_roots(
    main: MainModule, load: LoadResult, sources: ModuleSources
) -> tuple[list[ModuleVersion], ModuleGraph]:
    """tidyUnprunedRoots: mvs.Req over the modules of loaded packages, direct ones listed first."""
    keep: dict[str, ModuleVersion] = {}
    for pkg in load.packages.values():
        m = pkg.module
        if m is not None and m.version and m.path not in keep:
            keep[m.path] = m
    base = [p for p in keep if p in load.direct]
    full = _load_graph_or_fail(main, sources, roots=list(keep.values()), pruned=False)
    main_mv = ModuleVersion(main.path, "")

    def required(m: ModuleVersion) -> tuple[ModuleVersion, ...]:
        if m == main_mv or m.path in ("go", "toolchain"):
            return ()
        return full.graph.required_by(m) or ()

    build_list = [m for m in full.build_list() if m.path not in ("go", "toolchain")]
    roots = [
        m
        for m in minimal_requirements(main_mv, base, required, build_list)
        if m.path not in ("go", "toolchain")
    ]
    tidy_main = MainModule(main.path, main.go_version, tuple(roots), main.replaces, main.excludes)
    return roots, _load_graph_or_fail(tidy_main, sources, pruned=False)


def _consistent_roots(
    main: MainModule, graph: ModuleGraph, sources: ModuleSources
) -> tuple[MainModule, ModuleGraph]:
    """updatePrunedRoots: a root below the version the graph selects is raised to it, repeatedly."""
    while True:
        raised = tuple(ModuleVersion(r.path, graph.selected(r.path)) for r in main.requires)
        if raised == main.requires:
            return main, graph
        main = MainModule(main.path, main.go_version, raised, main.replaces, main.excludes)
        graph = _load_graph_or_fail(main, sources)


def analyze(root: Path, sources: ModuleSources, cache: ScanCache | None = None) -> Analysis:
    gomod, gosum = read_project(root)
    main = main_module_from(gomod)
    graph = _load_graph_or_fail(main, sources)
    if graph.pruned:
        main, graph = _consistent_roots(main, graph, sources)
    roots: dict[str, str] = {}
    for r in main.requires:
        if r.path not in roots or gover.mod_compare(r.path, roots[r.path], r.version) < 0:
            roots[r.path] = r.version
    loader = Loader(
        main,
        DirTree(root),
        sources.tree,
        roots.get,
        graph.selected,
        pruned=graph.pruned,
        cache=cache,
        ignore=IgnorePatterns.parse(i.path for i in gomod.ignore),
    )
    load = load_all(loader)
    if load.missing_sources:
        raise missing_sources_error(load.missing_sources, "the import graph")
    notes: list[str] = []
    tidy_requires: list[TidyRequirement] | None = None
    tidy_graph = graph
    tidy_main = main
    if graph.pruned and not load.unresolved:
        troots, tidy_graph = _complete_tidy_roots(
            main, load, _tidy_roots(main, load), sources, graph
        )
        tidy_requires = sorted(
            (TidyRequirement(m.path, m.version, m.path not in load.direct) for m in troots),
            key=lambda t: t.path,
        )
        tidy_main = MainModule(
            main.path, main.go_version, tuple(troots), main.replaces, main.excludes
        )
    elif not graph.pruned and not load.unresolved:
        troots, tidy_graph = _tidy_unpruned_roots(main, load, sources)
        tidy_requires = sorted(
            (TidyRequirement(m.path, m.version, m.path not in load.direct) for m in troots),
            key=lambda t: t.path,
        )
        tidy_main = MainModule(
            main.path, main.go_version, tuple(troots), main.replaces, main.excludes
        )
    compat = None
    if compat_needs_unpruned(main.go_version):
        compat = _load_graph_or_fail(tidy_main, sources, pruned=False)
    required = required_sums(tidy_main, tidy_graph, load.packages.values(), compat)
    return Analysis(
        root, gomod, gosum, main, graph, load, tidy_requires, tidy_graph, required, notes
    )


def present_keys(gosum: GoSum | None) -> set[ModuleVersion]:
    if gosum is None:
        return set()
    return {ModuleVersion(p, v + "/go.mod" if g else v) for p, v, g in gosum.keys()}  # noqa: SIM118 - GoSum is not iterable


def providing_package(analysis: Analysis, m: ModuleVersion) -> Package | None:
    """A loaded package that module m provides (for messages)."""
    base = ModuleVersion(m.path, m.version.removesuffix("/go.mod"))
    for pkg in analysis.load.packages.values():
        if pkg.module is not None and analysis.main.resolve(pkg.module) == base:
            return pkg
    return None


def missing_sources_error(missing: Mapping[ModuleVersion, str], what: str) -> FetchError:
    """The fail-closed error when modules whose packages are needed have no source here."""
    lines = [
        f"{m.path}@{m.version} (needed for {pkg})" for m, pkg in sorted(missing.items(), key=str)
    ]
    return FetchError(
        f"cannot load {what}: the source of these modules is neither in the module cache nor "
        "in a proxy directory (run 'go mod download' first; fail closed):\n\t" + "\n\t".join(lines)
    )


__all__ = ["Analysis", "TidyRequirement", "analyze", "modkey", "present_keys", "providing_package"]
