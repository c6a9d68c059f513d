"""Workspace mode, piece by piece: which go.work is in effect, what the go command refuses to
load, whose replace directive applies, the workspace module graph, `ignore`, and one target's
build tags. The expected values are the go command's (cmd/go/internal/modload, search, imports)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gomodcheck.check import rules
from gomodcheck.check.workspace import find_gowork, read_workspace
from gomodcheck.errors import UsageError
from gomodcheck.gosrc.ignore import IgnorePatterns
from gomodcheck.gosrc.platform import BuildContext, scan_dir_for
from gomodcheck.gosrc.scan import walk_package_dirs
from gomodcheck.gosrc.tree import DirTree
from gomodcheck.modgraph.load import MissingModFiles, ModSummary
from gomodcheck.modgraph.workspace import (
    ModuleReplaces,
    WorkspaceMain,
    load_workspace_graph,
    replace_problems,
)
from gomodcheck.module import ModuleVersion

MV = ModuleVersion

# --- FindGoWork ---------------------------------------------------------------------------


def test_gowork_off_disables_workspace_mode_even_next_to_a_go_work(tmp_path: Path) -> None:
    (tmp_path / "go.work").write_text("go 1.22\n")
    assert find_gowork(tmp_path, "off") is None


@pytest.mark.parametrize("setting", ["", "auto"])
def test_an_unset_gowork_finds_go_work_in_the_directory_or_a_parent(
    tmp_path: Path, setting: str
) -> None:
    (tmp_path / "go.work").write_text("go 1.22\n")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_gowork(tmp_path, setting) == tmp_path / "go.work"
    assert find_gowork(deep, setting) == tmp_path / "go.work"


def test_the_nearest_go_work_wins(tmp_path: Path) -> None:
    (tmp_path / "go.work").write_text("go 1.22\n")
    (tmp_path / "inner").mkdir()
    (tmp_path / "inner" / "go.work").write_text("go 1.22\n")
    assert find_gowork(tmp_path / "inner", "") == tmp_path / "inner" / "go.work"


def test_a_directory_named_go_work_is_not_a_go_work_file(tmp_path: Path) -> None:
    (tmp_path / "sub" / "go.work").mkdir(parents=True)
    assert find_gowork(tmp_path / "sub", "") is None


def test_no_go_work_anywhere_means_module_mode(tmp_path: Path) -> None:
    assert find_gowork(tmp_path, "") is None


def test_the_search_does_not_cross_into_goroot(tmp_path: Path) -> None:
    (tmp_path / "go.work").write_text("go 1.22\n")
    src = tmp_path / "goroot" / "src" / "pkg"
    src.mkdir(parents=True)
    assert find_gowork(src, "", goroot=str(tmp_path / "goroot")) is None
    assert find_gowork(src, "") == tmp_path / "go.work"


def test_gowork_names_the_file_to_use_and_must_be_absolute(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.work"
    assert find_gowork(tmp_path, str(elsewhere)) == elsewhere  # read (and failing) later
    with pytest.raises(UsageError, match="invalid GOWORK: not an absolute path"):
        find_gowork(tmp_path, "go.work")


# --- LoadWorkFile / loadModFile / makeMainModules --------------------------------------------


def _module(d: Path, path: str, go: str = "1.22", extra: str = "") -> None:
    d.mkdir(parents=True, exist_ok=True)
    (d / "go.mod").write_text(f"module {path}\n\ngo {go}\n{extra}")


def _messages(ws_file: Path, ci: str = "") -> list[tuple[str, str]]:
    return [(f.rule_id, f.message) for f, _ in read_workspace(ws_file, ci).findings]


def test_a_use_directory_without_go_mod_cannot_be_loaded(tmp_path: Path) -> None:
    _module(tmp_path / "a", "example.com/a")
    (tmp_path / "empty").mkdir()
    (tmp_path / "go.work").write_text("go 1.22\n\nuse ./a\nuse ./empty\nuse ./gone\n")
    assert _messages(tmp_path / "go.work") == [
        (
            rules.GOWORK_INVALID.id,
            "go: cannot load module empty listed in go.work file: "
            "open empty/go.mod: no such file or directory",
        ),
        (
            rules.GOWORK_INVALID.id,
            "go: cannot load module gone listed in go.work file: "
            "open gone/go.mod: no such file or directory",
        ),
    ]


def test_the_same_directory_twice_is_refused_whatever_its_spelling(tmp_path: Path) -> None:
    _module(tmp_path / "a", "example.com/a")
    (tmp_path / "go.work").write_text("go 1.22\n\nuse ./a\nuse a/\n")
    [(rule, msg)] = _messages(tmp_path / "go.work")
    assert rule == rules.GOWORK_INVALID.id
    assert msg == (
        f"go: error loading go.work:\ngo.work:4: path {tmp_path / 'a'} appears multiple times "
        "in workspace"
    )


def test_the_same_module_path_in_two_directories_is_refused(tmp_path: Path) -> None:
    _module(tmp_path / "a", "example.com/same")
    _module(tmp_path / "b", "example.com/same")
    (tmp_path / "go.work").write_text("go 1.22\n\nuse ./a\nuse ./b\n")
    assert _messages(tmp_path / "go.work") == [
        (rules.GOWORK_INVALID.id, "go: module example.com/same appears multiple times in workspace")
    ]


def test_go_work_must_be_at_least_each_modules_go_version_from_go_1_21(tmp_path: Path) -> None:
    _module(tmp_path / "old", "example.com/old", go="1.20")
    _module(tmp_path / "new", "example.com/new", go="1.23")
    (tmp_path / "go.work").write_text("go 1.19\n\nuse ./old\nuse ./new\n")
    # 1.20 > 1.19 is allowed (the rule starts at go 1.21); 1.23 is not.
    assert _messages(tmp_path / "go.work") == [
        (
            rules.GOWORK_GO_VERSION.id,
            "go: module new listed in go.work file requires go >= 1.23, but go.work lists go "
            "1.19; to update it:\n\tgo work use",
        )
    ]


def test_a_go_work_without_go_line_implicitly_requires_go_1_18(tmp_path: Path) -> None:
    _module(tmp_path / "m", "example.com/m", go="1.21")
    (tmp_path / "go.work").write_text("use ./m\n")
    [(_, msg)] = _messages(tmp_path / "go.work")
    assert "but go.work implicitly requires go 1.18" in msg


def test_a_go_work_newer_than_the_go_in_use_is_refused_first(tmp_path: Path) -> None:
    _module(tmp_path / "m", "example.com/m")
    (tmp_path / "go.work").write_text("go 1.27\n\nuse ./m\nuse ./gone\n")
    assert _messages(tmp_path / "go.work", ci="1.26.8") == [
        (
            rules.TOOLCHAIN_UNSATISFIED.id,
            "go: go.work requires go >= 1.27 (running go 1.26.8; GOTOOLCHAIN=local)",
        )
    ]
    assert len(_messages(tmp_path / "go.work")) == 1  # without a CI version: only the bad use


def test_go_work_may_not_replace_a_workspace_module_at_all_versions(tmp_path: Path) -> None:
    _module(tmp_path / "m", "example.com/m")
    (tmp_path / "go.work").write_text(
        "go 1.22\n\nuse ./m\nreplace example.com/m => example.com/m v1.0.0\n"
        "replace example.com/m v1.0.0 => example.com/m v1.0.1\n"
    )
    [(rule, msg)] = _messages(tmp_path / "go.work")
    assert rule == rules.GOWORK_REPLACE.id
    assert msg.startswith("go: workspace module example.com/m is replaced at all versions")


# --- replacements ------------------------------------------------------------------------------

DEP = MV("example.com/dep", "v1.0.0")


def _main(*module_reps: dict[MV, MV], work: dict[MV, MV] | None = None) -> WorkspaceMain:
    mods = tuple(
        ModuleReplaces(f"/ws/m{i}", f"/ws/m{i}/go.mod", reps) for i, reps in enumerate(module_reps)
    )
    return WorkspaceMain(
        path="example.com/m0",
        go_version="1.22",
        requires=(),
        work_dir="/ws",
        main_paths=tuple(f"example.com/m{i}" for i in range(len(mods))),
        work_replaces=work or {},
        module_replaces=mods,
    )


def test_go_work_replaces_win_over_module_replaces_and_resolve_from_the_workspace() -> None:
    main = _main({DEP: MV("../mine", "")}, work={MV(DEP.path, ""): MV("./fork", "")})
    assert main.resolve(DEP) == MV("/ws/fork", "")


def test_a_module_directory_replace_is_relative_to_that_module() -> None:
    main = _main({}, {DEP: MV("../shared", "")})
    assert main.resolve(DEP) == MV("/ws/shared", "")
    assert main.resolve(MV(DEP.path, "v2.0.0")) == MV(DEP.path, "v2.0.0")


def test_a_workspace_module_at_its_workspace_version_is_never_replaced() -> None:
    main = _main({MV("example.com/m1", ""): MV("example.com/m1", "v0.1.0")}, {})
    assert main.resolve(MV("example.com/m1", "")) == MV("example.com/m1", "")
    assert main.resolve(MV("example.com/m1", "v0.0.9")) == MV("example.com/m1", "v0.1.0")


def test_an_exact_replace_after_a_path_wide_one_is_a_conflict() -> None:
    main = _main({MV(DEP.path, ""): MV(DEP.path, "v1.0.1")}, {DEP: MV(DEP.path, "v1.0.2")})
    assert main.replacement_conflict(DEP) == ("/ws/m0/go.mod", "/ws/m1/go.mod")
    assert main.resolve(DEP) == MV(DEP.path, "v1.0.1")  # the first one stands


def test_a_path_wide_replace_after_an_exact_one_silently_wins() -> None:
    main = _main({DEP: MV(DEP.path, "v1.0.2")}, {MV(DEP.path, ""): MV(DEP.path, "v1.0.1")})
    assert main.replacement_conflict(DEP) is None
    assert main.resolve(DEP) == MV(DEP.path, "v1.0.1")


def test_conflicting_replaces_of_one_version_are_fatal_and_say_how_to_override() -> None:
    a = ModuleReplaces("/ws/a", "/ws/a/go.mod", {})
    b = ModuleReplaces("/ws/b", "/ws/b/go.mod", {})
    problems = replace_problems(
        ["example.com/a", "example.com/b"],
        "/ws/go.work",
        [],
        [
            (a, [(DEP, MV("../x", ""), 5)]),
            (b, [(DEP, MV("../y", ""), 7), (MV("example.com/z", ""), MV("../z", ""), 8)]),
        ],
    )
    assert [(p.kind, p.file, p.line, p.message) for p in problems] == [
        (
            "conflict",
            "/ws/b/go.mod",
            7,
            "go: conflicting replacements for example.com/dep@v1.0.0:\n\t/ws/x\n\t/ws/y\n"
            'use "go work edit -replace example.com/dep@v1.0.0=[override]" to resolve',
        )
    ]


def test_the_same_directory_written_two_ways_is_no_conflict_and_go_work_overrides() -> None:
    a = ModuleReplaces("/ws/a", "/ws/a/go.mod", {})
    b = ModuleReplaces("/ws/b", "/ws/b/go.mod", {})
    same = [(a, [(DEP, MV("../x", ""), 5)]), (b, [(DEP, MV("./../x", ""), 7)])]
    assert replace_problems(["a", "b"], "/ws/go.work", [], same) == []
    differ = [(a, [(DEP, MV("../x", ""), 5)]), (b, [(DEP, MV("../y", ""), 7)])]
    overridden = replace_problems(["a", "b"], "/ws/go.work", [(DEP, MV("./x", ""), 3)], differ)
    assert overridden == []


# --- the workspace module graph ----------------------------------------------------------------


def _fetcher(mods: dict[MV, ModSummary]):  # type: ignore[no-untyped-def]
    seen: list[MV] = []

    def fetch(m: MV) -> ModSummary:
        seen.append(m)
        if m not in mods:
            raise LookupError("not in the test cache")
        return mods[m]

    return fetch, seen


def test_the_build_list_is_mvs_over_every_workspace_modules_requirements() -> None:
    x1, x2, y1 = MV("x.io/x", "v1.1.0"), MV("x.io/x", "v1.2.0"), MV("y.io/y", "v1.0.0")
    z1 = MV("z.io/z", "v1.0.0")
    fetch, seen = _fetcher(
        {
            x1: ModSummary("x.io/x", "1.21", (y1,)),
            x2: ModSummary("x.io/x", "1.21", (y1, z1)),
            y1: ModSummary("y.io/y", "1.21"),
            z1: ModSummary("z.io/z", "1.21"),
        }
    )
    main = _main({}, {})
    mg = load_workspace_graph(
        main,
        {
            "example.com/m0": ModSummary("example.com/m0", "1.22", (x1,)),
            "example.com/m1": ModSummary("example.com/m1", "1.22", (x2,)),
        },
        fetch,
        go_version="1.22",
    )
    assert mg.selected("x.io/x") == "v1.2.0"
    assert mg.selected("example.com/m0") == ""
    # x@v1.1.0 and x@v1.2.0 are both read (each a main module's requirement); y and z are
    # requirements of pruned modules, read only because x@v1.2.0 is selected above x@v1.1.0.
    assert set(seen) == {x1, x2, y1, z1}


def test_a_pruned_dependencys_own_requirements_are_not_read_when_nothing_upgrades_it() -> None:
    x1, y1 = MV("x.io/x", "v1.0.0"), MV("y.io/y", "v1.0.0")
    fetch, seen = _fetcher({x1: ModSummary("x.io/x", "1.21", (y1,))})
    mg = load_workspace_graph(
        _main({}),
        {"example.com/m0": ModSummary("example.com/m0", "1.22", (x1,))},
        fetch,
        go_version="1.22",
    )
    assert seen == [x1]
    assert mg.selected("y.io/y") == "v1.0.0"  # in the graph, its go.mod unread


def test_an_unpruned_workspace_module_pulls_in_its_whole_requirement_graph() -> None:
    x1, y1, z1 = MV("x.io/x", "v1.0.0"), MV("y.io/y", "v1.0.0"), MV("z.io/z", "v1.0.0")
    fetch, seen = _fetcher(
        {
            x1: ModSummary("x.io/x", "1.21", (y1,)),
            y1: ModSummary("y.io/y", "1.21", (z1,)),
            z1: ModSummary("z.io/z", "1.21"),
        }
    )
    load_workspace_graph(
        _main({}),
        {"example.com/m0": ModSummary("example.com/m0", "1.15", (x1,))},
        fetch,
        go_version="1.22",
    )
    assert seen == [x1, y1, z1]


def test_an_exclude_in_any_workspace_module_drops_that_requirement_everywhere() -> None:
    x1, y1, y2 = MV("x.io/x", "v1.0.0"), MV("y.io/y", "v1.0.0"), MV("y.io/y", "v1.1.0")
    fetch, _ = _fetcher({x1: ModSummary("x.io/x", "1.21"), y1: ModSummary("y.io/y", "1.21")})
    main = _main({}, {})
    main = WorkspaceMain(**{**main.__dict__, "excludes": frozenset({y2})})
    mg = load_workspace_graph(
        main,
        {
            "example.com/m0": ModSummary("example.com/m0", "1.22", (x1, y1)),
            "example.com/m1": ModSummary("example.com/m1", "1.22", (y2,)),
        },
        fetch,
        go_version="1.22",
    )
    assert mg.selected("y.io/y") == "v1.0.0"


def test_a_missing_go_mod_fails_closed() -> None:
    fetch, _ = _fetcher({})
    with pytest.raises(MissingModFiles):
        load_workspace_graph(
            _main({}),
            {"example.com/m0": ModSummary("example.com/m0", "1.22", (MV("x.io/x", "v1.0.0"),))},
            fetch,
            go_version="1.22",
        )


# --- ignore ------------------------------------------------------------------------------------


def test_ignore_with_dot_slash_is_anchored_and_without_it_matches_anywhere() -> None:
    ig = IgnorePatterns.parse(["./docs", "testutil", "a/b"])
    assert ig.should_ignore("docs") and ig.should_ignore("docs/x")
    assert not ig.should_ignore("sub/docs")
    assert ig.should_ignore("testutil") and ig.should_ignore("x/testutil/y")
    assert not ig.should_ignore("testutils")  # whole path elements only
    assert ig.should_ignore("q/a/b") and not ig.should_ignore("a/bc")
    assert not ig.should_ignore("")


def test_the_package_walk_skips_ignored_directories(tmp_path: Path) -> None:
    for d in ("keep", "docs", "x/testutil", "x/y"):
        (tmp_path / d).mkdir(parents=True)
        (tmp_path / d / "a.go").write_text("package a\n")
    walked = set(
        walk_package_dirs(DirTree(tmp_path), ignore=IgnorePatterns.parse(["./docs", "testutil"]))
    )
    assert walked == {"", "keep", "x", "x/y"}


# --- one target's build tags -------------------------------------------------------------------

LINUX = BuildContext("linux", "amd64")


@pytest.mark.parametrize(
    ("name", "linux", "windows"),
    [
        ("a.go", True, True),
        ("a_linux.go", True, False),
        ("a_windows_test.go", False, True),
        ("a_linux_arm64.go", False, False),
        ("a_amd64.go", True, True),
        ("linux.go", True, True),  # a bare GOOS name is no constraint (Go 1.4+)
        ("a_android.go", False, False),
        ("a_unknownos.go", True, True),
    ],
)
def test_file_names_select_goos_and_goarch(name: str, linux: bool, windows: bool) -> None:
    assert LINUX.match_file(name) is linux
    assert BuildContext("windows", "amd64").match_file(name) is windows


def test_android_builds_linux_files_and_ios_darwin_files() -> None:
    assert BuildContext("android", "arm64").match_file("a_linux.go")
    assert BuildContext("ios", "arm64").match_file("a_darwin.go")


@pytest.mark.parametrize(
    ("header", "linux"),
    [
        ("//go:build unix\n\npackage a\n", True),
        ("//go:build windows || plan9\n\npackage a\n", False),
        ("//go:build cgo\n\npackage a\n", False),
        ("//go:build go1.21 && !go1.99\n\npackage a\n", True),
        ("//go:build ignore\n\npackage a\n", False),
        ("// +build linux,amd64\n\npackage a\n", True),
        ("// +build darwin\n\npackage a\n", False),
        ("//go:build amd64.v1\n\npackage a\n", True),
    ],
)
def test_build_constraints_are_evaluated_for_one_target(header: str, linux: bool) -> None:
    assert LINUX.should_build(header) is linux


def test_a_file_importing_c_counts_only_with_cgo(tmp_path: Path) -> None:
    (tmp_path / "a.go").write_text('package a\n\nimport "C"\nimport "example.com/cgo/only"\n')
    (tmp_path / "b.go").write_text('package a\n\nimport "example.com/always"\n')
    no_cgo = scan_dir_for(LINUX, DirTree(tmp_path), "")
    with_cgo = scan_dir_for(BuildContext("linux", "amd64", cgo=True), DirTree(tmp_path), "")
    assert no_cgo is not None and no_cgo.imports == ("example.com/always",)
    assert with_cgo is not None and with_cgo.imports == (
        "example.com/always",
        "example.com/cgo/only",
    )


def test_go_mod_tidy_analysis_leaves_out_ignored_directories(tmp_path: Path) -> None:
    from gomodcheck.check.gate import CheckOptions, run_check  # noqa: PLC0415
    from gomodcheck.modgraph.sources import ModuleSources  # noqa: PLC0415

    _module(tmp_path, "example.com/m")
    (tmp_path / "a.go").write_text("package m\n")
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "t.go").write_text(
        'package tools\n\nimport _ "example.com/not/required"\n'
    )

    def rule_ids() -> list[str]:
        report = run_check(tmp_path, CheckOptions(ModuleSources([], None, tmp_path)))
        return [f.rule_id for f in report.findings]

    assert rule_ids() == [rules.GOMOD_MISSING_REQUIRE.id]
    (tmp_path / "go.mod").write_text("module example.com/m\n\ngo 1.22\n\nignore ./tools\n")
    assert rule_ids() == []
