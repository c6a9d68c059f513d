"""`gomodcheck check` keeps package scans and go.mod summaries between runs (the scan cache).

What users rely on: a run after any edit answers exactly as a fresh run without the cache does,
and a run after no edit does not read Go files again. Each test edits the project between two
runs and compares the cached run with a fresh one, and with the answer before the edit (so an edit
that changed nothing could not make the test pass).

The cache leaves out files changed in the last seconds (gosrc.tree.RACY_NS); most tests set that
window to zero, so that the files they just wrote are cached and the edits after exercise the
invalidation. test_a_file_rewritten_within_the_racy_window_is_read_again keeps the window.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from gomodcheck.check.analyze import analyze
from gomodcheck.gosrc import tree
from gomodcheck.gosrc.scancache import ScanCache
from gomodcheck.modgraph.sources import ModuleSources
from tests.conftest import REPO_ROOT, run_cli

EXAMPLES = REPO_ROOT / "examples"


@pytest.fixture
def no_racy_window(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tree, "RACY_NS", 0)


def _outcome(root: Path, modcache: Path, cache: ScanCache | None) -> dict[str, Any]:
    sources = ModuleSources([modcache / "cache" / "download"], modcache, root)
    sources.cache = cache
    a = analyze(root, sources, cache)
    if cache is not None:
        cache.save()
    return {
        "required": sorted(str(m) for m in a.required),
        "tidy": None
        if a.tidy_requires is None
        else [(t.path, t.version, t.indirect) for t in a.tidy_requires],
        "build_list": [str(m) for m in a.graph.build_list()],
        "graph": {str(m): [str(r) for r in reqs] for m, reqs in a.graph.graph.required.items()},
        "packages": {
            p.path: (str(p.module), p.in_all, p.imports, p.test_imports, p.error, p.importers)
            for p in a.load.packages.values()
        },
        "unresolved": a.load.unresolved,
    }


def _same_as_fresh(root: Path, modcache: Path, db: Path) -> dict[str, Any]:
    """The cached run's outcome, after checking it equals a fresh run's."""
    cached = _outcome(root, modcache, ScanCache(db))
    assert cached == _outcome(root, modcache, None)
    return cached


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


@pytest.fixture
def no_source_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object) -> bytes:
        raise AssertionError(f"read a Go file although nothing changed: {args}")

    for cls in (tree.DirTree, tree.ZipTree):
        monkeypatch.setattr(cls, "read_file", fail)
        monkeypatch.setattr(cls, "read_prefix", fail)


@pytest.mark.usefixtures("no_racy_window")
def test_a_warm_run_reads_no_go_file_and_answers_as_a_fresh_run(
    project: Path, modcache: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    db = tmp_path / "scan.sqlite"
    first = _outcome(project, modcache, ScanCache(db))
    request.getfixturevalue("no_source_reads")
    assert _outcome(project, modcache, ScanCache(db)) == first


@pytest.mark.usefixtures("no_racy_window")
def test_editing_the_imports_of_a_go_file_is_seen(
    project: Path, modcache: Path, tmp_path: Path
) -> None:
    db = tmp_path / "scan.sqlite"
    before = _same_as_fresh(project, modcache, db)
    # pkg/errors moves from a test-only import to a direct one: it stops being `// indirect`.
    _edit(project / "main.go", '"fmt"\n', '"fmt"\n\n\t"github.com/pkg/errors"\n')
    _edit(project / "main.go", "panic(err)", 'panic(errors.Wrap(err, "x"))')
    after = _same_as_fresh(project, modcache, db)
    assert after != before
    assert ("github.com/pkg/errors", "v0.9.1", False) in after["tidy"]


@pytest.mark.usefixtures("no_racy_window")
def test_a_same_size_edit_keeping_the_mtime_is_seen(
    project: Path, modcache: Path, tmp_path: Path
) -> None:
    db = tmp_path / "scan.sqlite"
    main_go = project / "main.go"
    st = main_go.stat()
    before = _same_as_fresh(project, modcache, db)
    time.sleep(0.05)  # past the file system's timestamp granularity, so the ctime moves
    with main_go.open("r+b") as f:  # in place: the same inode
        data = f.read()
        f.seek(0)
        f.write(data.replace(b"google/uuid", b"google/uuix"))
    os.utime(main_go, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert main_go.stat().st_size == st.st_size
    assert main_go.stat().st_mtime_ns == st.st_mtime_ns
    after = _same_as_fresh(project, modcache, db)
    assert after != before
    assert "github.com/google/uuix" in after["packages"]


@pytest.mark.usefixtures("no_racy_window")
def test_adding_and_removing_a_go_file_is_seen(
    project: Path, modcache: Path, tmp_path: Path
) -> None:
    db = tmp_path / "scan.sqlite"
    before = _same_as_fresh(project, modcache, db)
    extra = project / "extra.go"
    extra.write_text(
        'package main\n\nimport "golang.org/x/sync/semaphore"\n\nvar _ = semaphore.NewWeighted\n'
    )
    added = _same_as_fresh(project, modcache, db)
    assert "golang.org/x/sync/semaphore" in added["packages"]
    extra.unlink()
    assert _same_as_fresh(project, modcache, db) == before


@pytest.mark.usefixtures("no_racy_window")
def test_a_new_package_directory_is_seen(project: Path, modcache: Path, tmp_path: Path) -> None:
    db = tmp_path / "scan.sqlite"
    before = _same_as_fresh(project, modcache, db)
    (project / "sub").mkdir()
    (project / "sub" / "sub.go").write_text(
        'package sub\n\nimport _ "golang.org/x/sync/singleflight"\n'
    )
    after = _same_as_fresh(project, modcache, db)
    added = {p for p in set(after["packages"]) - set(before["packages"]) if "." in p.split("/")[0]}
    assert added == {"example.com/clean/sub", "golang.org/x/sync/singleflight"}


@pytest.mark.usefixtures("no_racy_window")
def test_a_build_constraint_added_to_a_file_is_seen(
    project: Path, modcache: Path, tmp_path: Path
) -> None:
    db = tmp_path / "scan.sqlite"
    before = _same_as_fresh(project, modcache, db)
    test_go = project / "main_test.go"
    test_go.write_text("//go:build ignore\n\n" + test_go.read_text())
    after = _same_as_fresh(project, modcache, db)
    assert "github.com/pkg/errors" in before["packages"]
    assert "github.com/pkg/errors" not in after["packages"]


@pytest.mark.usefixtures("no_racy_window")
def test_editing_and_touching_go_mod_is_seen(project: Path, modcache: Path, tmp_path: Path) -> None:
    db = tmp_path / "scan.sqlite"
    before = _same_as_fresh(project, modcache, db)
    os.utime(project / "go.mod")
    assert _same_as_fresh(project, modcache, db) == before
    _edit(project / "go.mod", "require github.com/pkg/errors v0.9.1\n", "")
    after = _same_as_fresh(project, modcache, db)
    assert after != before
    assert "github.com/pkg/errors@v0.9.1/go.mod" not in after["required"]


@pytest.mark.usefixtures("no_racy_window")
def test_edits_in_a_directory_replacement_are_seen(
    project: Path, modcache: Path, tmp_path: Path
) -> None:
    db = tmp_path / "scan.sqlite"
    local = project.parent / "local"
    local.mkdir()
    (local / "go.mod").write_text(
        "module example.com/local\n\ngo 1.22\n\nrequire github.com/pkg/errors v0.9.1\n"
    )
    (local / "local.go").write_text('package local\n\nimport _ "github.com/pkg/errors"\n')
    _edit(
        project / "go.mod",
        "require github.com/pkg/errors v0.9.1\n",
        "require (\n\tgithub.com/pkg/errors v0.9.1\n\texample.com/local v0.0.0\n)\n\n"
        "replace example.com/local => ../local\n",
    )
    _edit(project / "main.go", '"fmt"\n', '"fmt"\n\n\t_ "example.com/local"\n')
    before = _same_as_fresh(project, modcache, db)
    # The replacement's go.mod drops its requirement, and its source its import.
    (local / "go.mod").write_text("module example.com/local\n\ngo 1.22\n")
    after_mod = _same_as_fresh(project, modcache, db)
    assert after_mod != before
    (local / "local.go").write_text('package local\n\nimport _ "golang.org/x/sync/errgroup"\n')
    after_src = _same_as_fresh(project, modcache, db)
    assert after_src != after_mod
    assert after_src["packages"]["example.com/local"][2] == ("golang.org/x/sync/errgroup",)


def test_a_file_rewritten_within_the_racy_window_is_read_again(
    project: Path, modcache: Path, tmp_path: Path
) -> None:
    db = tmp_path / "scan.sqlite"
    main_go = project / "main.go"
    st = main_go.stat()
    before = _same_as_fresh(project, modcache, db)
    # Files written in the last seconds are not cached: a rewrite within the same timestamp
    # tick (same size, mtime and ctime) would leave nothing in stat to tell the contents apart.
    records = ScanCache(db).get_checked(f"pkgindex:v2:dir:{project}")
    assert records is None or "" not in records  # "": the directory holding main.go
    with main_go.open("r+b") as f:
        data = f.read()
        f.seek(0)
        f.write(data.replace(b"google/uuid", b"google/uuix"))
    os.utime(main_go, ns=(st.st_atime_ns, st.st_mtime_ns))
    after = _same_as_fresh(project, modcache, db)
    assert after != before


def test_a_damaged_cache_only_costs_time(project: Path, modcache: Path, tmp_path: Path) -> None:
    db = tmp_path / "scan.sqlite"
    db.write_bytes(b"not a database" * 100)
    assert _outcome(project, modcache, ScanCache(db)) == _outcome(project, modcache, None)


def test_a_cache_entry_not_as_written_is_ignored(tmp_path: Path) -> None:
    db = tmp_path / "scan.sqlite"
    cache = ScanCache(db)
    cache.put_checked("k", {"a": [1, 2]})
    cache.save()
    assert ScanCache(db).get_checked("k") == {"a": [1, 2]}
    import sqlite3  # noqa: PLC0415

    conn = sqlite3.connect(db)
    (raw,) = conn.execute("SELECT value FROM scan_v2 WHERE key = 'k'").fetchone()
    conn.execute("UPDATE scan_v2 SET value = ? WHERE key = 'k'", (raw.replace("2", "3"),))
    conn.commit()
    conn.close()
    assert ScanCache(db).get_checked("k") is None


def test_the_cli_after_an_edit_reports_what_no_cache_reports(
    project: Path, modcache: Path, tmp_path: Path
) -> None:
    env = {
        "GOMODCACHE": str(modcache),
        "GOMODCHECK_STATE_DIR": str(tmp_path / "state"),
        "GOPROXY": "off",
        "GOFLAGS": "",
        "GOWORK": "off",
        "GOENV": "off",
    }

    def check(*extra: str) -> Any:
        r = run_cli("check", str(project), "--format", "json", *extra, env=env)
        assert r.returncode in (0, 1), r.stderr
        return json.loads(r.stdout)

    time.sleep(tree.RACY_NS / 1e9 + 0.1)  # let the copied files age out of the racy window
    warm = check()
    assert warm == check() == check("--no-cache")
    assert (tmp_path / "state" / "scan-cache.sqlite").is_file()
    _edit(project / "main_test.go", '"github.com/pkg/errors"', '"golang.org/x/sync/errgroup"')
    _edit(project / "main_test.go", "errors.Wrap(errors.New", "errgroup.Wrap(errgroup.New")
    after = check()
    assert after == check("--no-cache")
    assert after != warm
