"""Hostile or malformed requests get 4xx quickly, never crash the server, and write nothing;
many parallel lookups of one new module add it exactly once."""

from __future__ import annotations

import socket
import sqlite3
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from gomodcheck import tlog
from tests.integration.sumdb_server import fixtures


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[fixtures.RunningServer, Path]]:
    tmp = tmp_path_factory.mktemp("hostile")
    proxy = fixtures.build_proxy(tmp / "proxy")
    key_file, _ = fixtures.keygen("sumdb.corp.example.com", tmp / "keys")
    db = tmp / "log.db"
    srv = fixtures.start_server(
        key_file, db, tmp / "server.log", upstream=proxy.as_uri(), lifetime=120,
        extra=("--header-timeout", "1"),
    )
    try:
        yield srv, db
    finally:
        srv.stop()


def _count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM records").fetchone()[0])


def _raw(port: int, request: bytes, timeout: float = 10.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(request)
        chunks = []
        while True:
            try:
                data = s.recv(65536)
            except TimeoutError:
                break
            if not data:
                break
            chunks.append(data)
        return b"".join(chunks)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/lookup/../../etc/passwd@v1.0.0", 400),
        ("/lookup/corp.example.com/greet@v1.0.0/../../../x", 400),
        ("/lookup/corp.example.com/Greet@v1.0.0", 400),  # upper case must be !-encoded
        ("/lookup/corp.example.com/!!greet@v1.0.0", 400),
        ("/lookup/corp.example.com/greet@v1.0", 400),
        ("/lookup/corp.example.com/greet@v1.0.0+meta", 400),
        ("/lookup/corp.example.com/greet@v01.0.0", 400),
        ("/lookup/corp.example.com/greet@latest", 400),
        ("/lookup/corp.example.com/greet/v2@v1.0.0", 400),  # path major does not match
        ("/lookup/" + "a" * 3000 + "@v1.0.0", 414),
        ("/lookup/corp.example.com/missing@v1.0.0", 404),
        ("/tile/8/0/../../../etc/passwd", 400),
        ("/tile/8/0/x001/000", 404),  # beyond the tree
        ("/tile/8/0/000.p/0", 400),
        ("/tile/31/0/000", 400),
        ("/tile/9/0/000", 404),  # height not served
        ("/tile/8/data/001", 404),
        ("/etc/passwd", 404),
        ("/", 404),
    ],
)
def test_bad_request_paths_are_refused_and_write_nothing(
    server: tuple[fixtures.RunningServer, Path], path: str, status: int
) -> None:
    srv, db = server
    before = _count(db)
    started = time.monotonic()
    got, _ = srv.get(path)
    assert got == status
    assert time.monotonic() - started < 5
    assert _count(db) == before


def test_methods_other_than_get_and_head_are_refused(server: tuple[fixtures.RunningServer, Path]) -> None:
    srv, _ = server
    reply = _raw(srv.port, b"POST /latest HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 405")
    head = _raw(srv.port, b"HEAD /latest HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    assert head.endswith(b"\r\n\r\n"), "HEAD must not send a body"


def test_huge_headers_are_refused_with_431(server: tuple[fixtures.RunningServer, Path]) -> None:
    srv, _ = server
    big = b"X-Big: " + b"a" * 100_000 + b"\r\n"
    reply = _raw(srv.port, b"GET /latest HTTP/1.1\r\nHost: x\r\n" + big + b"\r\n")
    assert reply.startswith(b"HTTP/1.1 431")


def test_slow_client_is_disconnected_within_the_header_timeout(
    server: tuple[fixtures.RunningServer, Path],
) -> None:
    srv, _ = server
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as s:
        s.sendall(b"GET /latest HTTP/1.1\r\nHost: x\r\n")  # never finishes its headers
        for _ in range(3):
            time.sleep(0.2)
            try:
                s.sendall(b"X-Slow: 1\r\n")
            except OSError:
                break
        assert s.recv(1024) == b""  # closed by the server
    assert time.monotonic() - started < 5
    # And the server still answers everyone else.
    assert srv.get("/latest")[0] == 200


def test_parallel_lookups_of_one_new_module_add_it_once(server: tuple[fixtures.RunningServer, Path]) -> None:
    srv, db = server
    url = f"{srv.url}/lookup/corp.example.com/!words@v1.1.0"

    def fetch(_: int) -> bytes:
        with urllib.request.urlopen(url, timeout=30) as resp:
            return bytes(resp.read())

    with ThreadPoolExecutor(max_workers=32) as pool:
        bodies = list(pool.map(fetch, range(64)))
    ids = {tlog.parse_record(b)[0] for b in bodies}
    texts = {tlog.parse_record(b)[1] for b in bodies}
    assert len(ids) == 1
    assert len(texts) == 1
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT COUNT(*) FROM records WHERE path = 'corp.example.com/Words'").fetchone()
    assert rows[0] == 1
