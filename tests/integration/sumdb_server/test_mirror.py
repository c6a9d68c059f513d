"""The verifying mirror: the go command reaches a database through it (GOPROXY .../sumdb/<name>),
it keeps answering from its verified cache when the upstream is gone, and a forked upstream is
detected and reported while the mirror keeps serving its last verified state."""

from __future__ import annotations

import contextlib
import json
import subprocess
import time
from pathlib import Path

import pytest

from gomodcheck import note, tlog
from tests.integration.sumdb_server import fixtures

pytestmark = pytest.mark.oracle
NAME = "sumdb.corp.example.com"


def _go_via_mirror(go_bin: str, tmp: Path, vkey: str, mirror: str, proxy_dir: Path) -> subprocess.CompletedProcess[str]:
    env = fixtures.go_env(tmp, vkey, "unused", proxy_dir)
    # No URL in GOSUMDB: the go command asks the first proxy for /sumdb/<name>/supported.
    env["GOSUMDB"] = vkey
    env["GOPROXY"] = f"{mirror},{proxy_dir.as_uri()}"
    app = fixtures.write_app(tmp / "app")
    return subprocess.run([go_bin, "mod", "download", "all"], cwd=app, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def test_go_uses_the_mirror_and_it_serves_from_cache_when_upstream_is_gone(
    go_bin: str, tmp_path: Path, proxy_dir: Path, signer: tuple[Path, str]
) -> None:
    key_file, vkey = signer
    state = tmp_path / "mirror.sqlite3"
    upstream = fixtures.start_server(key_file, tmp_path / "log.db", tmp_path / "up.log",
                                     upstream=proxy_dir.as_uri())
    mirror_args = ("--mirror", f"{vkey} {upstream.url}", "--mirror-state", str(state))
    with contextlib.ExitStack() as stack:
        stack.callback(upstream.stop)
        mirror = stack.enter_context(
            fixtures.running_server(None, None, tmp_path / "mirror.log", extra=mirror_args)
        )
        first = _go_via_mirror(go_bin, tmp_path / "a", vkey, mirror.url, proxy_dir)
        assert first.returncode == 0, first.stderr + (tmp_path / "mirror.log").read_text()[-3000:]
        assert f"/sumdb/{NAME}/lookup/" in (tmp_path / "mirror.log").read_text()
        # What the mirror passes on is byte for byte what the database signed.
        status, body = mirror.get(f"/sumdb/{NAME}/lookup/corp.example.com/greet@v1.0.0")
        assert status == 200
        assert tlog.parse_record(body)[1] == tlog.parse_record(upstream.get("/lookup/corp.example.com/greet@v1.0.0")[1])[1]
        upstream.stop()
        # Upstream gone: a new machine still verifies everything through the mirror's cache.
        second = _go_via_mirror(go_bin, tmp_path / "b", vkey, mirror.url, proxy_dir)
        assert second.returncode == 0, second.stderr
        assert (tmp_path / "b" / "app" / "go.sum").read_text() == (tmp_path / "a" / "app" / "go.sum").read_text()
        status, latest = mirror.get(f"/sumdb/{NAME}/latest")
        assert status == 200
        assert note.open_note(latest, [note.parse_verifier_key(vkey)])
        # A module never looked up cannot be vouched for while the upstream is down.
        assert mirror.get(f"/sumdb/{NAME}/lookup/corp.example.com/other@v1.0.0")[0] == 503


def test_a_forked_upstream_is_reported_and_the_mirror_keeps_its_verified_state(
    tmp_path: Path, proxy_dir: Path, signer: tuple[Path, str]
) -> None:
    key_file, vkey = signer
    port = fixtures.free_port()
    honest = fixtures.start_server(key_file, tmp_path / "honest.db", tmp_path / "up.log",
                                   upstream=proxy_dir.as_uri(), port=port)
    mirror_args = ("--mirror", f"{vkey} {honest.url}", "--mirror-state", str(tmp_path / "m.sqlite3"),
                   "--mirror-refresh", "0.2")
    with contextlib.ExitStack() as stack:
        stack.callback(honest.stop)
        mirror = stack.enter_context(
            fixtures.running_server(None, None, tmp_path / "mirror.log", extra=mirror_args)
        )
        assert mirror.get(f"/sumdb/{NAME}/lookup/corp.example.com/greet@v1.0.0")[0] == 200
        assert mirror.get(f"/sumdb/{NAME}/lookup/corp.example.com/!words@v1.1.0")[0] == 200
        status, before = mirror.get(f"/sumdb/{NAME}/latest")
        assert status == 200
        honest.stop()
        # Same key, another history: the signer (or its key) was compromised, and the log forked.
        liar = fixtures.start_server(key_file, tmp_path / "liar.db", tmp_path / "up.log",
                                     upstream=proxy_dir.as_uri(), port=port)
        try:
            assert liar.get("/lookup/corp.example.com/!words@v1.1.0")[0] == 200
            assert liar.get("/lookup/corp.example.com/greet@v1.0.0")[0] == 200
            time.sleep(0.3)  # past the mirror's refresh interval
            status, after = mirror.get(f"/sumdb/{NAME}/latest")
            # A lookup whose answer comes with the forked tree is refused too.
            refused, _ = mirror.get(f"/sumdb/{NAME}/lookup/corp.example.com/other@v1.9.9")
        finally:
            liar.stop()
        assert status == 200
        assert after == before, "the mirror must keep serving its last verified tree head"
        assert refused in (404, 502)
        health = json.loads(mirror.get("/healthz")[1])
        assert health["status"] == "degraded"
        incident = health["mirrors"][NAME]["security_incident"]
        assert "SECURITY ERROR" in incident
        assert "not an extension" in incident
    log = (tmp_path / "mirror.log").read_text()
    assert "upstream misbehaved" in log
