"""Which go.sum lines tidy keeps (modload.keepSums), on a small in-memory module graph."""

from __future__ import annotations

from gomodcheck.check.pkgload import Package
from gomodcheck.check.sums import compat_needs_unpruned, required_sums
from gomodcheck.modgraph.load import MainModule, ModSummary, load_graph
from gomodcheck.module import ModuleVersion as MV  # noqa: N817 - keeps the tables readable

SUMMARIES = {
    MV("example.com/a", "v1.0.0"): ModSummary(
        "example.com/a", "1.21", (MV("example.com/b", "v1.0.0"),)
    ),
    MV("example.com/a/sub", "v1.0.0"): ModSummary("example.com/a/sub", "1.21", ()),
    MV("example.com/c", "v1.0.0"): ModSummary("example.com/c", "1.21", ()),
}


def _keys(keep: set[MV]) -> set[str]:
    return {f"{m.path} {m.version}" for m in keep}


def test_a_package_from_a_root_needs_zip_sums_of_every_root_on_its_path() -> None:
    main = MainModule(
        "m", "1.22", (MV("example.com/a", "v1.0.0"), MV("example.com/a/sub", "v1.0.0"))
    )
    mg = load_graph(main, SUMMARIES.__getitem__)
    pkgs = [
        Package("m", MV("m", ""), True),
        Package("example.com/a/sub/x", MV("example.com/a/sub", "v1.0.0"), True),
    ]
    assert _keys(required_sums(main, mg, pkgs)) == {
        # go.mod sums for every loaded go.mod, and (go >= 1.21) for the package's module
        "example.com/a v1.0.0/go.mod",
        "example.com/a/sub v1.0.0/go.mod",
        # zip sums for both modules that could hold example.com/a/sub/x: proves no ambiguity
        "example.com/a/sub v1.0.0",
        "example.com/a v1.0.0",
    }


def test_go_mod_sums_of_pruned_dependencies_are_not_needed() -> None:
    main = MainModule("m", "1.22", (MV("example.com/a", "v1.0.0"),))
    mg = load_graph(main, SUMMARIES.__getitem__)
    keys = _keys(required_sums(main, mg, [Package("m", MV("m", ""), True)]))
    assert "example.com/b v1.0.0/go.mod" not in keys  # b is a node, but its go.mod is not read
    assert keys == {"example.com/a v1.0.0/go.mod"}


def test_before_go_1_21_package_modules_need_no_extra_go_mod_sum() -> None:
    main = MainModule("m", "1.20", (MV("example.com/c", "v1.0.0"),))
    mg = load_graph(main, SUMMARIES.__getitem__)
    pkgs = [Package("example.com/c", MV("example.com/c", "v1.0.0"), True)]
    assert _keys(required_sums(main, mg, pkgs)) == {
        "example.com/c v1.0.0/go.mod",
        "example.com/c v1.0.0",
    }


def test_replaced_modules_record_the_replacements_sums() -> None:
    main = MainModule(
        "m",
        "1.22",
        (MV("example.com/c", "v1.0.0"),),
        replaces={MV("example.com/c", ""): MV("example.com/a/sub", "v1.0.0")},
    )
    mg = load_graph(main, SUMMARIES.__getitem__)
    pkgs = [Package("example.com/c", MV("example.com/c", "v1.0.0"), True)]
    assert _keys(required_sums(main, mg, pkgs)) == {
        "example.com/a/sub v1.0.0/go.mod",
        "example.com/a/sub v1.0.0",
    }


def test_only_go_1_17_keeps_the_go_1_16_compatible_sums() -> None:
    assert compat_needs_unpruned("1.17")
    assert not compat_needs_unpruned("1.18")
    assert not compat_needs_unpruned("1.16")
    assert not compat_needs_unpruned("1.21")
