"""MVS and pruned module-graph loading (modload.readModGraph), on in-memory go.mod summaries."""

from __future__ import annotations

from gomodcheck.modgraph.load import MainModule, ModSummary, load_graph
from gomodcheck.modgraph.mvs import Graph
from gomodcheck.module import ModuleVersion as MV  # noqa: N817 - keeps the tables readable


def test_mvs_selects_the_highest_required_version_and_lists_roots_first() -> None:
    g = Graph([MV("main", "")])
    g.require(MV("main", ""), [MV("b", "v1.0.0"), MV("a", "v1.1.0")])
    g.require(MV("b", "v1.0.0"), [MV("a", "v1.2.0"), MV("c", "v0.1.0")])
    assert g.selected("a") == "v1.2.0"
    assert g.selected("zzz") == "none"
    assert g.build_list() == [
        MV("main", ""),
        MV("a", "v1.2.0"),
        MV("b", "v1.0.0"),
        MV("c", "v0.1.0"),
    ]
    assert MV("a", "v1.1.0") in g.walk_breadth_first()


SUMMARIES = {
    MV("a", "v1.0.0"): ModSummary("a", "1.21", (MV("b", "v1.0.0"),)),
    MV("b", "v1.0.0"): ModSummary("b", "1.21", (MV("c", "v1.0.0"),)),
    MV("c", "v1.0.0"): ModSummary("c", "1.21", ()),
    MV("old", "v1.0.0"): ModSummary("old", "1.16", (MV("d", "v1.0.0"),)),
    MV("d", "v1.0.0"): ModSummary("d", "1.21", (MV("e", "v1.0.0"), MV("x", "v1.0.0"))),
    MV("e", "v1.0.0"): ModSummary("e", "", ()),
    MV("x", "v1.0.0"): ModSummary("x", "", ()),
}


def _fetch(m: MV) -> ModSummary:
    return SUMMARIES[m]


def test_pruned_graph_loads_only_the_roots_go_mod_files() -> None:
    main = MainModule("main", "1.22", (MV("a", "v1.0.0"),))
    mg = load_graph(main, _fetch)
    assert mg.loaded() == [MV("a", "v1.0.0")]
    assert mg.selected("b") == "v1.0.0"  # a node of the graph, but its go.mod is not read
    assert mg.selected("c") == "none"


def test_an_unpruned_module_pulls_in_its_whole_requirement_graph() -> None:
    main = MainModule("main", "1.22", (MV("old", "v1.0.0"),))
    mg = load_graph(main, _fetch)
    assert set(mg.loaded()) == {
        MV("old", "v1.0.0"),
        MV("d", "v1.0.0"),
        MV("e", "v1.0.0"),
        MV("x", "v1.0.0"),
    }


def test_an_unpruned_main_module_loads_everything() -> None:
    main = MainModule("main", "1.16", (MV("a", "v1.0.0"),))
    mg = load_graph(main, _fetch)
    assert set(mg.loaded()) == {MV("a", "v1.0.0"), MV("b", "v1.0.0"), MV("c", "v1.0.0")}


def test_excluded_requirements_of_dependencies_are_dropped() -> None:
    main = MainModule(
        "main", "1.16", (MV("old", "v1.0.0"),), excludes=frozenset({MV("x", "v1.0.0")})
    )
    mg = load_graph(main, _fetch)
    assert mg.selected("x") == "none"


def test_replacements_are_fetched_in_place_of_the_module() -> None:
    seen: list[MV] = []

    def fetch(m: MV) -> ModSummary:
        seen.append(m)
        return ModSummary(m.path, "1.21", ())

    main = MainModule(
        "main", "1.22", (MV("a", "v1.0.0"),), replaces={MV("a", ""): MV("fork/a", "v1.5.0")}
    )
    load_graph(main, fetch)
    assert seen == [MV("fork/a", "v1.5.0")]
