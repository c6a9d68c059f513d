"""The mirror's HTTP surface: both mounts answer the same proved bytes, /supported only for its
own database, module downloads get 404 (so the go command moves to the next GOPROXY entry), and
`sumdb serve`'s /sumdb/<name>/ mount answers exactly as the standalone mirror does."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest

from gomodcheck.mirror.alerts import AlertLog
from gomodcheck.mirror.app import AccessLog, build_app
from gomodcheck.mirror.service import Mirror, MirrorSettings, open_store
from gomodcheck.server.app import SumdbApp
from tests.unit.sumdb_mirror.fakelog import NAME, VKEY, XTEXT_RECORD, FakeLog, LogRemote, filler


class AsgiClient:
    """Requests straight into the ASGI app (no socket), one event loop per request."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def _request(self, method: str, path: str) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app, client=("127.0.0.1", 5000))
            async with httpx.AsyncClient(transport=transport, base_url="http://mirror") as c:
                return await c.request(method, path)

        return asyncio.run(go())

    def get(self, path: str) -> httpx.Response:
        return self._request("GET", path)

    def post(self, path: str) -> httpx.Response:
        return self._request("POST", path)


@pytest.fixture
def served(tmp_path: Path) -> tuple[AsgiClient, FakeLog, LogRemote]:
    log = FakeLog([filler(i) for i in range(300)] + [XTEXT_RECORD])
    remote = LogRemote(log)
    db = tmp_path / "m.db"
    mirror = Mirror(MirrorSettings(VKEY, latest_interval=0), open_store(db), remote, AlertLog(db))
    return AsgiClient(AccessLog(build_app(mirror))), log, remote


def test_both_mounts_serve_the_same_proved_answers(
    served: tuple[AsgiClient, FakeLog, LogRemote],
) -> None:
    client, log, _ = served
    for path in ("/latest", "/lookup/golang.org/x/text@v0.14.0", "/tile/8/0/001.p/45"):
        direct = client.get(path)
        mounted = client.get(f"/sumdb/{NAME}{path}")
        assert direct.status_code == mounted.status_code == 200
        assert direct.content == mounted.content == log.answer(path)


def test_supported_answers_only_for_the_mirrored_database(
    served: tuple[AsgiClient, FakeLog, LogRemote],
) -> None:
    client, _, _ = served
    assert client.get(f"/sumdb/{NAME}/supported").status_code == 200
    assert client.get("/sumdb/sum.golang.org/supported").status_code == 404
    assert client.get("/sumdb/sum.golang.org/latest").status_code == 404


def test_module_downloads_get_404_so_the_go_command_tries_the_next_proxy(
    served: tuple[AsgiClient, FakeLog, LogRemote],
) -> None:
    client, _, remote = served
    assert client.get("/golang.org/x/text/@v/v0.14.0.zip").status_code == 404
    assert remote.paths == []


def test_errors_map_to_statuses_and_lies_are_never_passed_on(
    served: tuple[AsgiClient, FakeLog, LogRemote],
) -> None:
    client, _, remote = served
    assert client.get("/lookup/not-a-module").status_code == 400
    assert client.get("/tile/8/0/x").status_code == 400
    assert client.get("/lookup/example.com/absent@v1.0.0").status_code == 404
    assert client.post("/latest").status_code == 405
    client.get("/latest")
    remote.tamper = lambda path, body: body.replace(b"filler3 ", b"filler9 ")
    bad = client.get("/lookup/example.com/filler3@v1.0.3")
    assert bad.status_code == 502 and b"filler9" not in bad.content
    remote.down = True
    assert client.get("/lookup/example.com/filler4@v1.0.4").status_code == 502
    health = client.get("/healthz").json()
    assert health["tree_size"] == 301 and health["alerts"] == 1


def test_access_log_has_one_json_line_per_request(
    served: tuple[AsgiClient, FakeLog, LogRemote], caplog: pytest.LogCaptureFixture
) -> None:
    client, _, _ = served
    with caplog.at_level(logging.INFO, logger="gomodcheck.mirror.access"):
        client.get(f"/sumdb/{NAME}/supported")
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name.endswith(".access")]
    assert lines == [lines[0]]
    assert lines[0]["path"] == f"/sumdb/{NAME}/supported" and lines[0]["status"] == 200


def _no_sign(text: bytes) -> bytes:
    raise AssertionError("no private database here")


def _sumdb_serve(standalone: AsgiClient) -> AsgiClient:
    """`sumdb serve --mirror` in process: E's app with the standalone app's mirror mounted."""
    mirror = standalone.app.app.mirror
    return AsgiClient(SumdbApp(None, "", _no_sign, "", mirrors=[mirror], access_log=False))


def test_sumdb_serve_mount_answers_byte_for_byte_as_the_standalone_mirror(
    served: tuple[AsgiClient, FakeLog, LogRemote],
) -> None:
    standalone, _, _ = served
    serve = _sumdb_serve(standalone)
    paths = (
        "/supported",
        "/latest",
        "/lookup/golang.org/x/text@v0.14.0",
        "/tile/8/0/001.p/45",
        "/tile/8/data/000",
        "/lookup/not-a-module",
        "/lookup/example.com/absent@v1.0.0",
        "/tile/4/0/000",
    )
    for path in paths:
        ours, theirs = serve.get(f"/sumdb/{NAME}{path}"), standalone.get(f"/sumdb/{NAME}{path}")
        assert (ours.status_code, ours.content) == (theirs.status_code, theirs.content), path
        assert ours.headers["content-type"] == theirs.headers["content-type"], path
        assert ours.headers["cache-control"] == theirs.headers["cache-control"], path
    assert serve.get("/sumdb/sum.golang.org/latest").status_code == 404


def test_a_fork_turns_sumdb_serve_healthz_degraded_with_the_proof(
    served: tuple[AsgiClient, FakeLog, LogRemote],
) -> None:
    standalone, honest, remote = served
    serve = _sumdb_serve(standalone)
    verified = serve.get(f"/sumdb/{NAME}/latest").content
    assert verified == honest.note()
    assert serve.get("/healthz").json()["status"] == "ok"
    remote.log = FakeLog(
        [filler(i, "fork" if i == 7 else "") for i in range(300)] + [XTEXT_RECORD, filler(500)]
    )
    assert serve.get(f"/sumdb/{NAME}/latest").content == verified
    health = serve.get("/healthz").json()
    assert health["status"] == "degraded"
    state = health["mirrors"][NAME]
    assert state["tree_size"] == 301 and state["alerts"] == 1
    assert state["last_alert"]["alert"] == "fork"
    assert "not an extension" in state["last_alert"]["message"]
    evidence = "\n".join(state["last_alert"]["evidence"])
    assert "301" in evidence and "302" in evidence  # both signed tree heads
    # The standalone mirror says the same.
    assert standalone.get("/healthz").json()["status"] == "degraded"
