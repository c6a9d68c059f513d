"""The mirror's behaviour, free of HTTP: what to answer for /latest, /lookup/... and /tile/...

Everything served is proved first, and everything proved is kept in the store (the same SQLite
schema as the client's verified cache, so a bundle import or a client run can fill it):

- /latest: the upstream's note is verified with the key and proved consistent with the newest
  tree verified so far (stored by compare-and-swap); we answer our newest verified note, so a
  stale or lying upstream can never move us backwards or sideways.
- /lookup/M@V: the record must be proved included in the tree of the note that comes with it,
  and that tree consistent with ours.
- /tile/H/L/N[.p/W]: the hashes are read through a tile reader that proves every tile against the
  signed root of our newest tree (parents before children); a data tile's records must hash to
  the proved level-0 hashes.

What the store holds was proved when it was written, so it is served as is: that is what makes
serving with the upstream down possible. A proof that fails is an alert (with the evidence, such
as both signed notes of a fork); the answer is then our last verified state, never the lie.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gomodcheck import module
from gomodcheck.errors import (
    FetchError,
    GomodcheckError,
    NotFoundError,
    SecurityError,
    UsageError,
    VerificationError,
)
from gomodcheck.fetcher import FetchPolicy, HttpFetcher
from gomodcheck.mirror.alerts import AlertLog
from gomodcheck.mirror.client import MirrorClient, SingleFlight
from gomodcheck.mirror.config import MirrorConfig
from gomodcheck.note import parse_verifier_key
from gomodcheck.sumdb import (
    MAX_LOOKUP,
    HttpRemote,
    NotInDatabaseError,
    OfflineError,
    Remote,
    SqliteState,
    SumdbConfig,
)
from gomodcheck.tlog import (
    HASH_SIZE,
    MalformedError,
    Tile,
    Tree,
    parse_tile_path,
    read_tile_data,
    record_hash,
    stored_hash_index,
)

LOG = logging.getLogger("gomodcheck.mirror")
MAX_LATEST = 64 << 10
TILE_HEIGHT = 8  # the height sum.golang.org and the go command use
# x/mod's server checks this syntax before unescaping a lookup path.
_MOD_VER = re.compile(r"[^@]+@v[0-9]+\.[0-9]+\.[0-9]+(-[^@]*)?(\+incompatible)?")
# Recreate the client (dropping its in-memory tile memo) after this many verified tiles, so a
# crawler cannot grow the process without bound; the store keeps everything.
_RECYCLE_AFTER = 20_000


class BadRequestError(GomodcheckError):
    """The request itself is malformed (400)."""


@dataclass(frozen=True)
class MirrorSettings:
    """What a mirror needs besides its store and upstream."""

    key: str
    # Seconds between upstream /latest fetches; requests in between get the stored note.
    latest_interval: float = 5.0
    # Bytes of proved answers kept in memory for serving without touching the store.
    memory_cache_bytes: int = 64 << 20


class MemoryCache:
    """A bounded LRU of immutable answers by path (tiles and lookups never change once proved);
    also the tile cache of ``sumdb serve``'s private database."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._size = 0
        self._data: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            data = self._data.get(key)
            if data is not None:
                self._data.move_to_end(key)
            return data

    def put(self, key: str, data: bytes) -> None:
        with self._lock:
            if key in self._data or len(data) > self.max_bytes:
                return
            self._data[key] = data
            self._size += len(data)
            while self._size > self.max_bytes:
                _, old = self._data.popitem(last=False)
                self._size -= len(old)


class Mirror:
    """A verifying mirror of one checksum database over a store and an optional upstream."""

    def __init__(
        self,
        settings: MirrorSettings,
        state: SqliteState,
        remote: Remote | None,
        alerts: AlertLog,
    ) -> None:
        self.settings = settings
        self.state = state
        self.remote = remote
        self.alerts = alerts
        self.memory = MemoryCache(settings.memory_cache_bytes)
        self._client = MirrorClient(settings.key, remote, state, tile_height=TILE_HEIGHT)
        self.name = self._client.name
        self._flights = SingleFlight()
        self._refresh_lock = threading.Lock()
        self._last_refresh = float("-inf")

    @property
    def offline(self) -> bool:
        return self.remote is None

    @property
    def client(self) -> MirrorClient:
        client = self._client
        if client.tiles_verified > _RECYCLE_AFTER:
            # In-flight requests keep the old one; its proofs stay valid for them.
            client = MirrorClient(
                self.settings.key, self.remote, self.state, tile_height=TILE_HEIGHT
            )
            self._client = client
        return client

    def tree(self) -> Tree:
        return self.client.latest[0]

    # /latest

    def latest(self) -> bytes:
        """Our newest verified signed tree head, after asking the upstream if it is time."""
        self.refresh()
        msg = self.client.latest[1]
        if not msg:
            raise OfflineError("no verified tree head yet (upstream unreachable or offline)")
        return msg

    def fresh_latest(self) -> bytes | None:
        """What ``latest`` would answer, when that needs no upstream fetch (none is due, or one
        is under way elsewhere): our newest verified note. None when a fetch is due or
        nothing is verified yet; ``latest`` (which may block) answers then."""
        if (
            self.remote is not None
            and time.monotonic() - self._last_refresh >= self.settings.latest_interval
            and not self._refresh_lock.locked()
        ):
            return None
        return self._client.latest[1] or None  # (not .client: that may open a new one)

    def refresh(self, *, force: bool = False) -> None:
        """Fetch the upstream's /latest and accept it if it proves out; never raises for it."""
        if self.remote is None:
            return
        now = time.monotonic()
        if not force and now - self._last_refresh < self.settings.latest_interval:
            return
        if not self._refresh_lock.acquire(blocking=force):
            return  # someone is refreshing; the stored note is a fine answer meanwhile
        try:
            self._last_refresh = now
            try:
                msg = self.remote.read("/latest", max_size=MAX_LATEST)
            except FetchError as exc:
                LOG.warning("upstream /latest unavailable, serving verified state: %s", exc)
                return
            try:
                tree = self.client.accept_note(msg)
                if tree.n > 0 and tree == self.tree():
                    # Hold the tiles of our newest tree: they prove a later fork (even to a
                    # smaller tree) and serve the go command when the upstream is gone.
                    self.client.proved_hashes(tree, [stored_hash_index(0, tree.n - 1)])
                    self.state.flush()
            except VerificationError as exc:
                self._alert("/latest", exc, msg)
            except FetchError as exc:
                LOG.warning("cannot check the upstream's /latest, serving verified state: %s", exc)
        finally:
            self._refresh_lock.release()

    # /lookup/M@V

    def lookup(self, mod: str) -> bytes:
        """The proved lookup answer for an escaped ``path@version`` (as the go command sends)."""
        remote_path = "/lookup/" + _canonical_lookup(mod)
        hit = self.memory.get(remote_path)
        if hit is not None:
            return hit
        return self._flights.do(remote_path, lambda: self._lookup(remote_path))

    def _lookup(self, remote_path: str) -> bytes:
        key = self.name + remote_path
        data = self.state.read_cache(key)
        if data is None:
            if self.remote is None:
                raise OfflineError(f"{remote_path} is not in the verified store")
            try:
                data = self.remote.read(remote_path, max_size=MAX_LOOKUP)
            except NotFoundError as exc:
                raise NotInDatabaseError(f"{remote_path}: {exc}") from None
            try:
                self.client.prove_lookup(data)
            except VerificationError as exc:
                self._alert(remote_path, exc, data)
                raise
            self.state.write_cache(key, data)
            self.state.flush()
        self.memory.put(remote_path, data)
        return data

    # /tile/...

    def tile(self, tile_path: str) -> bytes:
        """The bytes of a tile, proved against our newest verified tree (or from the store)."""
        hit = self.memory.get(tile_path)
        if hit is not None:
            return hit
        try:
            tile = parse_tile_path(tile_path)
        except MalformedError:
            raise BadRequestError(f"malformed tile path {tile_path!r}") from None
        if tile.H != TILE_HEIGHT:
            raise NotFoundError(f"tile height {tile.H} not served (only {TILE_HEIGHT})")
        return self._flights.do(tile_path, lambda: self._tile(tile))

    def _tile(self, tile: Tile) -> bytes:
        data = self._stored_tile(tile)
        if data is None:
            if self.remote is None:
                raise OfflineError(f"{tile.path()} is not in the verified store")
            tree = self.tree()
            if not _in_tree(tile, tree.n):
                # The client may hold a newer tree than ours (another mirror, a lookup note).
                self.refresh(force=True)
                tree = self.tree()
                if not _in_tree(tile, tree.n):
                    raise NotFoundError(f"{tile.path()} is beyond the verified tree of {tree.n}")
            try:
                data = (
                    self._prove_data_tile(tile, tree)
                    if tile.L == -1
                    else self._prove_tile(tile, tree)
                )
            except VerificationError as exc:
                self._alert("/" + tile.path(), exc, b"")
                raise
            self.state.write_cache(f"{self.name}/{tile.path()}", data)
            self.state.flush()
        self.memory.put(tile.path(), data)
        return data

    def _stored_tile(self, tile: Tile) -> bytes | None:
        data = self.state.read_cache(f"{self.name}/{tile.path()}")
        if data is not None:
            return data
        full = Tile(tile.H, tile.L, tile.N, 1 << tile.H)
        if tile == full or tile.L == -1:
            return None
        data = self.state.read_cache(f"{self.name}/{full.path()}")
        # A partial tile is a prefix of the full one: the hashes of complete subtrees never change.
        return data[: tile.W * HASH_SIZE] if data is not None else None

    def _prove_tile(self, tile: Tile, tree: Tree) -> bytes:
        client = self.client

        class _Proved:
            def read_hashes(self, indexes: Sequence[int], /) -> list[bytes]:
                return client.proved_hashes(tree, indexes)

        return read_tile_data(tile, _Proved())

    def _prove_data_tile(self, tile: Tile, tree: Tree) -> bytes:
        """Fetch a data tile and check each record against the proved level-0 hashes."""
        assert self.remote is not None
        data = self.remote.read("/" + tile.path(), max_size=tile.W * MAX_LOOKUP)
        records = _split_data_tile(data, tile.W)
        start = tile.N << tile.H
        want = self.client.proved_hashes(
            tree, [stored_hash_index(0, start + i) for i in range(tile.W)]
        )
        for i, (text, h) in enumerate(zip(records, want, strict=True)):
            if record_hash(text) != h:
                raise VerificationError(
                    f"data tile {tile.path()}: record {start + i} does not hash to the tree"
                )
        return data

    # Alerts.

    def _alert(self, what: str, exc: VerificationError, served: bytes) -> None:
        """Record proof of a lying (or broken) upstream; the caller keeps the verified state."""
        evidence = list(exc.evidence) if isinstance(exc, SecurityError) else []
        ours = self.client.latest[1]
        if not evidence:
            evidence = [
                "verified tree head kept:\n" + ours.decode("utf-8", "replace"),
                "upstream answer:\n" + served[:4096].decode("utf-8", "replace"),
            ]
        kind = "fork" if isinstance(exc, SecurityError) else "verification"
        entry = self.alerts.add(kind, what, str(exc), evidence)
        LOG.error(json.dumps(entry, separators=(",", ":")))


def _canonical_lookup(mod: str) -> str:
    """Check an escaped path@version and return it; only the canonical escaping is accepted."""
    if len(mod) > 1024 or not _MOD_VER.fullmatch(mod):
        raise BadRequestError("invalid module@version syntax")
    esc_path, _, esc_vers = mod.partition("@")
    try:
        path = module.unescape_path(esc_path)
        version = module.unescape_version(esc_vers)
        module.check(path, version)
        canonical = f"{module.escape_path(path)}@{module.escape_version(version)}"
    except ValueError as exc:
        raise BadRequestError(str(exc)) from None
    if canonical != mod:
        raise BadRequestError("module path or version is not in canonical escaped form")
    return canonical


def _in_tree(tile: Tile, n: int) -> bool:
    first = tile.N << tile.H
    if tile.L == -1:
        return first + tile.W <= n
    return (first + tile.W) << (tile.H * tile.L) <= n


def _split_data_tile(data: bytes, width: int) -> list[bytes]:
    """A data tile is the records' texts, each followed by a blank line (x/mod server)."""
    if not data.endswith(b"\n\n"):
        raise VerificationError("malformed data tile")
    texts = [chunk + b"\n" for chunk in data[:-2].split(b"\n\n")]
    if len(texts) != width:
        raise VerificationError(f"data tile has {len(texts)} records, want {width}")
    return texts


def open_store(db: Path) -> SqliteState:
    """The mirror's store: the client's verified-cache schema in one SQLite file."""
    return SqliteState(db)


def open_mirror(config: MirrorConfig) -> Mirror:
    """The mirror for a config: its store, its upstream (none when offline), its alert log."""
    try:
        name = parse_verifier_key(config.key).name
    except GomodcheckError as exc:
        raise UsageError(f"--key: {exc}") from None
    state = open_store(config.db)
    remote = None
    if not config.offline:
        # The upstream is one fixed URL: no GOPROXY resolution, no fallback to https://<name>.
        sumdb = SumdbConfig(name, config.key, config.upstream.rstrip("/"))
        fetcher = HttpFetcher(
            FetchPolicy(connect_timeout=5.0, read_timeout=20.0, deadline=30.0, attempts=2)
        )
        remote = HttpRemote(sumdb, (), fetcher)
    settings = MirrorSettings(config.key, latest_interval=config.latest_interval)
    return Mirror(settings, state, remote, AlertLog(config.db))
