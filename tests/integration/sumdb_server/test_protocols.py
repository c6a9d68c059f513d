"""Both HTTP protocol variants (httptools, and the pure-Python h11 fallback) bound request heads
in time and size."""

from __future__ import annotations

import contextlib
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
    with _serving(_ok_app, protocol) as p:
        yield p


@contextlib.contextmanager
def _serving(app: object, protocol: type, **options: object) -> Iterator[int]:
    """Run uvicorn with this protocol class on a free loopback port, in a thread."""
    p = fixtures.free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=p, http=protocol, lifespan="off",
                            log_config=None, access_log=False, **options)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield p
    finally:
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


class _ReadyApp:
    """An app with a ready answer for /ready (the runner writes it without ASGI)."""

    async def __call__(self, scope: dict[str, object], receive: object, send: object) -> None:
        if scope["type"] != "http":
            return
        body = b"ready\n" if scope["path"] == "/ready" else b"ok\n"
        await send({"type": "http.response.start", "status": 200,  # type: ignore[operator]
                    "headers": [(b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})  # type: ignore[operator]

    def ready(self, path: str, client: object) -> bytes | None:
        return b"content-length: 6\r\n\r\nready\n" if path == "/ready" else None


@pytest.fixture
def ready_port() -> Iterator[int]:
    """The runner's protocol over httptools with a ready app, short head and keep-alive limits."""
    fast = runner._httptools_protocol()
    assert fast is not None
    app = _ReadyApp()
    protocol = type("Short", (fast,), {"header_timeout": 3, "ready": staticmethod(app.ready)})
    with _serving(app, protocol, timeout_keep_alive=1) as p:
        yield p


def test_ready_answers_and_asgi_answers_share_a_connection_in_order(ready_port: int) -> None:
    get = b"GET %s HTTP/1.1\r\nHost: x\r\n\r\n"
    reply = _exchange(ready_port, get % b"/ready" + get % b"/other" + get % b"/ready"
                      + b"HEAD /ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    bodies = [part.split(b"\r\n\r\n", 1)[1] for part in reply.split(b"HTTP/1.1 200 OK\r\n")[1:]]
    # The third waits for the second (ASGI) and takes the ASGI path too; so does HEAD.
    assert bodies == [b"ready\n", b"ok\n", b"ready\n", b""]


def test_silent_connection_after_a_ready_answer_is_closed_at_the_keep_alive_limit(
    ready_port: int,
) -> None:
    with socket.create_connection(("127.0.0.1", ready_port), timeout=10) as s:
        for _ in range(3):  # the limit (1 s, the head deadline is 3 s) runs from the last answer
            s.sendall(b"GET /ready HTTP/1.1\r\nHost: x\r\n\r\n")
            assert s.recv(65536).endswith(b"ready\n")
            answered = time.monotonic()
            time.sleep(0.6)
        assert s.recv(65536) == b""
        assert 0.8 < time.monotonic() - answered < 2.2


def test_request_head_that_never_ends_after_a_ready_answer_is_cut_off(ready_port: int) -> None:
    with socket.create_connection(("127.0.0.1", ready_port), timeout=10) as s:
        s.sendall(b"GET /ready HTTP/1.1\r\nHost: x\r\n\r\n")
        assert s.recv(65536).endswith(b"ready\n")
        answered = time.monotonic()
        s.sendall(b"GET /ready HTTP/1.1\r\n")  # then trickles on, past the keep-alive limit
        for _ in range(20):
            time.sleep(0.25)
            try:
                s.sendall(b"X-Slow: 1\r\n")
            except OSError:
                break
        assert s.recv(65536) == b""
        assert 2.5 < time.monotonic() - answered < 4.5
