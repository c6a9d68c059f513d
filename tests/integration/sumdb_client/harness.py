"""A checksum database over HTTP on 127.0.0.1 that can lie, fail, stall or trickle."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from gomodcheck.errors import NotFoundError
from tests.unit.sumdb.fakedb import VKEY, FakeDB


@dataclass
class Behaviour:
    status: dict[str, int] = field(default_factory=dict)  # path prefix -> status code
    hang: set[str] = field(default_factory=set)  # never answer (until the client gives up)
    trickle: set[str] = field(default_factory=set)  # one byte every 0.2 s, endlessly
    served: list[str] = field(default_factory=list)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    db: FakeDB
    behaviour: Behaviour


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"  # keep-alive, so the client can pipeline

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        b = self.server.behaviour
        path = self.path
        b.served.append(path)
        for prefix, code in b.status.items():
            if path.startswith(prefix):
                self._send(code, b"error\n")
                return
        if any(path.startswith(p) for p in b.hang):
            time.sleep(5)
            self.close_connection = True
            return
        if any(path.startswith(p) for p in b.trickle):
            self.send_response(200)
            # Within every size cap (a tile is 8192 bytes), so only the deadline can stop it.
            self.send_header("Content-Length", "4096")
            self.end_headers()
            for _ in range(50):  # bounded: at most 10 s
                try:
                    self.wfile.write(b"x")
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(0.2)
            self.close_connection = True
            return
        try:
            data = self.server.db.read(path, max_size=1 << 30)
        except NotFoundError:
            self._send(404, b"not found\n")
            return
        self._send(200, data)

    def _send(self, code: int, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serve(db: FakeDB, behaviour: Behaviour | None = None) -> Iterator[tuple[str, Behaviour]]:
    """Serve db at http://127.0.0.1:PORT until the block ends."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.db = db
    server.behaviour = behaviour or Behaviour()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host!s}:{port}", server.behaviour
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def cli_env(tmp_path: Path, url: str, **extra: str) -> dict[str, str]:
    """Environment for `gomodcheck verify --sumdb` against the fake database at url: its key,
    no proxy, no private patterns, a fresh state directory, and short timeouts."""
    return {
        "GOSUMDB": f"{VKEY} {url}",
        "GOPROXY": "off",
        "GONOSUMDB": "",
        "GOPRIVATE": "",
        "GOFLAGS": "",
        "GOENV": "off",
        "GOMODCHECK_STATE_DIR": str(tmp_path / "state"),
        "GOMODCHECK_HTTP_TIMEOUT": "1",
        "GOMODCHECK_HTTP_RETRIES": "1",
        **extra,
    }
