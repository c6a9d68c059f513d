"""Two `sumdb serve` processes with ``reuse_port = true`` share one port and one log: both answer,
a record is added once whoever is asked, each serves the tiles of trees the other signed, and one
keeps serving when the other stops."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from gomodcheck import tlog
from tests.integration.sumdb_server import fixtures

WORDS = "/lookup/corp.example.com/!words@v1.1.0"
GREET = "/lookup/corp.example.com/greet@v1.0.0"


def test_two_processes_share_the_port_and_the_log(
    tmp_path: Path, proxy_dir: Path, signer: tuple[Path, str]
) -> None:
    key_file, _ = signer
    db = tmp_path / "log.db"
    config = tmp_path / "gomodcheck.toml"
    config.write_text("[sumdb.server]\nreuse_port = true\n")
    port = fixtures.free_port()
    extra = ("--config", str(config))
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    servers = [fixtures.start_server(key_file, db, log, upstream=proxy_dir.as_uri(), extra=extra,
                                     port=port) for log in logs]  # fmt: skip
    try:
        deadline = time.monotonic() + 30  # /healthz answered by one says nothing of the other
        while not all("startup complete" in log.read_text() for log in logs):
            assert time.monotonic() < deadline, "both processes should start"
            time.sleep(0.1)
        a = servers[0]  # the same port: the kernel picks a process for each connection
        answers = [a.get(WORDS) for _ in range(20)] + [a.get(GREET) for _ in range(20)]
        assert {status for status, _ in answers} == {200}
        assert len({tlog.parse_record(body)[:2] for _, body in answers}) == 2
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT COUNT(*) FROM records").fetchone()[0] == 2
        for _ in range(20):  # whichever process answers knows the tree of two records
            assert a.get("/tile/8/0/000.p/2")[0] == 200
            assert a.get("/tile/8/data/000.p/2")[0] == 200
        for log in logs:
            assert '"path":"/tile/8/0/000.p/2","status":200' in log.read_text()
        assert servers[1].stop() == 0
        assert all(a.get(path)[0] == 200 for path in (WORDS, GREET, "/latest") * 5)
    finally:
        for server in servers:
            server.stop()
