"""`gomodcheck check` and `gomodcheck graph` as a user runs them: offline, on the bundled examples."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import REPO_ROOT, run_cli

EXAMPLES = REPO_ROOT / "examples"


def _copy_example(name: str, tmp_path: Path) -> Path:
    dest = tmp_path / "examples" / name
    shutil.copytree(EXAMPLES / name, dest)
    shutil.copytree(EXAMPLES / "proxy", tmp_path / "examples" / "proxy")
    return dest


def _rules(stdout: str) -> list[str]:
    return sorted(f["rule"] for f in json.loads(stdout)["findings"])


def test_the_readme_example_reports_its_three_mistakes_offline(offline_env: dict[str, str]) -> None:
    r = run_cli("check", str(EXAMPLES / "broken-project"), "--format", "json", env=offline_env)
    assert r.returncode == 1, r.stderr
    findings = json.loads(r.stdout)["findings"]
    assert _rules(r.stdout) == ["CHECK001", "CHECK002", "CHECK011"]
    missing = next(f for f in findings if f["rule"] == "CHECK001")
    # The exact line `go mod tidy` adds, hash included, computed from the bundled zip.
    assert (
        "github.com/google/uuid v1.6.0 h1:NIvaJDMOsjHA8n1jAhLSgzrAzy1Hgr+hNrb57e+94F0="
        in missing["evidence"][0]
    )
    extra = next(f for f in findings if f["rule"] == "CHECK002")
    assert extra["line"] == 4
    indirect = next(f for f in findings if f["rule"] == "CHECK011")
    assert indirect["line"] == 10 and "github.com/pkg/errors" in indirect["message"]


def test_the_clean_example_passes(offline_env: dict[str, str]) -> None:
    r = run_cli("check", str(EXAMPLES / "clean-project"), env=offline_env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no findings" in r.stdout


def test_a_go_mod_file_that_is_not_available_fails_closed_naming_it(
    tmp_path: Path, offline_env: dict[str, str]
) -> None:
    proj = _copy_example("clean-project", tmp_path)
    shutil.rmtree(tmp_path / "examples" / "proxy" / "golang.org")
    r = run_cli("check", str(proj), env=offline_env)
    assert r.returncode == 3
    assert "golang.org/x/sync@v0.8.0" in r.stderr


def test_a_malformed_go_mod_exits_2_with_its_line(
    tmp_path: Path, offline_env: dict[str, str]
) -> None:
    proj = _copy_example("clean-project", tmp_path)
    (proj / "go.mod").write_text("module example.com/clean\n\ngo 1.22\n\nrequir x v1.0.0\n")
    r = run_cli("check", str(proj), env=offline_env)
    assert r.returncode == 2
    assert "go.mod:5" in r.stderr


def test_a_replace_to_a_missing_directory_is_reported_like_the_go_command(
    tmp_path: Path, offline_env: dict[str, str]
) -> None:
    proj = _copy_example("clean-project", tmp_path)
    with (proj / "go.mod").open("a") as f:
        f.write("\nreplace github.com/google/uuid => ../uuid\n")
    r = run_cli("check", str(proj), "--format", "json", env=offline_env)
    assert r.returncode == 1
    found = json.loads(r.stdout)["findings"]
    assert [f["message"] for f in found if f["rule"] == "CHECK020"] == [
        "replacement directory ../uuid does not exist"
    ]


def test_policy_can_forbid_local_replaces(tmp_path: Path, offline_env: dict[str, str]) -> None:
    proj = _copy_example("clean-project", tmp_path)
    shutil.copytree(proj, tmp_path / "uuid-fork")
    (tmp_path / "uuid-fork" / "go.mod").write_text("module github.com/google/uuid\n")
    with (proj / "go.mod").open("a") as f:
        f.write("\nreplace github.com/google/uuid => ../../uuid-fork\n")
    (proj / "gomodcheck.toml").write_text(
        '[check]\nproxy_dirs = ["../proxy"]\nforbid_local_replace = true\n'
    )
    r = run_cli("check", str(proj), "--format", "json", env=offline_env)
    assert "CHECK021" in _rules(r.stdout)


def test_go_lines_newer_than_the_ci_go_version_are_reported(offline_env: dict[str, str]) -> None:
    r = run_cli(
        "check",
        str(EXAMPLES / "clean-project"),
        "--go-version",
        "1.21.5",
        "--format",
        "json",
        env=offline_env,
    )
    assert r.returncode == 1
    found = json.loads(r.stdout)["findings"]
    assert found[0]["rule"] == "CHECK030"
    assert "go.mod requires go >= 1.22 (running go 1.21.5" in found[0]["message"]
    ok = run_cli(
        "check", str(EXAMPLES / "clean-project"), "--go-version", "1.22.0", env=offline_env
    )
    assert ok.returncode == 0


def test_an_inline_suppression_needs_a_reason(tmp_path: Path, offline_env: dict[str, str]) -> None:
    proj = _copy_example("broken-project", tmp_path)
    text = (
        (proj / "go.mod")
        .read_text()
        .replace(
            "require github.com/pkg/errors",
            "// gomodcheck:ignore CHECK011 kept until the errors refactor lands\nrequire github.com/pkg/errors",
        )
    )
    (proj / "go.mod").write_text(text)
    r = run_cli("check", str(proj), "--format", "json", env=offline_env)
    assert _rules(r.stdout) == ["CHECK001", "CHECK002"]
    (proj / "go.mod").write_text(text.replace(" kept until the errors refactor lands", ""))
    r = run_cli("check", str(proj), "--format", "json", env=offline_env)
    assert "CHECK090" in _rules(r.stdout) and "CHECK011" in _rules(r.stdout)


def test_merge_conflict_markers_in_go_sum_are_reported_at_their_line(
    tmp_path: Path, offline_env: dict[str, str]
) -> None:
    proj = _copy_example("clean-project", tmp_path)
    lines = (proj / "go.sum").read_text().splitlines(keepends=True)
    (proj / "go.sum").write_text(
        "".join(["<<<<<<< HEAD\n", *lines[:3], "=======\n", *lines[3:], ">>>>>>> branch\n"])
    )
    r = run_cli("check", str(proj), "--format", "json", env=offline_env)
    assert r.returncode == 1
    conflict = [f for f in json.loads(r.stdout)["findings"] if f["rule"] == "CHECK003"]
    assert sorted(f["line"] for f in conflict) == [1, 5, 9]


def test_graph_prints_the_build_list_with_statuses(offline_env: dict[str, str]) -> None:
    r = run_cli("graph", str(EXAMPLES / "broken-project"), "--format", "json", env=offline_env)
    assert r.returncode == 0, r.stderr
    mods = {m["path"]: m for m in json.loads(r.stdout)["modules"]}
    assert mods["example.com/broken"]["status"] == ["main"]
    assert mods["github.com/pkg/errors"]["status"] == ["indirect"]
    assert mods["github.com/google/uuid"]["status"] == ["direct"]
    env = {**offline_env, "GOPRIVATE": "github.com/google"}
    dot = run_cli("graph", str(EXAMPLES / "broken-project"), "--format", "dot", env=env)
    assert (
        '"github.com/google/uuid@v1.6.0" [label="github.com/google/uuid@v1.6.0\\ndirect, private"]'
        in dot.stdout
    )
    mermaid = run_cli(
        "graph", str(EXAMPLES / "broken-project"), "--format", "mermaid", env=offline_env
    )
    assert mermaid.stdout.startswith("graph LR\n")
