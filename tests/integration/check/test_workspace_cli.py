"""`gomodcheck check` on a go.work workspace as a user runs it: offline, from the bundled proxy.

The workspace holds the clean example (tidy go.mod and go.sum) and a second module that imports
the same packages but records no checksums: in workspace mode the first module's go.sum covers
it. GOWORK, --gowork and the directory the check runs in decide whether the workspace counts.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import REPO_ROOT, run_cli

EXAMPLES = REPO_ROOT / "examples"


def _check(ws: Path, env: dict[str, str], *args: str, cwd: Path | None = None) -> tuple[int, dict]:  # type: ignore[type-arg]
    r = run_cli(
        "check",
        str(cwd or ws),
        "--proxy-dir",
        str(EXAMPLES / "proxy"),
        "--no-cache",
        "--format",
        "json",
        *args,
        env=env,
    )
    assert r.returncode in (0, 1), r.stdout + r.stderr
    return r.returncode, json.loads(r.stdout)


def _rules(report: dict) -> list[str]:  # type: ignore[type-arg]
    return sorted(f["rule"] for f in report["findings"])


def test_a_workspace_directory_is_checked_as_a_workspace(
    workspace: Path, offline_env: dict[str, str]
) -> None:
    code, report = _check(workspace, offline_env)
    assert code == 0, report
    assert report["summary"]["workspace modules"] == 2


def test_checksums_missing_from_every_sum_file_are_reported_with_the_line_to_add(
    workspace: Path, offline_env: dict[str, str]
) -> None:
    gosum = workspace / "clean" / "go.sum"
    gosum.write_text("".join(ln for ln in gosum.read_text().splitlines(True) if "uuid" not in ln))
    code, report = _check(workspace, offline_env)
    assert code == 1
    missing = {f["properties"]["line"] for f in report["findings"] if f["rule"] == "CHECK061"}
    assert missing == {
        "github.com/google/uuid v1.6.0 h1:NIvaJDMOsjHA8n1jAhLSgzrAzy1Hgr+hNrb57e+94F0=",
        "github.com/google/uuid v1.6.0/go.mod h1:TIyPZe4MgqvfeYDBFedMoGGpEw/LqOeaOT+nhxU+yHo=",
    }
    # go.work.sum holding them is as good as the module's go.sum.
    (workspace / "go.work.sum").write_text("\n".join(sorted(missing)) + "\n")
    code, report = _check(workspace, offline_env)
    assert code == 0, report


def test_gowork_off_and_the_flag_turn_workspace_mode_off(
    workspace: Path, offline_env: dict[str, str]
) -> None:
    tool = workspace / "tool"
    # From a module directory both views are reported: `go mod tidy -diff` ignores go.work (so
    # the module's own go.sum gaps stay findings), and the workspace the go build would use.
    _, ws_mode = _check(workspace, offline_env, cwd=tool)
    assert "CHECK060" in _rules(ws_mode) and "CHECK001" in _rules(ws_mode)
    assert ws_mode["summary"]["workspace modules"] == 2
    _, off = _check(workspace, {**offline_env, "GOWORK": "off"}, cwd=tool)
    assert "CHECK060" not in _rules(off) and "workspace modules" not in off["summary"]
    _, flag = _check(workspace, offline_env, "--gowork", "off", cwd=tool)
    assert _rules(flag) == _rules(off) == ["CHECK001", "CHECK001"]


def test_gowork_must_be_an_absolute_path_but_the_flag_may_be_relative(
    workspace: Path, offline_env: dict[str, str]
) -> None:
    r = run_cli("check", str(workspace), env={**offline_env, "GOWORK": "go.work"})
    assert r.returncode == 2
    assert "invalid GOWORK: not an absolute path" in r.stdout + r.stderr
    other = workspace.parent / "other.work"
    other.write_text("go 1.22\n\nuse ./ws/clean\nuse ./ws/missing\n")
    code, report = _check(workspace, offline_env, "--gowork", str(other))
    assert code == 1
    assert [f["rule"] for f in report["findings"]] == ["CHECK062"]
    assert (
        "cannot load module ws/missing listed in go.work file" in report["findings"][0]["message"]
    )


def test_a_module_the_workspace_does_not_use_fails_as_go_build_would(
    workspace: Path, offline_env: dict[str, str]
) -> None:
    (workspace / "go.work").write_text("go 1.22\n\nuse ./clean\n")
    code, report = _check(workspace, offline_env, cwd=workspace / "tool")
    assert code == 1
    [finding] = [f for f in report["findings"] if f["rule"] == "CHECK062"]
    assert finding["message"].startswith(
        "current directory is contained in a module that is not one of the workspace modules"
    )


def test_a_go_work_older_than_a_module_names_the_fix(
    workspace: Path, offline_env: dict[str, str]
) -> None:
    (workspace / "go.work").write_text("go 1.21\n\nuse (\n\t./clean\n\t./tool\n)\n")
    code, report = _check(workspace, offline_env)
    assert code == 1
    assert [f["rule"] for f in report["findings"]] == ["CHECK063", "CHECK063"]
    f = report["findings"][0]
    assert f["message"] == (
        "go: module clean listed in go.work file requires go >= 1.22, but go.work lists go "
        "1.21; to update it:\n\tgo work use"
    )
    assert f["fix_commands"] == ["go work use"]
