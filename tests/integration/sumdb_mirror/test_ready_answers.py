"""The mirror's answers from memory (the runner's path around ASGI) are the bytes of its first,
proved answers, at both mounts; what it has not proved is never answered from memory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.sumdb_mirror.support import MirrorProcess
from tests.integration.sumdb_server.fixtures import raw_responses, undated
from tests.unit.sumdb_mirror.fakelog import NAME, VKEY, FakeLog, LogRemote, UpstreamServer, filler


@pytest.fixture
def upstream() -> Iterator[UpstreamServer]:
    with UpstreamServer(LogRemote(FakeLog([filler(i) for i in range(300)]))) as server:
        yield server


def test_answers_from_memory_equal_the_first_proved_answers_at_both_mounts(
    tmp_path: Path, upstream: UpstreamServer
) -> None:
    log = upstream.remote.log
    args = ("--upstream", upstream.url, "--key", VKEY, "--latest-interval", "60")
    paths = ["/latest", "/lookup/example.com/filler3@v1.0.3", "/tile/8/0/000",
             "/tile/8/0/001.p/44", "/tile/8/data/000", "/tile/8/1/000.p/1"]  # fmt: skip
    paths += [f"/sumdb/{NAME}{p}" for p in paths]
    with MirrorProcess(tmp_path / "m.db", tmp_path / "m.log", *args) as mirror:
        first = raw_responses(mirror.port, *paths)
        again = raw_responses(mirror.port, *paths)
        access = [(a["path"], a["status"]) for a in mirror.access()]
    for path, a, b in zip(paths, first, again, strict=True):
        assert a.startswith(b"HTTP/1.1 200 OK\r\ndate: "), path
        assert undated(a) == undated(b), path
        assert b.split(b"\r\n\r\n", 1)[1] == log.answer(path.removeprefix(f"/sumdb/{NAME}")), path
    assert access.count(("/tile/8/0/000", 200)) == 2


def test_a_tile_the_mirror_cannot_prove_is_never_answered(
    tmp_path: Path, upstream: UpstreamServer
) -> None:
    args = ("--upstream", upstream.url, "--key", VKEY, "--latest-interval", "60")
    with MirrorProcess(tmp_path / "m.db", tmp_path / "m.log", *args) as mirror:
        assert mirror.get("/latest").status_code == 200
        upstream.remote.tamper = lambda path, body: body.replace(b"filler7 ", b"filler8 ")
        for _ in range(3):  # nor on a second asking, from memory
            bad = mirror.get("/tile/8/data/000")
            assert bad.status_code == 502
            assert b"filler8 " not in bad.content
        upstream.remote.tamper = lambda path, body: body
        assert mirror.get("/tile/8/data/000").status_code == 200
