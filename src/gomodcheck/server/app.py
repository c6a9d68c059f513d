"""The checksum-database HTTP protocol as an ASGI application: /latest, /lookup/M@V, /tile/...

Paths and bytes follow x/mod's sumdb server exactly (what the go command's client expects).
The app is a plain ASGI callable rather than a framework router: there are four fixed routes,
and every request path must be validated by hand anyway (module paths, versions, tile paths).
Reads run on the event loop against a read-only connection (WAL: never blocked by the writer);
appends go to one writer thread that commits batches (group commit) before anyone is answered.
Answers are kept encoded (headers and body) in one bounded LRU: tiles for good (a tile path's
bytes never change in an append-only log), lookups and /latest for as long as the tree head they
carry is the newest; ``ready`` serves them before ASGI (see runner).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import json
import logging
import queue
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar

from gomodcheck import module, tlog
from gomodcheck.errors import DataError, FetchError, NotFoundError
from gomodcheck.mirror import handler as mirror_handler
from gomodcheck.mirror.service import Mirror
from gomodcheck.server import accesslog
from gomodcheck.server.logstore import Head, LogStore, SignFunc
from gomodcheck.server.upstream import Upstream

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

T = TypeVar("T")
ACCESS_LOG = accesslog.AccessLogger(logging.getLogger("gomodcheck.server.access"))
LOG = logging.getLogger("gomodcheck.server")

# x/mod sumdb server's syntax check for /lookup/ before unescaping.
_MOD_VER = re.compile(r"[^@]+@v[0-9]+\.[0-9]+\.[0-9]+(-[^@]*)?(\+incompatible)?")
MAX_PATH = 1024  # longest module path (x/mod allows 255 per element) plus version, with room

TEXT = b"text/plain; charset=UTF-8"
BINARY = b"application/octet-stream"
# Tiles and records never change once published; tree heads do.
CACHE_IMMUTABLE = b"public, max-age=31536000, immutable"
CACHE_LATEST = b"no-cache"
CACHE_LOOKUP = b"public, max-age=60"
CACHE_NONE = b"no-store"


class HttpError(Exception):
    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(message)


class Appender:
    """The single writer: batches concurrent appends into one durable transaction each."""

    def __init__(self, db: Path, sign: SignFunc, on_head: Callable[[Head], None]) -> None:
        self.db = db
        self.sign = sign
        self.on_head = on_head
        self._queue: queue.Queue[tuple[str, str, bytes, concurrent.futures.Future[int]] | None] = (
            queue.Queue()
        )
        self._thread = threading.Thread(target=self._run, name="sumdb-writer", daemon=True)
        self._thread.start()

    def submit(self, path: str, version: str, text: bytes) -> concurrent.futures.Future[int]:
        fut: concurrent.futures.Future[int] = concurrent.futures.Future()
        self._queue.put((path, version, text, fut))
        return fut

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=30)

    def _run(self) -> None:
        store = LogStore(self.db)
        try:
            while True:
                item = self._queue.get()
                if item is None:
                    return
                batch = [item]
                while len(batch) < 1000:
                    try:
                        more = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if more is None:
                        self._queue.put(None)
                        break
                    batch.append(more)
                self._commit(store, batch)
        finally:
            store.close()

    def _commit(
        self,
        store: LogStore,
        batch: list[tuple[str, str, bytes, concurrent.futures.Future[int]]],
    ) -> None:
        try:
            ids, head = store.append(((p, v, t) for p, v, t, _ in batch), self.sign)
        except Exception as exc:  # handed to every waiting request
            for *_, fut in batch:
                fut.set_exception(exc)
            return
        if head is not None:
            self.on_head(head)
        for p, v, _, fut in batch:
            fut.set_result(ids[(p, v)])


class _Lru(Generic[T]):
    """A small bounded LRU map."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[str, T] = OrderedDict()

    def get(self, key: str) -> T | None:
        value = self._data.get(key)
        if value is not None:
            self._data.move_to_end(key)
        return value

    def put(self, key: str, value: T) -> None:
        self._data[key] = value
        self._data.move_to_end(key)
        if len(self._data) > self.size:
            self._data.popitem(last=False)


# Tag of a cached answer valid for good; other tags are the tree size the answer carries.
FOREVER = -1


class Answers:
    """A bounded LRU of encoded 200 answers by request path, each tagged FOREVER or with the
    tree size it carries. Used on the event loop only."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._size = 0
        # path -> (tag, encoded answer, where its body starts, content type, cache-control)
        self._data: OrderedDict[str, tuple[int, bytes, int, bytes, bytes]] = OrderedDict()

    def get(self, path: str, tree_size: int) -> tuple[bytes, int] | None:
        """(encoded answer, body length) for path if tagged FOREVER or ``tree_size``."""
        entry = self._data.get(path)
        if entry is None or (entry[0] != FOREVER and entry[0] != tree_size):
            return None
        self._data.move_to_end(path)
        return entry[1], len(entry[1]) - entry[2]

    def parts(self, path: str, tree_size: int) -> tuple[bytes, bytes, bytes] | None:
        """(body, content type, cache-control) of the same answer, for the ASGI path."""
        entry = self._data.get(path)
        if entry is None or (entry[0] != FOREVER and entry[0] != tree_size):
            return None
        self._data.move_to_end(path)
        return entry[1][entry[2] :], entry[3], entry[4]

    def put(self, path: str, tag: int, body: bytes, ctype: bytes, cache: bytes) -> None:
        encoded = encode(body, ctype, cache)
        if len(encoded) > self.max_bytes:
            return
        old = self._data.pop(path, None)
        if old is not None:
            self._size -= len(old[1])
        self._data[path] = (tag, encoded, len(encoded) - len(body), ctype, cache)
        self._size += len(encoded)
        while self._size > self.max_bytes:
            _, (_, dropped, *_) = self._data.popitem(last=False)
            self._size -= len(dropped)


def encode(body: bytes, ctype: bytes, cache: bytes) -> bytes:
    """A 200 answer's header lines (after the date), blank line and body, as uvicorn writes
    the headers SumdbApp sends."""
    return b"".join(
        (
            b"content-type: ", ctype,
            b"\r\ncontent-length: ", str(len(body)).encode(),
            b"\r\ncache-control: ", cache,
            b"\r\nx-content-type-options: nosniff\r\n\r\n",
            body,
        )
    )  # fmt: skip


class SumdbApp:
    """ASGI app serving a private checksum database (a log, optionally fed by an upstream)
    and/or verifying mirrors of public databases under /sumdb/<name>/ (gomodcheck.mirror's
    service, answered by gomodcheck.mirror.handler as ``sumdb mirror`` answers)."""

    def __init__(
        self,
        db: Path | None,
        name: str,
        sign: SignFunc,
        verifier_key: str,
        *,
        mirrors: Sequence[Mirror] = (),
        upstream: Upstream | None = None,
        modules: str = "",
        max_tile_height: int = 8,
        tile_cache_bytes: int = 64 << 20,
        upstream_concurrency: int = 8,
        access_log: bool = True,
    ) -> None:
        self.db = db
        self.name = name
        self.sign = sign
        self.verifier_key = verifier_key
        self.upstream = upstream
        self.modules = modules
        self.max_tile_height = max_tile_height
        self.answers = Answers(tile_cache_bytes)
        self._records: _Lru[tuple[int, bytes]] = _Lru(1 << 16)
        self.upstream_concurrency = upstream_concurrency
        self.access_log = access_log
        self.mount = f"/sumdb/{name}/"
        self.mirrors = {f"/sumdb/{m.name}/": m for m in mirrors}
        self.head: Head | None = None
        self.reader: LogStore | None = None
        self.appender: Appender | None = None
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}
        self._fetch_slots: asyncio.Semaphore | None = None
        self.started = False
        self._head_checked = 0.0

    # --- lifecycle -----------------------------------------------------------------------

    def startup(self) -> None:
        """Open the log, check it, make sure a signed head exists, start the writer."""
        self.started = True
        if self.db is None:
            return
        store = LogStore(self.db)
        store.bind_key(self.verifier_key)
        head = store.check_consistent()
        if head is None:
            head = _sign_empty(store, self.sign)
        self.reader = store
        self.head = head
        self.appender = Appender(self.db, self.sign, self._on_head)
        self._fetch_slots = asyncio.Semaphore(self.upstream_concurrency)

    def shutdown(self) -> None:
        if self.appender is not None:
            self.appender.close()
        if self.reader is not None:
            self.reader.close()
        self.started = False

    def _on_head(self, head: Head) -> None:
        # Called from the writer thread; a reference assignment is atomic in CPython.
        current = self.head
        if current is None or head.n > current.n:
            self.head = head

    # --- ASGI ----------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        start = time.perf_counter()
        method = scope.get("method", "GET")
        path = scope.get("path", "")
        status, body, ctype, cache, tag = 500, b"internal error\n", TEXT, CACHE_NONE, None
        extra: list[tuple[bytes, bytes]] = []
        try:
            if method not in ("GET", "HEAD"):
                extra.append((b"allow", b"GET, HEAD"))
                raise HttpError(405, "method not allowed")
            kept = self._kept_parts(path)
            if kept is not None:  # e.g. behind a proxy that sends HTTP/1.0 or X-Forwarded-For
                status, (body, ctype, cache) = 200, kept
            else:
                status, body, ctype, cache, tag = await self.handle(path)
        except HttpError as exc:
            status, body, cache = exc.status, (str(exc) + "\n").encode(), CACHE_NONE
        except Exception:
            LOG.exception("error serving %s", path[:MAX_PATH])
            status, body = 500, b"internal error\n"
        if tag is not None:
            self.answers.put(path, tag, body, ctype, cache)
        headers = [
            (b"content-type", ctype),
            (b"content-length", str(len(body)).encode()),
            (b"cache-control", cache),
            (b"x-content-type-options", b"nosniff"),
            *extra,
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if method == "HEAD" else body})
        if self.access_log:
            client = scope.get("client") or ("", 0)
            ACCESS_LOG.write(
                client[0], method, path, status=status, nbytes=len(body), started=start
            )

    def ready(self, path: str, client: tuple[str, int] | None) -> bytes | None:
        """The encoded answer to GET path if one is at hand (runner writes it without ASGI):
        a kept answer of the private database, or a mounted mirror's answer in memory."""
        start = time.perf_counter()
        found = self._ready(path)
        if found is None:
            return None
        if self.access_log:
            remote = client[0] if client else ""
            ACCESS_LOG.write(remote, "GET", path, status=200, nbytes=found[1], started=start)
        return found[0]

    def _ready(self, path: str) -> tuple[bytes, int] | None:
        if path.startswith("/sumdb/"):
            for mount, mirror in self.mirrors.items():
                if path.startswith(mount):
                    answer = mirror_handler.at_hand(mirror, path[len(mount) - 1 :])
                    if answer is None:
                        return None
                    return encode(*answer), len(answer[0])
        head = self.head
        if head is None or (path.endswith("/latest") and self._head_due()):
            return None
        return self.answers.get(path, head.n)

    def _kept_parts(self, path: str) -> tuple[bytes, bytes, bytes] | None:
        head = self.head
        if head is None or (path.endswith("/latest") and self._head_due()):
            return None
        return self.answers.parts(path, head.n)

    def _head_due(self) -> bool:
        """Time to look for a head written by another process (see _fresh_head)."""
        return time.monotonic() - self._head_checked > 1.0

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    if not self.started:
                        self.startup()
                except Exception as exc:  # reported to uvicorn, which exits
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return

    # --- routes --------------------------------------------------------------------------

    async def handle(self, path: str) -> tuple[int, bytes, bytes, bytes, int | None]:
        """Status, body, content type, cache-control, and the Answers tag of a 200 answer that
        may be kept (None: not kept)."""
        if len(path) > MAX_PATH:
            raise HttpError(414, "request path too long")
        if path.startswith("/sumdb/"):
            for mount, mirror in self.mirrors.items():
                if path.startswith(mount):
                    return await self._mirror(mirror, path[len(mount) :])
        if self.db is None:
            if path == "/healthz":
                return 200, self._health(), b"application/json", CACHE_NONE, None
            raise HttpError(404, "not found")
        if path.startswith(self.mount):
            rest = path[len(self.mount) - 1 :]
            if rest == "/supported":
                return 200, b"", TEXT, CACHE_LATEST, FOREVER
            path = rest
        if path == "/healthz":
            return 200, self._health(), b"application/json", CACHE_NONE, None
        if path == "/latest":
            head = self._fresh_head()
            return 200, head.signed, TEXT, CACHE_LATEST, head.n
        if path.startswith("/lookup/"):
            return await self._lookup(path[len("/lookup/") :])
        if path.startswith("/tile/"):
            return self._tile(path[1:])
        raise HttpError(404, "not found")

    def _health(self) -> bytes:
        doc: dict[str, Any] = {"status": "ok"}
        if self.db is not None:
            doc["tree_size"] = self.head.n if self.head else 0
        for mirror in self.mirrors.values():
            state = mirror_handler.health(mirror)
            doc.setdefault("mirrors", {})[mirror.name] = state
            if state["status"] != "ok":
                doc["status"] = "degraded"
        return (json.dumps(doc) + "\n").encode()

    async def _mirror(
        self, mirror: Mirror, rest: str
    ) -> tuple[int, bytes, bytes, bytes, int | None]:
        answer = await mirror_handler.handle(mirror, "/" + rest, mounted=True)
        # Not kept here: the mirror keeps its proved answers (``ready`` finds them there).
        return answer.status, answer.body, answer.media, answer.cache, None

    def _head(self) -> Head:
        if self.head is None:
            raise HttpError(503, "database not started")
        return self.head

    def _fresh_head(self) -> Head:
        """The latest head, re-read at most once a second (`sumdb add` may write meanwhile)."""
        now = time.monotonic()
        if now - self._head_checked > 1.0:
            self._head_checked = now
            latest = self._store().latest()
            if latest is not None:
                self._on_head(latest)
        return self._head()

    def _store_head(self) -> Head:
        """The latest head in the store (adopted as ours)."""
        latest = self._store().latest()
        if latest is not None:
            self._on_head(latest)
        return self._head()

    def _store(self) -> LogStore:
        if self.reader is None:
            raise HttpError(503, "database not started")
        return self.reader

    async def _lookup(self, mod: str) -> tuple[int, bytes, bytes, bytes, int | None]:
        path, version = _parse_lookup(mod)
        store = self._store()
        # Records never change once written, so a hot set of them can live in memory.
        found = self._records.get(mod) or store.lookup_record(path, version)
        if found is None:
            record_id = await self._add_from_upstream(path, version)
            text = store.read_records(record_id, 1)[0]
        else:
            record_id, text = found
        self._records.put(mod, (record_id, text))
        head = self._head()
        if record_id >= head.n:
            # Committed by the writer a moment ago; its head is in the same transaction.
            head = self._store_head()
            if record_id >= head.n:
                raise HttpError(500, "record is not in any signed tree")
        answer = tlog.format_record(record_id, text) + head.signed
        return 200, answer, TEXT, CACHE_LOOKUP, head.n

    async def _add_from_upstream(self, path: str, version: str) -> int:
        if self.upstream is None or (
            self.modules and not module.match_prefix_patterns(self.modules, path)
        ):
            raise HttpError(404, f"not found: {path}@{version}")
        assert self.appender is not None and self._fetch_slots is not None
        key = (path, version)
        lock = self._locks.setdefault(key, asyncio.Lock())
        try:
            async with lock:
                # Whoever held the lock before us may have added it already.
                existing = self._store().lookup(path, version)
                if existing is not None:
                    return existing
                async with self._fetch_slots:
                    text = await self._fetch(path, version)
                return await asyncio.wrap_future(self.appender.submit(path, version, text))
        finally:
            if not lock.locked() and self._locks.get(key) is lock:
                del self._locks[key]

    async def _fetch(self, path: str, version: str) -> bytes:
        assert self.upstream is not None
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(None, self.upstream.record_text, path, version)
        except NotFoundError as exc:
            raise HttpError(404, f"not found: {path}@{version}: {exc}") from None
        except FetchError as exc:
            raise HttpError(502, f"upstream: {path}@{version}: {exc}") from None
        except DataError as exc:
            raise HttpError(404, f"not found: {path}@{version}: {exc}") from None

    def _tile(self, tile_path: str) -> tuple[int, bytes, bytes, bytes, int | None]:
        """A tile; its answer is kept for good: the log only grows, so a tile path that exists
        now always will, with the same bytes (a partial tile is named by its width)."""
        try:
            tile = tlog.parse_tile_path(tile_path)
        except DataError:
            raise HttpError(400, "invalid tile syntax") from None
        height = tile.H
        if height > self.max_tile_height:
            raise HttpError(404, f"tile height {height} not served (max {self.max_tile_height})")
        first = tile.N << tile.H
        # The tree size the tile needs; a larger head may be in the store already (written by
        # `sumdb add`, or by another worker process, after our last look).
        need = first + tile.W if tile.L == -1 else (first + tile.W) << (tile.H * tile.L)
        if need > self._head().n and need > self._store_head().n:
            raise HttpError(404, "tile not found")
        store = self._store()
        if tile.L == -1:
            data = b"".join(t + b"\n" for t in store.read_records(first, tile.W))
            return 200, data, TEXT, CACHE_IMMUTABLE, FOREVER
        return 200, tlog.read_tile_data(tile, store), BINARY, CACHE_IMMUTABLE, FOREVER


@functools.lru_cache(maxsize=1 << 16)
def _parse_lookup(mod: str) -> tuple[str, str]:
    """(path, version) from an escaped M@V, or HttpError 400; cached: lookups repeat."""
    if not _MOD_VER.fullmatch(mod):
        raise HttpError(400, "invalid module@version syntax")
    esc_path, _, esc_vers = mod.partition("@")
    try:
        path = module.unescape_path(esc_path)
        version = module.unescape_version(esc_vers)
        module.check(path, version)
    except ValueError as exc:
        raise HttpError(400, str(exc)) from None
    return path, version


def _sign_empty(store: LogStore, sign: SignFunc) -> Head:
    """The first head of a new log: zero records, the empty hash."""
    signed = sign(tlog.format_tree(tlog.Tree(0, tlog.EMPTY_HASH)))
    store.conn.execute("INSERT OR IGNORE INTO heads VALUES (0, ?, ?)", (tlog.EMPTY_HASH, signed))
    head = store.latest()
    assert head is not None
    return head
