"""Both HTTP protocol variants (httptools, and the pure-Python h11 fallback) bound request heads
in time and size."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from gomodcheck.server import runner
from tests.integration.sumdb_server import fixtures


async def _ok_app(scope: dict[str, object], receive: object, send: object) -> None:
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200,  # type: ignore[operator]
                "headers": [(b"content-length", b"3")]})
    await send({"type": "http.response.body", "body": b"ok\n"})  # type: ignore[operator]


def _protocols() -> list[type]:
    found: list[type] = [runner.HeaderDeadlineProtocol]
    fast = runner._httptools_protocol()
    assert fast is not None, "httptools is a dependency; it must be installed"
    found.append(fast)
    return found


@pytest.fixture(params=_protocols(), ids=lambda p: p.__name__)
def port(request: pytest.FixtureRequest) -> Iterator[int]:
    protocol = type("Short", (request.param,), {"header_timeout": 0.5})
    p = fixtures.free_port()
    config = uvicorn.Config(_ok_app, host="127.0.0.1", port=p, http=protocol, lifespan="off",
                            log_config=None, access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield p
    server.should_exit = True
    thread.join(timeout=10)


def _exchange(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(data)
        out = b""
        while chunk := s.recv(65536):
            out += chunk
        return out


def test_complete_request_is_served(port: int) -> None:
    assert _exchange(port, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").endswith(b"ok\n")


def test_oversized_request_head_gets_431(port: int) -> None:
    reply = _exchange(port, b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 40_000 + b"\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 431")


def test_request_head_that_never_ends_is_cut_off(port: int) -> None:
    started = time.monotonic()
    assert _exchange(port, b"GET / HTTP/1.1\r\nHost: x\r\n") == b""
    assert time.monotonic() - started < 3


def test_idle_keep_alive_connection_is_cut_off_after_a_response(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert s.recv(65536).endswith(b"ok\n")
        started = time.monotonic()
        s.sendall(b"GET / HTTP/1.1\r\n")  # a second head that never finishes
        assert s.recv(65536) == b""
        assert time.monotonic() - started < 3
