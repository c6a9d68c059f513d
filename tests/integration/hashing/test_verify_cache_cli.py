"""`gomodcheck verify --cache` as a CI job runs it: exit codes, formats and bad input."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli
from tests.unit.hashing import fakecache


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        "GOMODCACHE": str(tmp_path / "modcache"),
        "GOMODCHECK_STATE_DIR": str(tmp_path / "state"),
    }


def test_clean_cache_exits_0(tmp_path: Path) -> None:
    _, project, _ = fakecache.build(tmp_path)
    proc = run_cli("verify", "--cache", str(project), env=_env(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "modules verified: 2" in proc.stdout


def test_tampered_cache_exits_1_and_names_the_file_in_every_format(tmp_path: Path) -> None:
    cache, project, mods = fakecache.build(tmp_path)
    (cache.extracted_dir(mods["a"]) / "sub" / "b.go").write_text("package evil\n")
    text = run_cli("verify", "--cache", str(project), env=_env(tmp_path))
    assert text.returncode == 1
    assert "changed: sub/b.go" in text.stdout
    assert f"{project / 'go.sum'}:1" in text.stdout
    doc = json.loads(
        run_cli("verify", "--cache", "--format", "json", str(project), env=_env(tmp_path)).stdout
    )
    assert [f["rule"] for f in doc["findings"]] == ["CACHE002"]
    sarif = json.loads(
        run_cli("verify", "--cache", "--format", "sarif", str(project), env=_env(tmp_path)).stdout
    )
    results = sarif["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["CACHE002"]
    github = run_cli("verify", "--cache", "--format", "github", str(project), env=_env(tmp_path))
    assert github.stdout.startswith("::error")


def test_malformed_go_sum_exits_2_naming_the_line(tmp_path: Path) -> None:
    _, project, _ = fakecache.build(tmp_path)
    (project / "go.sum").write_text("example.com/a v1.0.0\n")
    proc = run_cli("verify", "--cache", str(project), env=_env(tmp_path))
    assert proc.returncode == 2
    assert "go.sum:1" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_missing_go_sum_or_cache_exits_2(tmp_path: Path) -> None:
    _, project, _ = fakecache.build(tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = run_cli("verify", "--cache", str(empty), env=_env(tmp_path))
    assert proc.returncode == 2
    assert "no go.sum" in proc.stderr
    env = {**_env(tmp_path), "GOMODCACHE": str(tmp_path / "nowhere")}
    proc = run_cli("verify", "--cache", str(project), env=env)
    assert proc.returncode == 2
    assert "does not exist" in proc.stderr
