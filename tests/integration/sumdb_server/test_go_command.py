"""The real go command uses our checksum database: downloads verify, go.sum lines match our log,
and a log or module that changed after the fact is caught by the go command itself."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.integration.sumdb_server import fixtures

pytestmark = pytest.mark.oracle


def _go(go_bin: str, args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [go_bin, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def _records(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT data FROM records").fetchall()
    return {line for (data,) in rows for line in bytes(data).decode().splitlines()}


def test_go_build_through_private_sumdb_writes_the_go_sum_lines_our_log_holds(
    go_bin: str, tmp_path: Path, proxy_dir: Path, signer: tuple[Path, str]
) -> None:
    key_file, vkey = signer
    db = tmp_path / "log.db"
    with fixtures.running_server(key_file, db, tmp_path / "server.log", upstream=proxy_dir.as_uri()) as srv:
        app = fixtures.write_app(tmp_path / "app")
        env = fixtures.go_env(tmp_path, vkey, srv.url, proxy_dir)
        built = _go(go_bin, ["build", "-o", str(tmp_path / "app.bin"), "."], app, env)
        assert built.returncode == 0, built.stderr
        run = subprocess.run([str(tmp_path / "app.bin")], capture_output=True, text=True, check=True)
        assert run.stdout == "hello, gopher\n"
        status, latest = srv.get("/latest")
        assert status == 200
    go_sum = set((app / "go.sum").read_text().splitlines())
    assert len(go_sum) == 4
    assert go_sum == _records(db)
    # The go command kept our signed tree head as the latest it has verified.
    kept = (tmp_path / "gopath" / "pkg" / "sumdb" / "sumdb.corp.example.com" / "latest").read_bytes()
    assert kept == latest


def test_go_mod_download_fails_when_a_record_was_changed_in_the_database(
    go_bin: str, tmp_path: Path, proxy_dir: Path, signer: tuple[Path, str]
) -> None:
    key_file, vkey = signer
    db = tmp_path / "log.db"
    with fixtures.running_server(key_file, db, tmp_path / "server.log", upstream=proxy_dir.as_uri()) as srv:
        app = fixtures.write_app(tmp_path / "a" / "app")
        first = _go(go_bin, ["mod", "download", fixtures.GREET], app, fixtures.go_env(tmp_path / "a", vkey, srv.url, proxy_dir))
        assert first.returncode == 0, first.stderr
    # An attacker with write access to the database rewrites the record's hash.
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TRIGGER records_append_only")
        (data,) = conn.execute("SELECT data FROM records WHERE path = ?", (fixtures.GREET,)).fetchone()
        forged = bytes(data).replace(b"h1:", b"h1:X", 1)
        conn.execute("UPDATE records SET data = ? WHERE path = ?", (forged, fixtures.GREET))
    with fixtures.running_server(key_file, db, tmp_path / "server.log", upstream=proxy_dir.as_uri()) as srv:
        # A fresh machine: no go.sum line, no module cache, no remembered tree head.
        app = fixtures.write_app(tmp_path / "b" / "app")
        second = _go(go_bin, ["mod", "download", fixtures.GREET], app, fixtures.go_env(tmp_path / "b", vkey, srv.url, proxy_dir))
    assert second.returncode != 0
    assert "verifying" in second.stderr, second.stderr
    assert "cannot authenticate record data in server response" in second.stderr


def test_go_reports_security_error_when_the_module_changed_after_it_was_recorded(
    go_bin: str, tmp_path: Path, proxy_dir: Path, signer: tuple[Path, str]
) -> None:
    key_file, vkey = signer
    db = tmp_path / "log.db"
    with fixtures.running_server(key_file, db, tmp_path / "server.log", upstream=proxy_dir.as_uri()) as srv:
        app = fixtures.write_app(tmp_path / "a" / "app")
        first = _go(go_bin, ["mod", "download", fixtures.GREET], app, fixtures.go_env(tmp_path / "a", vkey, srv.url, proxy_dir))
        assert first.returncode == 0, first.stderr
        # The tag is moved: same version, different content.
        files = dict(fixtures.FIXTURE_MODULES[(fixtures.GREET, "v1.0.0")])
        files["greet.go"] += "\n// retagged\n"
        fixtures.write_module(proxy_dir, fixtures.GREET, "v1.0.0", files)
        app = fixtures.write_app(tmp_path / "b" / "app")
        second = _go(go_bin, ["mod", "download", fixtures.GREET], app, fixtures.go_env(tmp_path / "b", vkey, srv.url, proxy_dir))
    assert second.returncode != 0
    assert "SECURITY ERROR" in second.stderr, second.stderr
    assert "checksum mismatch" in second.stderr
    assert "does NOT match the one reported by the checksum server" in second.stderr


def test_gosumcheck_accepts_our_answers_for_a_go_sum(
    gosumcheck_bin: Path, go_bin: str, tmp_path: Path, proxy_dir: Path, signer: tuple[Path, str]
) -> None:
    key_file, vkey = signer
    db = tmp_path / "log.db"
    with fixtures.running_server(key_file, db, tmp_path / "server.log", upstream=proxy_dir.as_uri()) as srv:
        app = fixtures.write_app(tmp_path / "app")
        built = _go(go_bin, ["mod", "download", "all"], app, fixtures.go_env(tmp_path, vkey, srv.url, proxy_dir))
        assert built.returncode == 0, built.stderr
        assert (app / "go.sum").exists()
        # A line our log disagrees with, to show gosumcheck really compares.
        bad = tmp_path / "bad.sum"
        bad.write_text((app / "go.sum").read_text().replace("h1:T", "h1:Q", 1))
        env = fixtures.go_env(tmp_path, vkey, srv.url, proxy_dir)
        good = subprocess.run([str(gosumcheck_bin), "-k", vkey, "-u", srv.url, str(app / "go.sum")],
                              env=env, capture_output=True, text=True, timeout=120, check=False)
        wrong = subprocess.run([str(gosumcheck_bin), "-k", vkey, "-u", srv.url, str(bad)],
                               env=env, capture_output=True, text=True, timeout=120, check=False)
    assert good.returncode == 0, good.stderr
    assert good.stdout + good.stderr == ""
    assert "mismatch" in wrong.stdout + wrong.stderr
