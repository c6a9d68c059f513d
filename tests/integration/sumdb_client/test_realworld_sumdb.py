"""A real go.sum verified against the real sum.golang.org, reached through proxy.golang.org."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import zipfile
from pathlib import Path

import pytest

from gomodcheck.sumdb import SqliteState
from gomodcheck.tlog import parse_tree
from tests.conftest import ASSETS, run_cli

SUMDB_ASSETS = ASSETS / "sumdb"
# A pseudo-version of a real repository at a commit that cannot exist (all zeros): the real
# database answers 404, and the go command agrees (test_go_command_agrees_...). A go.sum line for
# it is what a private fork or an unpublished commit looks like to the database.
NOT_IN_DB = "github.com/spf13/cobra"
NOT_IN_DB_VERSION = "v0.0.0-20000101000000-000000000000"


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
    lines.append(f"{NOT_IN_DB} {NOT_IN_DB_VERSION}/go.mod h1:{'D' * 43}=")
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
    missing = [f for f in report["findings"] if f["rule"] == "SUMDB003"]
    assert [f["line"] for f in missing] == [len(lines)]
    assert NOT_IN_DB_VERSION in missing[0]["message"]
    assert summary["verified"] == len(lines) - 2
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
def test_go_command_agrees_the_unpublished_version_is_not_in_the_database(
    tmp_path: Path, go_bin: str
) -> None:
    # Serve the version from a local file:// proxy, so that the go command gets as far as asking
    # the real database about it (through proxy.golang.org, as we do).
    version = NOT_IN_DB_VERSION
    at_v = tmp_path / "proxy" / NOT_IN_DB / "@v"
    at_v.mkdir(parents=True)
    gomod = f"module {NOT_IN_DB}\n"
    (at_v / f"{version}.info").write_text(json.dumps({"Version": version}))
    (at_v / f"{version}.mod").write_text(gomod)
    with zipfile.ZipFile(at_v / f"{version}.zip", "w") as z:
        z.writestr(f"{NOT_IN_DB}@{version}/go.mod", gomod)
    env = {
        "HOME": str(tmp_path),
        "PATH": str(Path(go_bin).parent),
        "GOMODCACHE": str(tmp_path / "modcache"),
        "GOPROXY": f"file://{tmp_path / 'proxy'}",
        "GOSUMDB": "sum.golang.org https://proxy.golang.org/sumdb/sum.golang.org",
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
    assert res.returncode != 0
    lookup = f"sumdb/sum.golang.org/lookup/{NOT_IN_DB}@{version}"
    assert lookup in res.stdout and "404 Not Found" in res.stdout, res.stdout


@pytest.mark.realworld
def test_every_real_checkpoint_is_proved_a_prefix_of_todays_tree() -> None:
    from gomodcheck.fetcher import HttpFetcher  # noqa: PLC0415
    from gomodcheck.proxy import parse_proxy_list  # noqa: PLC0415
    from gomodcheck.sumdb import Client, HttpRemote, MemoryState, parse_gosumdb  # noqa: PLC0415

    config = parse_gosumdb("sum.golang.org")
    assert config is not None
    with HttpFetcher() as fetcher:
        remote = HttpRemote(config, parse_proxy_list("https://proxy.golang.org"), fetcher)
        client = Client(config.key, remote, MemoryState())
        today = client.refresh()
        notes = sorted(
            p
            for p in SUMDB_ASSETS.glob("checkpoint_*.note")
            if "6353345" not in p.name  # its witness cosignature is broken as published
        )
        assert len(notes) == 7
        for path in notes:
            # Older than today's tree: proved a prefix of it through today's tiles, or a
            # VerificationError/SecurityError would end the test.
            tree = client.accept_tree(path.read_bytes())
            assert 0 < tree.n < today.n
        assert client.latest[0] == today
