"""kill -9 during a burst of additions loses nothing that was answered, and the log only grows
with every later tree head provably consistent with every earlier one."""

from __future__ import annotations

import http.client
import random
import signal
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from gomodcheck import note, tlog
from tests.integration.sumdb_server import fixtures

BURST = "corp.example.com/burst"
VERSIONS = [f"v1.0.{i}" for i in range(120)]


class HttpTiles:
    """A tlog TileReader over the server's /tile/ endpoint (no caching)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def height(self) -> int:
        return 8

    def read_tiles(self, tiles: Sequence[tlog.Tile], /) -> list[bytes]:
        out = []
        for t in tiles:
            with urllib.request.urlopen(f"{self.url}/{t.path()}", timeout=30) as resp:
                out.append(resp.read())
        return out

    def save_tiles(self, tiles: Sequence[tlog.Tile], data: Sequence[bytes], /) -> None:
        return None


class Burst:
    """Parallel lookups of new versions; counts answers so the kill lands mid-burst."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.answers = 0
        self.lock = threading.Lock()

    def lookup(self, version: str) -> tuple[str, bytes] | None:
        try:
            with urllib.request.urlopen(f"{self.url}/lookup/{BURST}@{version}", timeout=30) as resp:
                body: bytes = resp.read()
        except (OSError, http.client.HTTPException):
            # Killed before or while answering: not answered.
            return None
        with self.lock:
            self.answers += 1
        return version, body


def _kill_after(server: fixtures.RunningServer, burst: Burst, answers: int) -> None:
    deadline = time.monotonic() + 20
    while burst.answers < answers and time.monotonic() < deadline:
        time.sleep(0.001)
    server.proc.send_signal(signal.SIGKILL)


def _split(body: bytes) -> tuple[int, bytes, bytes]:
    record_id, text, signed = tlog.parse_record(body)
    return record_id, text, signed


def test_kill_9_during_burst_loses_no_answered_record_and_tree_only_grows(tmp_path: Path) -> None:
    proxy = fixtures.build_proxy(
        tmp_path / "proxy",
        {(BURST, v): {"go.mod": f"module {BURST}\n", "b.go": f"package burst // {v}\n"} for v in VERSIONS},
    )
    key_file, vkey = fixtures.keygen("sumdb.corp.example.com", tmp_path / "keys")
    verifier = note.parse_verifier_key(vkey)
    db = tmp_path / "log.db"
    answered: dict[str, tuple[int, bytes]] = {}
    heads: list[tlog.Tree] = []
    rng = random.Random(7)
    pending = list(VERSIONS)
    rounds = 0
    interrupted = 0
    deadline = time.monotonic() + 90
    while pending and rounds < 4 and time.monotonic() < deadline:
        rounds += 1
        srv = fixtures.start_server(key_file, db, tmp_path / "server.log", upstream=proxy.as_uri(), lifetime=60)
        batch, pending = pending[:40], pending[40:]
        burst = Burst(srv.url)
        killer = threading.Thread(target=_kill_after, args=(srv, burst, rng.randint(3, 20)))
        killer.start()
        try:
            with ThreadPoolExecutor(max_workers=16) as pool:
                results = list(pool.map(burst.lookup, batch))
        finally:
            killer.join()
            srv.stop(signal.SIGKILL)
        for got in results:
            if got is None:
                continue
            version, body = got
            record_id, text, signed = _split(body)
            opened = note.open_note(signed, [verifier])
            heads.append(tlog.parse_tree(opened.text.encode()))
            answered[version] = (record_id, text)
        # Versions not answered are retried next round (they may or may not have been added).
        lost = [v for v, r in zip(batch, results, strict=True) if r is None]
        interrupted += bool(lost)
        pending += lost

    assert answered, "no lookup was answered before the kill; the burst did not run"
    with fixtures.running_server(key_file, db, tmp_path / "server.log", upstream=proxy.as_uri()) as srv:
        status, latest_body = srv.get("/latest")
        assert status == 200
        latest = tlog.parse_tree(note.open_note(latest_body, [verifier]).text.encode())
        for version, (record_id, text) in answered.items():
            status, body = srv.get(f"/lookup/{BURST}@{version}")
            assert status == 200, (version, body)
            assert _split(body)[:2] == (record_id, text), f"{version} changed after restart"
        reader = tlog.TileHashReader(latest, HttpTiles(srv.url))
        for old in heads:
            assert old.n <= latest.n, "the tree shrank"
            proof = tlog.prove_tree(latest.n, old.n, reader)
            tlog.check_tree(proof, latest.n, latest.hash, old.n, old.hash)
    assert rounds >= 2
    assert interrupted >= 1, "the kill never interrupted a burst; the test proved nothing"
