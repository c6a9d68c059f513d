"""`gomodcheck check` reuses its last verdict only while nothing it depends on has changed.

What users rely on: after any edit to the tree, the options, the environment, the config or the
module cache, check answers exactly what a run with --no-cache answers; with no edit it answers
the same bytes without checking again. Each test runs the CLI in this process (so it can count
full checks), edits, and compares with a --no-cache run.

Verdicts are not stored while anything they depend on changed in the last seconds; most tests
set that window to zero so the files they just wrote qualify.
test_a_tree_changed_moments_ago_is_checked_again_next_time keeps the window.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from gomodcheck.cli import main
from gomodcheck.cli.commands import check as check_command
from gomodcheck.gosrc import tree


@pytest.fixture
def full_runs(
    monkeypatch: pytest.MonkeyPatch, modcache: Path, tmp_path: Path, offline_env: dict[str, str]
) -> list[Path]:
    """The environment of a user with a module cache; returns the roots fully checked (by runs
    that could have reused a verdict: --no-cache runs are not counted)."""
    for name, value in {**offline_env, "GOMODCACHE": str(modcache)}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("GOMODCHECK_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("GOMODCHECK_NO_CACHE", raising=False)
    runs: list[Path] = []
    full = check_command._run

    def spy(root: Path, *args: Any) -> Any:
        if not args[-1]:  # no_cache
            runs.append(root)
        return full(root, *args)

    monkeypatch.setattr(check_command, "_run", spy)
    return runs


@pytest.fixture
def no_racy_window(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tree, "RACY_NS", 0)


def _check(capsys: pytest.CaptureFixture[str], project: Path, *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as done:
        main(["check", str(project), "--format", "json", *args])
    out = capsys.readouterr().out
    code = done.value.code
    assert code in (0, 1), out
    return int(code or 0), out


def _fresh(capsys: pytest.CaptureFixture[str], project: Path) -> tuple[int, str]:
    return _check(capsys, project, "--no-cache")


def _edit(path: Path, old: str, new: str) -> None:
    time.sleep(0.02)  # past the file system's timestamp granularity
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


pytestmark = pytest.mark.usefixtures("no_racy_window")


def test_an_unchanged_tree_gets_the_same_bytes_without_a_second_check(
    capsys: pytest.CaptureFixture[str], project: Path, full_runs: list[Path]
) -> None:
    first = _check(capsys, project)
    assert len(full_runs) == 1
    assert _check(capsys, project) == first
    assert _check(capsys, project, "--format", "text")[0] == first[0]
    assert len(full_runs) == 1, "the verdict was not reused"
    assert first == _fresh(capsys, project)


def _remove_uuid_import(project: Path) -> None:
    _edit(project / "main.go", '\t"github.com/google/uuid"\n', "")
    _edit(project / "main.go", "uuid.NewString()", '"x"')


def _new_file(project: Path) -> None:
    time.sleep(0.02)
    (project / "extra.go").write_text(
        'package main\n\nimport "golang.org/x/sync/semaphore"\n\nvar _ = semaphore.NewWeighted\n'
    )


def _new_package(project: Path) -> None:
    time.sleep(0.02)
    (project / "sub").mkdir()
    (project / "sub" / "sub.go").write_text(
        'package sub\n\nimport "github.com/pkg/errors"\n\nvar E = errors.New("x")\n'
    )


def _drop_gosum_line(project: Path) -> None:
    time.sleep(0.02)
    lines = (project / "go.sum").read_text().splitlines(keepends=True)
    (project / "go.sum").write_text("".join(lines[1:]))


def _require_vendoring(project: Path) -> None:
    time.sleep(0.02)
    (project / "gomodcheck.toml").write_text("[check]\nrequire_vendor = true\n")


def _drop_extracted_module(project: Path) -> None:
    # Only the zip is left: the content is the same, but what check read is not.
    modcache = Path(str(project).replace("proj", "modcache"))
    shutil.rmtree(modcache / "github.com" / "google" / "uuid@v1.6.0")


@pytest.mark.parametrize(
    "change",
    [
        _remove_uuid_import,
        _new_file,
        _new_package,
        _drop_gosum_line,
        _require_vendoring,
        _drop_extracted_module,
    ],
)
def test_each_change_is_checked_again_and_answers_as_no_cache_does(
    capsys: pytest.CaptureFixture[str], project: Path, full_runs: list[Path], change: Any
) -> None:
    before = _check(capsys, project)
    change(project)
    after = _check(capsys, project)
    assert len(full_runs) == 2, "a stale verdict was reused"
    assert after == _fresh(capsys, project)
    # The new verdict is reused in turn.
    assert _check(capsys, project) == after
    assert len(full_runs) == 2
    if change is not _drop_extracted_module and change is not _new_file:
        assert after != before  # the change mattered, so a stale answer would have shown


@pytest.mark.parametrize(
    ("variable", "value"), [("GOFLAGS", "-mod=vendor"), ("GOPRIVATE", "github.com/google")]
)
def test_a_changed_environment_is_checked_again(
    capsys: pytest.CaptureFixture[str],
    project: Path,
    full_runs: list[Path],
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    value: str,
) -> None:
    _check(capsys, project)
    monkeypatch.setenv(variable, value)
    after = _check(capsys, project)
    assert len(full_runs) == 2
    assert after == _fresh(capsys, project)


def test_other_options_and_no_cache_are_checked_again(
    capsys: pytest.CaptureFixture[str], project: Path, full_runs: list[Path]
) -> None:
    _check(capsys, project)
    _check(capsys, project, "--go-version", "1.21.0")
    _check(capsys, project, "--go-version", "1.21.0", "--fail-on", "error")  # output only
    assert len(full_runs) == 2


def test_a_changed_local_replacement_outside_the_tree_is_checked_again(
    capsys: pytest.CaptureFixture[str], project: Path, full_runs: list[Path], tmp_path: Path
) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "go.mod").write_text("module example.com/lib\n\ngo 1.22\n")
    (lib / "lib.go").write_text("package lib\n\nconst X = 1\n")
    with (project / "go.mod").open("a") as f:
        f.write("\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ../lib\n")
    _edit(project / "main.go", '\t"fmt"\n', '\t"fmt"\n\n\t"example.com/lib"\n')
    _edit(project / "main.go", "fmt.Println(ids)", "fmt.Println(ids, lib.X)")
    _check(capsys, project)
    _edit(lib / "lib.go", "const X = 1", 'import "github.com/pkg/errors"\n\nvar X = errors.New("")')
    after = _check(capsys, project)
    assert len(full_runs) == 2
    assert after == _fresh(capsys, project)


def test_a_tree_changed_moments_ago_is_checked_again_next_time(
    capsys: pytest.CaptureFixture[str],
    project: Path,
    full_runs: list[Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tree, "RACY_NS", 3_000_000_000)
    _check(capsys, project)  # the copied files are seconds old at most: not stored
    _check(capsys, project)
    assert len(full_runs) == 2


def test_a_damaged_verdict_only_costs_a_full_check(
    capsys: pytest.CaptureFixture[str], project: Path, full_runs: list[Path], tmp_path: Path
) -> None:
    first = _check(capsys, project)
    (stored,) = (tmp_path / "state" / "check-verdicts").iterdir()
    data = stored.read_bytes()
    stored.write_bytes(data[: len(data) // 2])
    assert _check(capsys, project) == first
    assert len(full_runs) == 2
    flipped = bytearray(data)
    flipped[len(data) // 3] ^= 0x01  # one bit, somewhere in the report or the paths
    stored.write_bytes(bytes(flipped))
    assert _check(capsys, project) == first
    assert len(full_runs) == 3
