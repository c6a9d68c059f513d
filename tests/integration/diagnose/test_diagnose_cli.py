"""`gomodcheck diagnose` as a user runs it: files, stdin, --run, formats and exit codes."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.conftest import run_cli

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "diagnose"


def test_a_failing_log_exits_1_with_cause_evidence_and_fix_in_json() -> None:
    res = run_cli(
        "diagnose", str(ASSETS / "real" / "ergo-2154.log"), "--format", "json", "--dir", str(ASSETS)
    )
    assert res.returncode == 1, res.stderr
    finding = json.loads(res.stdout)["findings"][0]
    assert finding["rule"] == "diagnose/toolchain"
    assert finding["properties"]["cause"] == "language-version-not-toolchain"
    assert "go mod edit -go=1.22.0" in finding["fix_commands"]
    assert finding["line"] == 1


def test_a_clean_log_read_from_stdin_exits_0() -> None:
    res = run_cli("diagnose", "-", stdin=(ASSETS / "clean" / "race-detector.log").read_text())
    assert res.returncode == 0, res.stdout + res.stderr


def test_an_unreadable_log_exits_2() -> None:
    res = run_cli("diagnose", str(ASSETS / "no-such.log"))
    assert res.returncode == 2
    assert "no-such.log" in res.stderr


@pytest.mark.parametrize("fmt", ["text", "sarif", "github", "junit", "markdown"])
def test_every_report_format_renders_a_diagnosis(fmt: str) -> None:
    res = run_cli("diagnose", str(ASSETS / "generated" / "sumdb_zip.plain.log"), "--format", fmt)
    assert res.returncode == 1, res.stderr
    assert "sumdb-mismatch" in res.stdout


def test_run_streams_the_command_output_and_diagnoses_it() -> None:
    script = (
        "import sys; print('go: downloading example.com/lib v1.0.0');"
        "print('go: updates to go.mod needed; to update it:\\n\\tgo mod tidy', file=sys.stderr); sys.exit(1)"
    )
    res = run_cli("diagnose", "--format", "json", "--run", "--", sys.executable, "-c", script)
    assert res.returncode == 1
    assert "go: downloading example.com/lib v1.0.0" in res.stderr  # passed through
    assert json.loads(res.stdout)["findings"][0]["properties"]["family"] == "updates-needed"


def test_run_of_a_successful_command_exits_0_and_a_failing_unrelated_one_exits_1() -> None:
    ok = run_cli("diagnose", "--run", "--", sys.executable, "-c", "print('ok')")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    bad = run_cli(
        "diagnose", "--run", "--", sys.executable, "-c", "import sys; print('FAIL x'); sys.exit(3)"
    )
    assert bad.returncode == 1
    assert "exited 3" in bad.stderr


def test_run_without_a_command_is_a_usage_error() -> None:
    assert run_cli("diagnose", "--run").returncode == 2


def test_dir_confirms_against_the_checked_out_repository(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module x\n\ngo 1.22\n")
    (tmp_path / "go.sum").write_text("a.io/m v1.0.0 h1:A=\n<<<<<<< HEAD\n")
    res = run_cli(
        "diagnose",
        str(ASSETS / "real" / "urlfinder-96.log"),
        "--dir",
        str(tmp_path),
        "--format",
        "json",
    )
    finding = json.loads(res.stdout)["findings"][0]
    assert finding["properties"]["cause"] == "merge-conflict"


@pytest.mark.realworld
def test_online_asks_the_verified_checksum_database_which_hash_is_right() -> None:
    # golang/go-style report (taosdata/taosadapter#62): go.sum agrees with sum.golang.org.
    res = run_cli(
        "diagnose", str(ASSETS / "real" / "taosadapter-62.log"), "--online", "--format", "json"
    )
    finding = json.loads(res.stdout)["findings"][0]
    assert finding["properties"]["cause"] == "download-wrong", res.stdout
    assert finding["confidence"] == "high"
