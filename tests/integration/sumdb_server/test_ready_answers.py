"""Answers served from memory (the runner's path around ASGI) are the bytes the first, computed
answer had; they follow the tree as it grows; pipelined requests keep their order; a head
written by another process is served at once."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from gomodcheck import note, tlog
from tests.conftest import run_cli
from tests.integration.sumdb_server import fixtures

NAME = "sumdb.corp.example.com"
GREET = "/lookup/corp.example.com/greet@v1.0.0"
WORDS = "/lookup/corp.example.com/!words@v1.1.0"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[fixtures.RunningServer, Path, str]]:
    tmp = tmp_path_factory.mktemp("ready")
    proxy = fixtures.build_proxy(tmp / "proxy")
    key_file, vkey = fixtures.keygen(NAME, tmp / "keys")
    srv = fixtures.start_server(key_file, tmp / "log.db", tmp / "server.log",
                                upstream=proxy.as_uri(), lifetime=120)
    try:
        yield srv, tmp / "server.log", vkey
    finally:
        srv.stop()


def _tree_size(signed: bytes, vkey: str) -> int:
    text = note.open_note(signed, [note.parse_verifier_key(vkey)]).text
    return tlog.parse_tree(text.encode()).n


def _body(response: bytes) -> bytes:
    return response.split(b"\r\n\r\n", 1)[1]


def test_answers_from_memory_are_byte_identical_to_the_first_answers(
    served: tuple[fixtures.RunningServer, Path, str],
) -> None:
    srv, _, _ = served
    assert srv.get(GREET)[0] == 200  # adds the record: the tree has one leaf
    paths = ["/latest", GREET, "/tile/8/0/000.p/1", "/tile/8/data/000.p/1",
             f"/sumdb/{NAME}/tile/8/0/000.p/1", f"/sumdb/{NAME}/latest"]
    first = fixtures.raw_responses(srv.port, *paths)
    again = fixtures.raw_responses(srv.port, *paths)
    for path, a, b in zip(paths, first, again, strict=True):
        assert a.startswith(b"HTTP/1.1 200 OK\r\ndate: "), path
        assert fixtures.undated(a) == fixtures.undated(b), path
        assert b"x-content-type-options: nosniff\r\n" in b, path


def test_latest_and_kept_lookups_follow_the_tree_as_it_grows(
    served: tuple[fixtures.RunningServer, Path, str],
) -> None:
    srv, _, vkey = served
    _, before = srv.get(GREET)
    size = _tree_size(tlog.parse_record(before)[2], vkey)
    assert _tree_size(srv.get("/latest")[1], vkey) == size
    assert srv.get(WORDS)[0] == 200  # a new record: the tree grows by one
    assert _tree_size(srv.get("/latest")[1], vkey) == size + 1
    _, after = srv.get(GREET)
    assert tlog.parse_record(after)[:2] == tlog.parse_record(before)[:2]
    assert _tree_size(tlog.parse_record(after)[2], vkey) == size + 1


def test_pipelined_requests_are_answered_in_order(
    served: tuple[fixtures.RunningServer, Path, str],
) -> None:
    srv, _, _ = served
    assert srv.get(GREET)[0] == 200
    srv.get("/tile/8/0/000.p/1")
    paths = ["/tile/8/0/000.p/1", "/tile/8/data/000.p/1", "/tile/8/0/000.p/1", GREET, "/latest"]
    one_by_one = fixtures.raw_responses(srv.port, *paths)
    pipelined = fixtures.raw_responses(srv.port, *paths, pipelined=True)
    assert [_body(r) for r in pipelined] == [_body(r) for r in one_by_one]


def test_answers_from_memory_are_in_the_access_log(
    served: tuple[fixtures.RunningServer, Path, str],
) -> None:
    srv, log, _ = served
    srv.get(GREET)
    fixtures.raw_responses(srv.port, "/tile/8/0/000.p/1", "/tile/8/0/000.p/1", "/tile/8/0/000.p/1")
    srv.get("/healthz")  # its line is written after the tiles' lines
    lines = [line for line in log.read_text().splitlines() if '"path":"/tile/8/0/000.p/1"' in line]
    assert len(lines) >= 3
    assert all('"status":200' in line and '"bytes":32' in line for line in lines)


def test_a_record_added_by_another_process_is_served_with_its_tiles_at_once(
    tmp_path: Path, proxy_dir: Path, signer: tuple[Path, str]
) -> None:
    key_file, vkey = signer
    db = tmp_path / "log.db"
    with fixtures.running_server(key_file, db, tmp_path / "server.log") as srv:
        assert srv.get("/tile/8/0/000.p/1")[0] == 404
        added = run_cli("sumdb", "add", "--key", str(key_file), "--db", str(db),
                        "--upstream", proxy_dir.as_uri(), f"{fixtures.WORDS}@v1.1.0")
        assert added.returncode == 0, added.stderr
        # Another worker process may have answered the lookup: the go command then asks this
        # one for the tiles of the tree it was given, with no /latest first.
        assert srv.get("/tile/8/0/000.p/1")[0] == 200
        assert srv.get("/tile/8/data/000.p/1")[0] == 200
        status, body = srv.get(WORDS)
        assert status == 200
        assert _tree_size(tlog.parse_record(body)[2], vkey) == 1


def test_requests_a_reverse_proxy_sends_get_the_same_kept_answers(
    served: tuple[fixtures.RunningServer, Path, str],
) -> None:
    srv, _, _ = served
    assert srv.get(GREET)[0] == 200
    paths = ["/tile/8/0/000.p/1", "/tile/8/data/000.p/1", GREET, "/latest"]
    plain = fixtures.raw_responses(srv.port, *paths, *paths)[len(paths):]
    for path, want in zip(paths, plain, strict=True):
        for extra in (b"X-Forwarded-For: 192.0.2.1\r\n", b""):  # both take the ASGI path
            with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as s:
                s.sendall(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: x\r\n" + extra
                          + b"Connection: close\r\n\r\n")
                got = b""
                while chunk := s.recv(65536):
                    got += chunk
            assert fixtures.undated(got).replace(b"connection: close\r\n", b"") == fixtures.undated(want), path
