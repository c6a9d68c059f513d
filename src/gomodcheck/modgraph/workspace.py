"""Workspace mode (go.work): several main modules, their replacements, and one module graph.

Ports of modload's workspace rules: makeMainModules (which replace directives apply, and when two
workspace modules' replacements conflict), replacementFrom (go.work first, then every workspace
module's go.mod, with its peculiar conflict test), and readModGraph with workspace pruning (every
main module's requirements are loaded, then every module whose selected version is higher than
what a loaded module requires is loaded too, until nothing changes). Pure: go.mod files come
through a SummaryFetcher.
"""

from __future__ import annotations

import posixpath
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from gomodcheck.modgraph import gover
from gomodcheck.modgraph.load import (
    MainModule,
    MissingModFiles,
    ModSummary,
    ModuleGraph,
    SummaryFetcher,
    pseudo_module_summary,
    summary_requirements,
    without_excluded,
)
from gomodcheck.modgraph.mvs import Graph
from gomodcheck.module import ModuleVersion


def module_string(m: ModuleVersion) -> str:
    """module.Version.String: path@version, or the path alone when the version is empty."""
    return f"{m.path}@{m.version}" if m.version else m.path


@dataclass(frozen=True)
class ModuleReplaces:
    """The replace directives of one workspace module's go.mod, as written (dirs unresolved)."""

    root: str  # absolute directory of the module
    gomod: str  # its go.mod file, for messages
    replaces: Mapping[ModuleVersion, ModuleVersion]


def _lookup(
    replaces: Mapping[ModuleVersion, ModuleVersion], m: ModuleVersion
) -> tuple[str, ModuleVersion] | None:
    """modload.replacement: (the version the match was for, "" if path-wide; the replacement)."""
    r = replaces.get(m)
    if r is not None:
        return m.version, r
    r = replaces.get(ModuleVersion(m.path, ""))
    if r is not None:
        return "", r
    return None


def _absolute(r: ModuleVersion, base: str) -> ModuleVersion:
    """A directory replacement joined to the directory of the file it appears in."""
    if r.version or posixpath.isabs(r.path) or not base:
        return r
    return ModuleVersion(posixpath.normpath(posixpath.join(base, r.path)), "")


@dataclass(frozen=True)
class WorkspaceMain(MainModule):
    """A MainModule standing for all the main modules of a workspace.

    `path` is the first workspace module (for code that wants one); `main_paths` are all of them.
    Directory replacements resolve to absolute paths.
    """

    work_dir: str = ""
    main_paths: tuple[str, ...] = ()
    work_replaces: Mapping[ModuleVersion, ModuleVersion] = field(default_factory=dict)
    module_replaces: tuple[ModuleReplaces, ...] = ()

    def is_main(self, m: ModuleVersion) -> bool:
        return m.version == "" and m.path in self.main_paths

    def replacement(self, m: ModuleVersion) -> ModuleVersion | None:
        """modload.Replacement in workspace mode."""
        if self.is_main(m):
            return None  # the workspace version of a main module is never replaced
        hit = _lookup(self.work_replaces, m)
        if hit is not None:
            return _absolute(hit[1], self.work_dir)
        found, found_in, _ = self._module_replacement(m)
        return None if found is None or found_in is None else _absolute(found, found_in.root)

    def replacement_conflict(self, m: ModuleVersion) -> tuple[str, str] | None:
        """The two go.mod files whose replacements of m conflict, as replacementFrom sees it.

        The go command only compares an exact-version match with the previous match: a
        path-wide replace after an exact one silently wins.
        """
        if self.is_main(m) or _lookup(self.work_replaces, m) is not None:
            return None
        return self._module_replacement(m)[2]

    def _module_replacement(
        self, m: ModuleVersion
    ) -> tuple[ModuleVersion | None, ModuleReplaces | None, tuple[str, str] | None]:
        """replacementFrom over the main modules' go.mod files: the replacement that stands,
        the go.mod it came from, and the two go.mod files of the first conflict (the first
        match stands then)."""
        found: ModuleVersion | None = None
        found_in: ModuleReplaces | None = None
        for mr in self.module_replaces:
            hit = _lookup(mr.replaces, m)
            if hit is None:
                continue
            from_version, r = hit
            if found_in is not None and from_version and found != r:
                return found, found_in, (found_in.gomod, mr.gomod)
            found, found_in = r, mr
        return found, found_in, None


@dataclass(frozen=True)
class ReplaceProblem:
    """A replace directive the go command refuses in workspace mode."""

    kind: str  # "all-versions" | "conflict" | "duplicate"
    old: ModuleVersion
    message: str
    file: str  # the file whose directive triggers it (go.work or a go.mod)
    line: int = 0


def replace_problems(
    main_paths: Sequence[str],
    work_file: str,
    work_replaces: Sequence[tuple[ModuleVersion, ModuleVersion, int]],
    modules: Sequence[tuple[ModuleReplaces, Sequence[tuple[ModuleVersion, ModuleVersion, int]]]],
) -> list[ReplaceProblem]:
    """makeMainModules' and toReplaceMap's checks of replace directives, in the go command's order.

    Each directive is (old, new as written, line); modules are in `use` order.
    """
    out: list[ReplaceProblem] = []

    def duplicates(name: str, reps: Sequence[tuple[ModuleVersion, ModuleVersion, int]]) -> None:
        seen: dict[ModuleVersion, ModuleVersion] = {}
        for old, new, line in reps:
            prev = seen.get(old)
            if prev is not None and prev != new:
                out.append(
                    ReplaceProblem(
                        "duplicate",
                        old,
                        f"go: conflicting replacements for {module_string(old)}:\n"
                        f"\t{module_string(prev)}\n\t{module_string(new)}",
                        name,
                        line,
                    )
                )
            seen[old] = new

    duplicates(work_file, work_replaces)
    for mr, reps in modules:
        duplicates(mr.gomod, reps)
    mains = set(main_paths)
    replaced_by_work: set[str] = set()
    for old, _new, line in work_replaces:
        if old.path in mains and not old.version:
            out.append(
                ReplaceProblem(
                    "all-versions",
                    old,
                    f"go: workspace module {old.path} is replaced at all versions in the go.work "
                    "file. To fix, remove the replacement from the go.work file or specify the "
                    "version at which to replace the module.",
                    work_file,
                    line,
                )
            )
        replaced_by_work.add(old.path)
    replacements: dict[ModuleVersion, ModuleVersion] = {}
    for mr, reps in modules:
        current: set[ModuleVersion] = set()
        for old, new, line in reps:
            if old.path in replaced_by_work:
                continue
            new_abs = _absolute(new, mr.root)
            prev = replacements.get(old)
            if prev is not None and old not in current and prev != new_abs:
                out.append(
                    ReplaceProblem(
                        "conflict",
                        old,
                        f"go: conflicting replacements for {module_string(old)}:\n"
                        f"\t{module_string(prev)}\n\t{module_string(new_abs)}\n"
                        f'use "go work edit -replace {module_string(old)}=[override]" to resolve',
                        mr.gomod,
                        line,
                    )
                )
            current.add(old)
            replacements[old] = new_abs
    return out


# How a module's requirements are followed (modload.modPruning).
_WORKSPACE, _PRUNED, _UNPRUNED = 0, 1, 2


def load_workspace_graph(
    main: WorkspaceMain,
    main_summaries: Mapping[str, ModSummary],
    fetch: SummaryFetcher,
    *,
    go_version: str,
    toolchain: str = "",
) -> ModuleGraph:
    """readModGraph with workspace pruning; raise MissingModFiles if go.mod files are missing.

    go_version is go.work's (1.18 when it has no go line); main_summaries are the workspace
    modules' own go.mod files by module path.
    """
    roots = [ModuleVersion(p, "") for p in main.main_paths]
    roots.append(ModuleVersion("go", go_version))
    if toolchain:
        roots.append(ModuleVersion("toolchain", toolchain))
    roots.sort(key=lambda m: m.path)
    graph = Graph(roots)
    summaries: dict[ModuleVersion, ModSummary] = {}
    missing: dict[ModuleVersion, str] = {}
    queued: set[tuple[ModuleVersion, int]] = set()
    queue: deque[tuple[ModuleVersion, int]] = deque()

    def summary_of(m: ModuleVersion) -> ModSummary:
        pseudo = pseudo_module_summary(m)
        if pseudo is not None:
            return pseudo
        s = main_summaries[m.path] if main.is_main(m) else fetch(main.resolve(m))
        return without_excluded(main, s)

    def load_one(m: ModuleVersion) -> ModSummary | None:
        s = summaries.get(m)
        if s is not None or m in missing:
            return s
        try:
            s = summary_of(m)
        except LookupError as exc:
            missing[m] = str(exc) or "go.mod not available"
            return None
        summaries[m] = s
        graph.require(m, summary_requirements(s))
        return s

    def enqueue(m: ModuleVersion, pruning: int) -> None:
        if m.version == "none" or (m, pruning) in queued:
            return
        queued.add((m, pruning))
        queue.append((m, pruning))

    def drain() -> None:
        while queue:
            m, pruning = queue.popleft()
            s = load_one(m)
            if s is None:
                continue
            nxt = _UNPRUNED if pruning == _UNPRUNED or not s.pruned else _PRUNED
            for r in summary_requirements(s):
                if pruning != _PRUNED or not s.pruned:
                    enqueue(r, nxt)

    for r in roots:
        enqueue(r, _WORKSPACE)
    drain()
    # Reload, at workspace pruning, every dependency selected above the version some loaded
    # module requires: their requirements may provide packages in "all".
    has_deps_in_all = [r.path for r in roots]
    tracked = set(has_deps_in_all)
    seen: set[ModuleVersion] = set()
    while True:
        needs: list[ModuleVersion] = []
        needed: set[ModuleVersion] = set()
        for p in has_deps_in_all:
            m = ModuleVersion(p, graph.selected(p))
            if m not in seen:
                if m not in needed:
                    needs.append(m)
                    needed.add(m)
                continue
            for r in graph.required_by(m) or ():
                s = ModuleVersion(r.path, graph.selected(r.path))
                if (
                    gover.mod_compare(r.path, s.version, r.version) > 0
                    and s not in seen
                    and s not in needed
                ):
                    needs.append(s)
                    needed.add(s)
        if not needs:
            break
        for m in needs:
            enqueue(m, _WORKSPACE)
            seen.add(m)
            if m.path not in tracked:
                tracked.add(m.path)
                has_deps_in_all.append(m.path)
        drain()
    if missing:
        raise MissingModFiles(missing)
    return ModuleGraph(main, graph, summaries, pruned=True)


__all__ = [
    "ModuleReplaces",
    "ReplaceProblem",
    "WorkspaceMain",
    "load_workspace_graph",
    "module_string",
    "replace_problems",
]
