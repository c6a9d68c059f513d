"""Two mirror processes with ``reuse_port = true`` share one port and one database: both answer
with verified data, each serves what the other stored, and one keeps serving when the other
stops."""

from __future__ import annotations

from pathlib import Path

import httpx

from gomodcheck import tlog
from tests.integration.sumdb_mirror.support import XTEXT, MirrorProcess, free_port
from tests.unit.sumdb_mirror.fakelog import (
    VKEY,
    UpstreamServer,
)


def test_two_mirror_processes_share_the_port_and_the_database(
    tmp_path: Path, upstream: UpstreamServer
) -> None:
    config = tmp_path / "gomodcheck.toml"
    config.write_text("[sumdb.mirror]\nreuse_port = true\n")
    port = free_port()
    args = ("--upstream", upstream.url, "--key", VKEY, "--config", str(config))
    db = tmp_path / "m.db"
    first = MirrorProcess(db, tmp_path / "a.log", *args, port=port)
    second = MirrorProcess(db, tmp_path / "b.log", *args, port=port)
    with first, second:
        # A new connection each time: the kernel picks a process for each.
        answers = [httpx.get(f"{first.url}/lookup/{XTEXT}", timeout=60) for _ in range(40)]
        assert {a.status_code for a in answers} == {200}
        assert {tlog.parse_record(a.content)[:2] for a in answers} == {
            tlog.parse_record(answers[0].content)[:2]
        }
        tiles = [httpx.get(f"{first.url}/tile/8/0/001.p/45", timeout=60) for _ in range(20)]
        assert {t.status_code for t in tiles} == {200}
        assert len({t.content for t in tiles}) == 1
        served = [
            [line for line in m.access() if line["path"].startswith(("/lookup/", "/tile/"))]
            for m in (first, second)
        ]
        assert all(served), "both processes should have answered some of the requests"
        assert all(line["status"] == 200 for lines in served for line in lines)
        second.__exit__()
        assert second.proc is not None and second.proc.returncode == 0
        assert all(
            httpx.get(f"{first.url}/lookup/{XTEXT}", timeout=60).status_code == 200
            for _ in range(5)
        )
