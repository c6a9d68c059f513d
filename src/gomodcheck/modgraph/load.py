"""Loading the module graph the way modload.readModGraph does, with graph pruning.

Roots are the main module's requirements. A root (or any module reached through an unpruned
module) has its go.mod loaded. For a pruned module (go >= 1.17) the graph holds its requirements
as nodes but does not load their go.mod files; an unpruned module (go < 1.17 or no go line) pulls
in its whole transitive requirement graph. Requirements excluded by the main module are dropped.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from gomodcheck.modgraph import gover
from gomodcheck.modgraph.mvs import Graph
from gomodcheck.module import ModuleVersion


@dataclass(frozen=True)
class Retraction:
    low: str
    high: str
    rationale: str = ""


@dataclass(frozen=True)
class ModSummary:
    """What the graph needs from one go.mod file (modload.modFileSummary)."""

    module: str
    go_version: str = ""
    require: tuple[ModuleVersion, ...] = ()
    retract: tuple[Retraction, ...] = ()
    deprecated: str = ""

    @property
    def pruned(self) -> bool:
        return bool(self.go_version) and gover.compare(self.go_version, gover.PRUNED_GRAPH) >= 0


@dataclass(frozen=True)
class MainModule:
    """The main module's go.mod as the loader needs it."""

    path: str
    go_version: str
    requires: tuple[ModuleVersion, ...]
    replaces: Mapping[ModuleVersion, ModuleVersion] = field(default_factory=dict)
    excludes: frozenset[ModuleVersion] = frozenset()

    @property
    def pruned(self) -> bool:
        return bool(self.go_version) and gover.compare(self.go_version, gover.PRUNED_GRAPH) >= 0

    def replacement(self, m: ModuleVersion) -> ModuleVersion | None:
        """modload.Replacement: an exact-version replace wins over a path-wide one."""
        r = self.replaces.get(m)
        if r is None:
            r = self.replaces.get(ModuleVersion(m.path, ""))
        return r

    def resolve(self, m: ModuleVersion) -> ModuleVersion:
        """modload.resolveReplacement: the module whose content stands in for m."""
        r = self.replacement(m)
        return m if r is None else r


class MissingModFiles(Exception):  # noqa: N818 - carries a list, named for what it holds
    """Some go.mod files could not be obtained; the graph is incomplete."""

    def __init__(self, missing: Mapping[ModuleVersion, str]) -> None:
        self.missing = dict(missing)
        super().__init__(", ".join(f"{m}: {why}" for m, why in self.missing.items()))


# Given a module version (already resolved through replacements), its summary, or raise
# LookupError with a reason when its go.mod cannot be had.
SummaryFetcher = Callable[[ModuleVersion], ModSummary]


@dataclass
class ModuleGraph:
    main: MainModule
    graph: Graph
    summaries: dict[ModuleVersion, ModSummary]
    pruned: bool

    def selected(self, path: str) -> str:
        return self.graph.selected(path)

    def build_list(self) -> list[ModuleVersion]:
        return self.graph.build_list()

    def loaded(self) -> list[ModuleVersion]:
        """Module versions whose go.mod contributed requirements, breadth-first (minus main)."""
        return [
            m
            for m in self.graph.walk_breadth_first()
            if m.version and self.graph.required_by(m) is not None and not _is_toolchain(m.path)
        ]


def _is_toolchain(path: str) -> bool:
    return path in ("go", "toolchain")


def _filter_excluded(main: MainModule, reqs: Iterable[ModuleVersion]) -> tuple[ModuleVersion, ...]:
    return tuple(r for r in reqs if r not in main.excludes)


def summary_requirements(s: ModSummary) -> tuple[ModuleVersion, ...]:
    """The graph edges of a summary: its requirements plus, from go 1.21 on, its go version."""
    if s.go_version and gover.compare(s.go_version, gover.GO_STRICT) >= 0:
        return (*s.require, ModuleVersion("go", s.go_version))
    return s.require


def load_graph(
    main: MainModule,
    fetch: SummaryFetcher,
    *,
    roots: Iterable[ModuleVersion] | None = None,
    pruned: bool | None = None,
) -> ModuleGraph:
    """Read the module graph from main's requirements (or the given roots)."""
    root_list = list(main.requires if roots is None else roots)
    if main.go_version:
        root_list.append(ModuleVersion("go", main.go_version))
    is_pruned = main.pruned if pruned is None else pruned
    main_mv = ModuleVersion(main.path, "")
    graph = Graph([main_mv])
    graph.require(main_mv, root_list)
    summaries: dict[ModuleVersion, ModSummary] = {}
    missing: dict[ModuleVersion, str] = {}
    loaded: set[ModuleVersion] = set()
    seen: set[tuple[ModuleVersion, bool]] = set()
    queue: deque[tuple[ModuleVersion, bool]] = deque()

    def enqueue(m: ModuleVersion, prune: bool) -> None:
        if m.version == "none" or (m, prune) in seen:
            return
        seen.add((m, prune))
        queue.append((m, prune))

    for r in root_list:
        enqueue(r, is_pruned)
    while queue:
        m, prune = queue.popleft()
        summary = summaries.get(m)
        if summary is None and m not in missing:
            try:
                summary = _summary_for(main, m, fetch)
            except LookupError as exc:
                missing[m] = str(exc) or "go.mod not available"
                continue
            summaries[m] = summary
        if summary is None:
            continue
        if m not in loaded:
            loaded.add(m)
            graph.require(m, summary_requirements(summary))
        next_prune = summary.pruned and prune
        for r in summary.require:
            if not prune or not summary.pruned:
                enqueue(r, next_prune)
    if missing:
        raise MissingModFiles(missing)
    return ModuleGraph(main, graph, summaries, is_pruned)


def _summary_for(main: MainModule, m: ModuleVersion, fetch: SummaryFetcher) -> ModSummary:
    pseudo = pseudo_module_summary(m)
    return pseudo if pseudo is not None else without_excluded(main, fetch(main.resolve(m)))


def pseudo_module_summary(m: ModuleVersion) -> ModSummary | None:
    """The summary of the graph's `go` and `toolchain` nodes (go 1.21+ requires its toolchain);
    None for a real module."""
    if m.path == "go":
        if gover.compare(m.version, gover.GO_STRICT) >= 0:
            return ModSummary("go", "", (ModuleVersion("toolchain", "go" + m.version),))
        return ModSummary("go")
    if m.path == "toolchain":
        return ModSummary("toolchain")
    return None


def without_excluded(main: MainModule, s: ModSummary) -> ModSummary:
    """s with the requirements main's exclude directives remove."""
    reqs = _filter_excluded(main, s.require)
    if reqs == s.require:
        return s
    return ModSummary(s.module, s.go_version, reqs, s.retract, s.deprecated)
