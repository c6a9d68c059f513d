"""The module graph as users see it: each selected module with its status, and the edges.

Status comes from the main go.mod (direct or // indirect, replaced, excluded versions), from the
go.mod files in the graph (retracted when a loaded go.mod of the same module retracts the selected
version; "when known" because only go.mod files in the graph are consulted), and from GOPRIVATE.
"""

from __future__ import annotations

from dataclasses import dataclass

from gomodcheck import semver
from gomodcheck.modgraph.load import ModuleGraph
from gomodcheck.module import ModuleVersion, match_prefix_patterns


@dataclass(frozen=True)
class Node:
    path: str
    version: str
    main: bool = False
    requirement: str = ""  # "direct", "indirect" or "" (only in the graph)
    replaced_by: str = ""
    excluded_versions: tuple[str, ...] = ()
    retracted: str = ""  # the rationale, or "retracted" when none is given
    deprecated: str = ""
    private: bool = False

    @property
    def id(self) -> str:
        return f"{self.path}@{self.version}" if self.version else self.path

    def statuses(self) -> list[str]:
        out = (
            ["main"] if self.main else ([self.requirement] if self.requirement else ["transitive"])
        )
        if self.replaced_by:
            out.append("replaced")
        if self.excluded_versions:
            out.append("excluded-versions")
        if self.retracted:
            out.append("retracted")
        if self.deprecated:
            out.append("deprecated")
        if self.private:
            out.append("private")
        return out


@dataclass(frozen=True)
class GraphView:
    main: str
    go_version: str
    pruned: bool
    nodes: tuple[Node, ...]
    edges: tuple[tuple[str, str], ...]  # (from id, to id) between module versions


def retraction(mg: ModuleGraph, m: ModuleVersion) -> str:
    """Why m is retracted, per the newest loaded go.mod of its module (as the go command reads
    retractions from the latest version only), or "" when it is not, as far as we know."""
    newest: ModuleVersion | None = None
    for mv in mg.summaries:
        if mv.path == m.path and (newest is None or semver.compare(mv.version, newest.version) > 0):
            newest = mv
    if newest is None:
        return ""
    for r in mg.summaries[newest].retract:
        if semver.compare(r.low, m.version) <= 0 <= semver.compare(r.high, m.version):
            return r.rationale or "retracted"
    return ""


def build_view(mg: ModuleGraph, direct: dict[str, bool], goprivate: str = "") -> GraphView:
    """direct maps required paths to True (direct) or False (// indirect)."""
    main = mg.main
    excluded: dict[str, list[str]] = {}
    for e in main.excludes:
        excluded.setdefault(e.path, []).append(e.version)
    nodes = [Node(main.path, "", main=True)]
    for m in mg.build_list():
        if m.path in ("go", "toolchain") or (m.path == main.path and not m.version):
            continue
        if not m.version:  # another main module of a workspace
            nodes.append(Node(m.path, "", main=True))
            continue
        rep = main.replacement(m)
        summary = mg.summaries.get(m)
        nodes.append(
            Node(
                m.path,
                m.version,
                requirement=("direct" if direct[m.path] else "indirect")
                if m.path in direct
                else "",
                replaced_by=(f"{rep.path}@{rep.version}" if rep.version else rep.path)
                if rep
                else "",
                excluded_versions=tuple(sorted(excluded.get(m.path, []))),
                retracted=retraction(mg, m),
                deprecated=summary.deprecated if summary else "",
                private=bool(goprivate) and match_prefix_patterns(goprivate, m.path),
            )
        )
    edges: list[tuple[str, str]] = []
    for m in mg.graph.walk_breadth_first():
        if m.path in ("go", "toolchain"):
            continue
        src = m.path if not m.version else f"{m.path}@{m.version}"
        for r in mg.graph.required_by(m) or ():
            if r.path not in ("go", "toolchain"):
                edges.append((src, f"{r.path}@{r.version}"))
    return GraphView(main.path, main.go_version, mg.pruned, tuple(nodes), tuple(edges))
