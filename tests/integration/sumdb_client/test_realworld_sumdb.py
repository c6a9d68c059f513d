"""A real go.sum verified against the real sum.golang.org, reached through proxy.golang.org."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from gomodcheck.sumdb import SqliteState
from gomodcheck.tlog import parse_tree
from tests.conftest import ASSETS, run_cli

SUMDB_ASSETS = ASSETS / "sumdb"
# The real database answers 404 for this fork (a `replace` target); the go command agrees
# (see test_go_command_agrees_the_fork_is_not_in_the_database).
NOT_IN_DB = "github.com/cli/go-internal"


def _env(state: Path) -> dict[str, str]:
    return {
        "GOSUMDB": "sum.golang.org",
        "GOPROXY": "https://proxy.golang.org,direct",
        "GONOSUMDB": "",
        "GOPRIVATE": "",
        "GOFLAGS": "",
        "GOENV": "off",
        "GOMODCHECK_STATE_DIR": str(state),
    }


@pytest.mark.realworld
def test_real_go_sum_verifies_against_sum_golang_org_and_extends_a_2024_checkpoint(
    tmp_path: Path,
) -> None:
    lines = (SUMDB_ASSETS / "cli-cli.go.sum").read_text().splitlines()
    # Tamper with one line: the database must catch it and show both hashes.
    victim = next(i for i, line in enumerate(lines) if line.startswith("github.com/spf13/cobra "))
    path, version, real_hash = lines[victim].split()
    forged = "h1:" + "A" * 43 + "="
    lines[victim] = f"{path} {version} {forged}"
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "go.sum").write_text("\n".join(lines) + "\n")

    # Seed the machine's state with a real 2024 tree head: the current tree must extend it.
    state_dir = tmp_path / "state"
    old = (SUMDB_ASSETS / "checkpoint_63096908.note").read_bytes()
    assert SqliteState(state_dir / "sumdb.sqlite3").write_latest("sum.golang.org", b"", old)

    res = run_cli("verify", "--sumdb", "--format", "json", str(proj), env=_env(state_dir))
    if res.returncode == 3:
        pytest.fail(f"could not reach proxy.golang.org's checksum database: {res.stderr}")
    assert res.returncode == 1, res.stderr
    report = json.loads(res.stdout)
    summary = report["summary"]
    mismatches = [f for f in report["findings"] if f["rule"] == "SUMDB002"]
    assert len(mismatches) == 1
    assert forged in json.dumps(mismatches[0]) and real_hash in json.dumps(mismatches[0])
    missing = {f["properties"]["module"] for f in report["findings"] if f["rule"] == "SUMDB003"}
    assert missing <= {NOT_IN_DB}
    assert summary["verified"] == len(lines) - 1 - summary["not-in-database"]
    assert summary["verified"] > 550

    with sqlite3.connect(state_dir / "sumdb.sqlite3") as conn:
        (note,) = conn.execute("SELECT note FROM sumdb_latest").fetchone()
    assert parse_tree(bytes(note).split(b"\n\n")[0] + b"\n").n > 63096908

    # Warm and offline: the same answers from the verified cache alone.
    offline = run_cli(
        "verify", "--sumdb", "--offline", "--format", "json", str(proj), env=_env(state_dir)
    )
    assert offline.returncode == 1, offline.stderr
    assert json.loads(offline.stdout)["summary"]["verified"] == summary["verified"]


@pytest.mark.realworld
@pytest.mark.oracle
def test_go_command_agrees_the_fork_is_not_in_the_database(tmp_path: Path, go_bin: str) -> None:
    version = "v0.0.0-20241024130215-fa3c22e38b9b"
    env = {
        "HOME": str(tmp_path),
        "PATH": str(Path(go_bin).parent),
        "GOMODCACHE": str(tmp_path / "modcache"),
        "GOPROXY": "https://proxy.golang.org",
        "GOSUMDB": "sum.golang.org",
        "GOFLAGS": "-mod=mod",
        "GOENV": "off",
        "GOTOOLCHAIN": "local",
    }
    res = subprocess.run(
        [go_bin, "mod", "download", "-json", f"{NOT_IN_DB}@{version}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=tmp_path,
    )
    subprocess.run(["chmod", "-R", "u+w", str(tmp_path / "modcache")], check=False)
    assert "sumdb/sum.golang.org/lookup" in res.stdout and "404 Not Found" in res.stdout, res.stdout
