"""Pipelined GETs: chunked and sized bodies, 404s in the middle, and falling back on anything odd."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from gomodcheck.errors import FetchError, NotFoundError
from gomodcheck.fetcher import FetchPolicy, HttpFetcher
from gomodcheck.pipeline import Timeouts, pipelined_get

T = Timeouts(2, 2, 2)


def _sized(body: bytes, status: str = "200 OK") -> bytes:
    return f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body


def _chunked(body: bytes) -> bytes:
    half = len(body) // 2
    parts = [body[:half], body[half:]]
    out = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    for p in parts:
        out += f"{len(p):x}\r\n".encode() + p + b"\r\n"
    return out + b"0\r\n\r\n"


@contextmanager
def raw_server(answer: Callable[[str], bytes], max_requests: int = 50) -> Iterator[tuple[str, int]]:
    """Answers each request line on one connection, in order; bounded."""
    srv = socket.create_server(("127.0.0.1", 0))
    srv.settimeout(5)

    def run() -> None:
        try:
            conn, _ = srv.accept()
        except OSError:
            return
        with conn, conn.makefile("rb") as rf:
            for _ in range(max_requests):
                line = rf.readline()
                if not line:
                    return
                while rf.readline() not in (b"\r\n", b""):
                    pass
                try:
                    conn.sendall(answer(line.split()[1].decode()))
                except OSError:
                    return

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield srv.getsockname()[:2]
    finally:
        srv.close()
        thread.join(timeout=5)


def test_sized_chunked_and_not_found_answers_arrive_in_order() -> None:
    def answer(path: str) -> bytes:
        if path == "/missing":
            return _sized(b"gone", "404 Not Found")
        if path.startswith("/chunked"):
            return _chunked(path.encode() * 100)
        return _sized(path.encode())

    paths = ["/a", "/chunked1", "/missing", "/b"]
    with raw_server(answer) as address:
        got = pipelined_get(address, paths, [1 << 20] * 4, T, "test")
    assert got[0] == b"/a"
    assert got[1] == b"/chunked1" * 100
    assert isinstance(got[2], NotFoundError)
    assert got[3] == b"/b"


def test_server_error_or_oversize_leaves_the_rest_for_ordinary_requests() -> None:
    def answer(path: str) -> bytes:
        if path == "/boom":
            return _sized(b"x", "500 Internal Server Error")
        return _sized(b"y" * 100)

    with raw_server(answer) as address:
        got = pipelined_get(address, ["/ok", "/boom", "/ok2"], [1 << 20] * 3, T, "t")
    assert got == [b"y" * 100, None, None]
    with raw_server(answer) as address:
        got = pipelined_get(address, ["/ok", "/ok2"], [50, 1000], T, "t")
    assert got == [None, None]


def test_fetch_many_falls_back_and_still_answers_everything() -> None:
    def answer(path: str) -> bytes:
        # HTTP/1.0-style close after the first answer: the rest must still be fetched.
        return b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"

    with raw_server(answer, max_requests=1) as (host, port):
        fetcher = HttpFetcher(
            FetchPolicy(attempts=1, read_timeout=2, connect_timeout=2, deadline=4)
        )
        urls = [f"http://{host}:{port}/x{i}" for i in range(3)]
        got = fetcher.fetch_many(urls, [100] * 3)
        fetcher.close()
    assert got[0] == b"ok"
    # The server took one connection only: the rest went the ordinary way and failed closed.
    assert all(isinstance(g, FetchError) for g in got[1:])
