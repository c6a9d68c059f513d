"""A small checksum database we control, built with our own note signer and tlog: the honest
or hostile upstream of the mirror tests. It answers paths exactly as x/mod's server does."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from gomodcheck import module, note, tlog
from gomodcheck.errors import NotFoundError

# The real go.sum lines of golang.org/x/text v0.14.0, so the go command can check a real
# download against a log we sign ourselves.
XTEXT_RECORD = (
    b"golang.org/x/text v0.14.0 h1:ScX5w1eTa3QqT8oi6+ziP7dTV1S2+ALU0bI+0zXKWiQ=\n"
    b"golang.org/x/text v0.14.0/go.mod h1:18ZOQIKpY8NJVqYksKHtTdi31H5itFRjB5/qKTNYzSU=\n"
)
NAME = "fake.sumdb.test"
SKEY, VKEY = note.generate_key(NAME, seed=hashlib.sha256(b"mirror tests").digest())


def filler(i: int, salt: str = "") -> bytes:
    h = hashlib.sha256(f"{salt}{i}".encode()).digest()
    tag = tlog.format_hash(h)
    return (
        f"example.com/filler{i} v1.0.{i} h1:{tag}\nexample.com/filler{i} v1.0.{i}/go.mod h1:{tag}\n"
    ).encode()


class FakeLog:
    """An append-only log held in memory, signed with SKEY (or another signer key)."""

    def __init__(self, records: Sequence[bytes], skey: str = SKEY) -> None:
        self.signer = note.parse_signer_key(skey)
        self.records: list[bytes] = []
        self.hashes: list[bytes] = []
        for text in records:
            self.append(text)

    def append(self, text: bytes) -> None:
        self.hashes.extend(tlog.stored_hashes(len(self.records), text, self))
        self.records.append(text)

    def read_hashes(self, indexes: Sequence[int], /) -> list[bytes]:
        return [self.hashes[i] for i in indexes]

    @property
    def tree(self) -> tlog.Tree:
        n = len(self.records)
        return tlog.Tree(n, tlog.tree_hash(n, self))

    def note(self) -> bytes:
        return note.sign(tlog.format_tree(self.tree).decode(), [self.signer])

    def answer(self, path: str) -> bytes:
        """The body for a protocol path; NotFoundError as a 404."""
        if path == "/latest":
            return self.note()
        if path.startswith("/lookup/"):
            esc_path, _, esc_vers = path[len("/lookup/") :].partition("@")
            prefix = f"{module.unescape_path(esc_path)} {module.unescape_version(esc_vers)} "
            for i, text in enumerate(self.records):
                if text.startswith(prefix.encode()):
                    return tlog.format_record(i, text) + self.note()
            raise NotFoundError(f"{path}: not found")
        if path.startswith("/tile/"):
            tile = tlog.parse_tile_path(path[1:])
            first, n = tile.N << tile.H, len(self.records)
            if tile.L == -1:
                if first + tile.W > n:
                    raise NotFoundError(path)
                return b"".join(t + b"\n" for t in self.records[first : first + tile.W])
            if (first + tile.W) << (tile.H * tile.L) > n:
                raise NotFoundError(path)
            return tlog.read_tile_data(tile, self)
        raise NotFoundError(path)


class LogRemote:
    """A sumdb Remote that reads from a FakeLog through a hook (to tamper with answers)."""

    def __init__(self, log: FakeLog) -> None:
        self.log = log
        self.tamper: Callable[[str, bytes], bytes] = lambda path, body: body
        self.paths: list[str] = []
        self.down = False

    def read(self, path: str, *, max_size: int) -> bytes:
        from gomodcheck.errors import FetchError  # noqa: PLC0415

        self.paths.append(path)
        if self.down:
            raise FetchError(f"{path}: connection refused")
        return self.tamper(path, self.log.answer(path))[:max_size]


class UpstreamServer:
    """The LogRemote behind HTTP on 127.0.0.1 (a thread); stopped by the test."""

    def __init__(self, remote: LogRemote) -> None:
        self.remote = remote
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                try:
                    body, status = outer.remote.read(self.path, max_size=1 << 24), 200
                except NotFoundError:
                    body, status = b"not found\n", 404
                except Exception as exc:
                    body, status = f"{exc}\n".encode(), 500
                self.send_response(status)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> UpstreamServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=10)
