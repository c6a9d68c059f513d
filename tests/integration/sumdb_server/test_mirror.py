"""`sumdb serve --mirror`: gomodcheck.mirror's verifying mirror mounted at /sumdb/<name>/ next to a
private database in one server. The go command reaches both (the mirror through GOPROXY, the
private database as GOSUMDB), the mirror keeps answering from its verified store when the upstream
is gone, and a forked upstream is reported on /healthz ("degraded", with the proof) while the
mirror keeps serving its last verified state."""

from __future__ import annotations

import contextlib
import json
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from gomodcheck import note, tlog
from tests.integration.sumdb_server import fixtures

pytestmark = pytest.mark.oracle
NAME = "sumdb.corp.example.com"
OWN = "sumdb.own.example.com"


def _go(go_bin: str, tmp: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    app = fixtures.write_app(tmp / "app")
    return subprocess.run(
        [go_bin, "mod", "download", "all"],
        cwd=app,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _go_via_mirror(
    go_bin: str, tmp: Path, vkey: str, mirror: str, proxy_dir: Path
) -> subprocess.CompletedProcess[str]:
    env = fixtures.go_env(tmp, vkey, "unused", proxy_dir)
    # No URL in GOSUMDB: the go command asks the first proxy for /sumdb/<name>/supported.
    env["GOSUMDB"] = vkey
    env["GOPROXY"] = f"{mirror},{proxy_dir.as_uri()}"
    return _go(go_bin, tmp, env)


def _alerts(log: Path) -> list[dict[str, Any]]:
    """The mirror's alert lines (JSON error records whose message is the alert, as JSON)."""
    found = []
    for line in log.read_text().splitlines():
        with contextlib.suppress(ValueError, KeyError, TypeError):
            doc = json.loads(line)
            inner = json.loads(doc["msg"]) if doc.get("level") == "error" else None
            if isinstance(inner, dict) and "alert" in inner:
                found.append(inner)
    return found


def test_go_uses_the_private_database_and_the_mirror_of_one_server_and_the_mirror_outlives_its_upstream(
    go_bin: str, tmp_path: Path, proxy_dir: Path, signer: tuple[Path, str]
) -> None:
    key_file, vkey = signer
    own_key, own_vkey = fixtures.keygen(OWN, tmp_path / "own-keys")
    state = tmp_path / "mirror.sqlite3"
    upstream = fixtures.start_server(
        key_file, tmp_path / "log.db", tmp_path / "up.log", upstream=proxy_dir.as_uri()
    )
    mirror_args = ("--mirror", f"{vkey} {upstream.url}", "--mirror-state", str(state))
    log = tmp_path / "server.log"
    with contextlib.ExitStack() as stack:
        stack.callback(upstream.stop)
        server = stack.enter_context(
            fixtures.running_server(
                own_key, tmp_path / "own.db", log, upstream=proxy_dir.as_uri(), extra=mirror_args
            )
        )
        # Through the mirror (GOPROXY's /sumdb/ support) ...
        first = _go_via_mirror(go_bin, tmp_path / "a", vkey, server.url, proxy_dir)
        assert first.returncode == 0, first.stderr + log.read_text()[-3000:]
        assert f"/sumdb/{NAME}/lookup/" in log.read_text()
        # ... and the same server's own private database as GOSUMDB: the same go.sum.
        private = _go(
            go_bin, tmp_path / "p", fixtures.go_env(tmp_path / "p", own_vkey, server.url, proxy_dir)
        )
        assert private.returncode == 0, private.stderr + log.read_text()[-3000:]
        go_sum = (tmp_path / "a" / "app" / "go.sum").read_text()
        assert (tmp_path / "p" / "app" / "go.sum").read_text() == go_sum
        # What the mirror passes on is the record the database signed.
        status, body = server.get(f"/sumdb/{NAME}/lookup/corp.example.com/greet@v1.0.0")
        assert status == 200
        upstream_body = upstream.get("/lookup/corp.example.com/greet@v1.0.0")[1]
        assert tlog.parse_record(body)[:2] == tlog.parse_record(upstream_body)[:2]
        upstream.stop()
        # Upstream gone: a new machine still verifies everything through the mirror's store.
        second = _go_via_mirror(go_bin, tmp_path / "b", vkey, server.url, proxy_dir)
        assert second.returncode == 0, second.stderr
        assert (tmp_path / "b" / "app" / "go.sum").read_text() == go_sum
        status, latest = server.get(f"/sumdb/{NAME}/latest")
        assert status == 200
        assert note.open_note(latest, [note.parse_verifier_key(vkey)])
        # A module never looked up cannot be vouched for while the upstream is down.
        assert server.get(f"/sumdb/{NAME}/lookup/corp.example.com/other@v1.0.0")[0] in (502, 503)
        health = json.loads(server.get("/healthz")[1])
        assert health["status"] == "ok" and health["tree_size"] == 2
        assert health["mirrors"][NAME]["tree_size"] == 2


def test_a_forked_upstream_is_reported_and_the_mirror_keeps_its_verified_state(
    tmp_path: Path, proxy_dir: Path, signer: tuple[Path, str]
) -> None:
    key_file, vkey = signer
    port = fixtures.free_port()
    honest = fixtures.start_server(
        key_file,
        tmp_path / "honest.db",
        tmp_path / "up.log",
        upstream=proxy_dir.as_uri(),
        port=port,
    )
    mirror_args = (
        "--mirror",
        f"{vkey} {honest.url}",
        "--mirror-state",
        str(tmp_path / "m.sqlite3"),
        "--mirror-refresh",
        "0.2",
    )
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
        liar = fixtures.start_server(
            key_file,
            tmp_path / "liar.db",
            tmp_path / "up.log",
            upstream=proxy_dir.as_uri(),
            port=port,
        )
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
        alert = health["mirrors"][NAME]["last_alert"]
        assert alert["alert"] == "fork"
        assert "not an extension" in alert["message"]
        # The proof: both signed tree heads (ours and the forked one).
        assert "\n".join(alert["evidence"]).count("\u2014 sumdb.corp.example.com ") >= 2
    logged = _alerts(tmp_path / "mirror.log")
    assert logged and logged[0]["alert"] == "fork"
