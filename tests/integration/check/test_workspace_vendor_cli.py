"""`gomodcheck check` on a vendored workspace (`go work vendor`), as a user runs it in CI.

The workspace is the one of test_workspace_cli (the clean example and a tool module), vendored
as `go work vendor` vendors it: modules.txt below is byte for byte what go1.26 writes for it,
and the package directories hold the .go files of the bundled proxy's zips. No module cache and
no proxy: a vendored build needs neither, and neither does the check.
"""

from __future__ import annotations

import json
import shutil
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from gomodcheck.cli import main
from gomodcheck.cli.commands import check as check_command
from gomodcheck.gosrc import tree
from tests.conftest import REPO_ROOT, run_cli

EXAMPLES = REPO_ROOT / "examples"
MODULES_TXT = """\
## workspace
# github.com/google/uuid v1.6.0
## explicit
github.com/google/uuid
# github.com/pkg/errors v0.9.1
## explicit
github.com/pkg/errors
# golang.org/x/sync v0.8.0
## explicit; go 1.18
golang.org/x/sync/errgroup
"""
PACKAGES = [
    ("github.com/google/uuid", "v1.6.0", "github.com/google/uuid"),
    ("github.com/pkg/errors", "v0.9.1", "github.com/pkg/errors"),
    ("golang.org/x/sync", "v0.8.0", "golang.org/x/sync/errgroup"),
]
SYNC = (
    "To ignore the vendor directory, use -mod=readonly or -mod=mod.\n"
    "\tTo sync the vendor directory, run:\n\t\tgo work vendor"
)


@pytest.fixture
def vendored(workspace: Path) -> Path:
    """The shared two-module workspace, vendored as `go work vendor` leaves it."""
    ws = workspace
    vendor = ws / "vendor"
    vendor.mkdir()
    (vendor / "modules.txt").write_text(MODULES_TXT)
    for path, version, pkg in PACKAGES:
        prefix = f"{path}@{version}/{pkg.removeprefix(path).lstrip('/')}".rstrip("/") + "/"
        zpath = EXAMPLES / "proxy" / path / "@v" / f"{version}.zip"
        with zipfile.ZipFile(zpath) as z:
            for name in z.namelist():
                rest = name.removeprefix(prefix)
                if not name.startswith(prefix) or "/" in rest or not rest.endswith(".go"):
                    continue
                if not rest.endswith("_test.go"):  # `go work vendor` leaves tests out
                    (vendor / pkg).mkdir(parents=True, exist_ok=True)
                    (vendor / pkg / rest).write_bytes(z.read(name))
    return ws


def _check(
    ws: Path, env: dict[str, str], *args: str, cwd: Path | None = None
) -> tuple[int, dict[str, Any]]:
    r = run_cli("check", str(cwd or ws), "--no-cache", "--format", "json", *args, env=env)
    assert r.returncode in (0, 1), r.stdout + r.stderr
    report: dict[str, Any] = json.loads(r.stdout)
    return r.returncode, report


def _edit(p: Path, old: str, new: str) -> None:
    text = p.read_text()
    assert old in text
    p.write_text(text.replace(old, new, 1))


def test_a_vendored_workspace_checks_clean_without_module_cache_or_proxy(
    vendored: Path, offline_env: dict[str, str]
) -> None:
    code, report = _check(vendored, offline_env)
    assert code == 0, report
    assert report["findings"] == []
    assert report["summary"]["go.work.sum analysis"] == (
        "skipped: -mod=vendor builds read vendor/, not go.work.sum"
    )


def test_a_requirement_changed_after_go_work_vendor_fails_with_the_go_commands_message(
    vendored: Path, offline_env: dict[str, str]
) -> None:
    _edit(vendored / "tool" / "go.mod", "uuid v1.6.0", "uuid v1.5.0")
    code, report = _check(vendored, offline_env)
    assert code == 1
    [f] = report["findings"]
    assert f["rule"] == "CHECK041"
    assert f["message"] == (
        f"go: inconsistent vendoring in {vendored}:\n\tgithub.com/google/uuid@v1.5.0: is "
        "explicitly required in go.mod, but not marked as explicit in vendor/modules.txt"
    )
    assert (f["file"], f["line"]) == (str(vendored / "tool" / "go.mod"), 5)
    assert f["fix_commands"] == ["go work vendor"]
    assert f["evidence"] == [SYNC]


def test_every_workspace_module_and_go_work_replace_is_checked_against_modules_txt(
    vendored: Path, offline_env: dict[str, str]
) -> None:
    with (vendored / "go.work").open("a") as w:
        w.write("\nreplace golang.org/x/sync v0.8.0 => golang.org/x/sync v0.7.0\n")
    _edit(vendored / "vendor" / "modules.txt", "## explicit\ngithub.com/pkg", "github.com/pkg")
    code, report = _check(vendored, offline_env)
    assert code == 1
    lines = [f["message"].split("\n\t", 1)[1] for f in report["findings"]]
    assert lines == [
        "github.com/pkg/errors@v0.9.1: is explicitly required in go.mod, but not marked as "
        "explicit in vendor/modules.txt",
        "golang.org/x/sync@v0.8.0: is replaced in go.work, but not marked as replaced in "
        "vendor/modules.txt",
    ]
    assert [(Path(f["file"]).name, f["line"]) for f in report["findings"]] == [
        ("go.mod", 10),
        ("go.work", 8),
    ]


def test_a_package_missing_from_vendor_is_reported_for_its_importer(
    vendored: Path, offline_env: dict[str, str]
) -> None:
    shutil.rmtree(vendored / "vendor" / "golang.org" / "x" / "sync" / "errgroup")
    code, report = _check(vendored, offline_env)
    assert code == 1
    [f] = report["findings"]
    assert f["rule"] == "CHECK041"
    assert f["message"] == (
        "example.com/clean: cannot find module providing package golang.org/x/sync/errgroup: "
        "import lookup disabled by -mod=vendor\n"
        "\t(Go version in go.work is at least 1.14 and vendor directory exists.)"
    )
    assert f["file"] == str(vendored / "vendor" / "modules.txt")
    assert f["fix_commands"] == ["go work vendor"]


def test_goflags_mod_mod_is_refused_in_workspace_mode(
    vendored: Path, offline_env: dict[str, str]
) -> None:
    code, report = _check(vendored, {**offline_env, "GOFLAGS": "-mod=mod"})
    assert code == 1
    [f] = report["findings"]
    assert f["rule"] == "CHECK062"
    assert f["message"].startswith(
        'go: -mod may only be set to readonly or vendor when in workspace mode, but it is set to "mod"'
    )


def test_goflags_mod_readonly_builds_from_the_module_cache_and_ignores_vendor(
    vendored: Path, offline_env: dict[str, str]
) -> None:
    _edit(vendored / "vendor" / "modules.txt", "## explicit\ngithub.com/pkg", "github.com/pkg")
    env = {**offline_env, "GOFLAGS": "-mod=readonly"}
    code, report = _check(vendored, env, "--proxy-dir", str(EXAMPLES / "proxy"))
    assert code == 0, report
    assert "workspace checksums needed" in report["summary"]  # the go.work.sum analysis ran


@pytest.mark.parametrize(
    ("damage", "shown"),
    [
        (lambda ws: (ws / "vendor" / "modules.txt").unlink(), "vendor"),
        (lambda ws: _edit(ws / "vendor" / "modules.txt", "## workspace\n", ""), "modules.txt"),
    ],
    ids=["modules.txt-missing", "not-written-by-go-work-vendor"],
)
def test_a_vendor_directory_the_go_command_ignores_is_a_warning(
    vendored: Path, offline_env: dict[str, str], damage: Any, shown: str
) -> None:
    damage(vendored)
    code, report = _check(vendored, offline_env, "--proxy-dir", str(EXAMPLES / "proxy"))
    assert code == 1
    [f] = report["findings"]
    assert (f["rule"], f["severity"]) == ("CHECK042", "warning")
    assert "In workspace mode, but vendor directory is not for a workspace" in f["message"]
    assert Path(f["file"]).name == shown
    assert f["fix_commands"] == ["go work vendor"]
    code, _ = _check(
        vendored, offline_env, "--proxy-dir", str(EXAMPLES / "proxy"), "--fail-on", "error"
    )
    assert code == 0


def test_text_output_names_the_file_line_and_the_fix(
    vendored: Path, offline_env: dict[str, str]
) -> None:
    _edit(vendored / "tool" / "go.mod", "uuid v1.6.0", "uuid v1.5.0")
    r = run_cli("check", str(vendored), "--no-cache", env=offline_env, cwd=vendored)
    assert r.returncode == 1
    assert "tool/go.mod:5: error [CHECK041] go: inconsistent vendoring in" in r.stdout
    assert "$ go work vendor" in r.stdout


def test_a_module_at_the_workspace_root_leaves_the_workspace_vendor_to_go_work(
    vendored: Path, offline_env: dict[str, str]
) -> None:
    """go.work beside a go.mod: vendor/ is the workspace's. Outside workspace mode the go command
    ignores a vendor/ that `go work vendor` wrote, so module mode does not check it either."""
    clean = vendored / "clean"
    (vendored / "go.work").rename(clean / "go.work")
    _edit(clean / "go.work", "./clean", ".")
    _edit(clean / "go.work", "./tool", "../tool")
    (vendored / "vendor").rename(clean / "vendor")
    env = {**offline_env, "GOMODCACHE": str(EXAMPLES / "no-such-modcache")}
    proxy = ("--proxy-dir", str(EXAMPLES / "proxy"))
    code, report = _check(clean, env, *proxy)
    assert [f["rule"] for f in report["findings"]] == ["CHECK060"], report
    _edit(clean / "vendor" / "modules.txt", "## explicit\ngithub.com/pkg", "github.com/pkg")
    code, report = _check(clean, env, *proxy)
    assert [f["rule"] for f in report["findings"]] == ["CHECK060", "CHECK041"]
    # Even with -mod=vendor, only the workspace's rules apply to it (the same single line).
    code, forced = _check(clean, {**env, "GOFLAGS": "-mod=vendor"}, *proxy)
    assert forced["findings"] == report["findings"]
    code, report = _check(clean, {**env, "GOWORK": "off"}, *proxy)
    assert code == 0, report
    assert report["summary"]["module vendor/"] == (
        "not used outside workspace mode (go work vendor)"
    )


def test_a_verdict_is_not_reused_after_the_workspace_vendor_directory_changes(
    vendored: Path,
    offline_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """Checked from a module directory, vendor/ beside go.work is outside the tree checked."""
    for name, value in offline_env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("GOMODCHECK_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("GOMODCHECK_NO_CACHE", raising=False)
    monkeypatch.setattr(tree, "RACY_NS", 0)
    runs: list[Path] = []
    full = check_command._run

    def spy(root: Path, *args: Any) -> Any:
        runs.append(root)
        return full(root, *args)

    monkeypatch.setattr(check_command, "_run", spy)

    def check() -> list[str]:
        with pytest.raises(SystemExit):
            main(["check", str(vendored / "tool"), "--format", "json"])
        return [f["rule"] for f in json.loads(capsys.readouterr().out)["findings"]]

    monkeypatch.chdir(vendored / "tool")
    (vendored / "tool" / "go.sum").write_text(
        (vendored / "clean" / "go.sum").read_text()  # tidy for the tool module's own view
    )
    monkeypatch.setenv("GOMODCACHE", str(tmp_path / "modcache"))
    shutil.copytree(EXAMPLES / "proxy", tmp_path / "modcache" / "cache" / "download")
    first = check()
    assert check() == first
    assert len(runs) == 1  # reused
    time.sleep(0.02)
    shutil.rmtree(vendored / "vendor" / "github.com" / "google" / "uuid")
    second = check()
    assert len(runs) == 2
    assert "CHECK041" in second and "CHECK041" not in first
