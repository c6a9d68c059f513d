"""A verifying mirror of a public checksum database (sum.golang.org or another).

Everything passed on is proved first, with gomodcheck.sumdb's client: tree heads must verify with
the database's key and extend the last tree head the mirror verified (a fork is a SecurityError,
logged with both notes and the proof, and the mirror keeps serving its last verified state);
lookups must be proved included in their tree; tiles must hash up to a verified tree. Only proved
bytes enter the cache, and the cache answers when the upstream is unreachable.

Mounted as ``/sumdb/<name>/...`` with ``/sumdb/<name>/supported``, as a module proxy exposes a
database to the go command (GOPROXY=https://mirror,... with GOSUMDB=<name>).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from gomodcheck import tlog
from gomodcheck.errors import FetchError, NotFoundError, SecurityError, VerificationError
from gomodcheck.fetcher import Fetcher, HttpFetcher
from gomodcheck.note import parse_verifier_key
from gomodcheck.proxy import join_url
from gomodcheck.sumdb.client import Client, NotInDatabaseError
from gomodcheck.sumdb.state import SqliteState

LOG = logging.getLogger("gomodcheck.server.mirror")
HASH = tlog.HASH_SIZE


class MirrorError(Exception):
    """Carries the HTTP status the mirror answers with."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(message)


class _Remote:
    def __init__(self, base: str, fetcher: Fetcher) -> None:
        self.base = base.rstrip("/")
        self.fetcher = fetcher

    def read(self, path: str, *, max_size: int) -> bytes:
        return self.fetcher.fetch(join_url(self.base, path), max_size=max_size)


class _Tiles:
    """tlog TileReader: the verified cache first, else the upstream; saves only what verified."""

    def __init__(self, mirror: Mirror) -> None:
        self.mirror = mirror

    def height(self) -> int:
        return self.mirror.height

    def read_tiles(self, tiles: Sequence[tlog.Tile], /) -> list[bytes]:
        out = []
        for t in tiles:
            cached = self.mirror.cached_tile(t)
            out.append(cached if cached is not None else self.mirror.fetch_tile(t))
        return out

    def save_tiles(self, tiles: Sequence[tlog.Tile], data: Sequence[bytes], /) -> None:
        for t, d in zip(tiles, data, strict=True):
            self.mirror.state.write_cache(self.mirror.key(t), d)
        self.mirror.state.flush()


class Mirror:
    """One mirrored database. Methods block (network, SQLite): call them from worker threads."""

    def __init__(
        self,
        verifier_key: str,
        upstream: str,
        state_path: Path,
        *,
        fetcher: Fetcher | None = None,
        refresh_interval: float = 5.0,
        height: int = 8,
    ) -> None:
        self.name = parse_verifier_key(verifier_key).name
        self.upstream = upstream
        self.state = SqliteState(state_path)
        self.remote = _Remote(upstream, fetcher or HttpFetcher())
        self.client = Client(verifier_key, self.remote, self.state, tile_height=height)
        self.height = height
        self.refresh_interval = refresh_interval
        self._last_refresh = 0.0
        self._lock = threading.Lock()
        self.incident: str = ""  # the last SecurityError, shown on /healthz

    def key(self, tile: tlog.Tile) -> str:
        return f"{self.name}/{tile.path()}"

    # --- tree heads ----------------------------------------------------------------------

    def latest(self) -> bytes:
        self.refresh()
        msg = self.client.latest[1]
        if not msg:
            raise MirrorError(503, f"{self.name}: upstream unreachable and no verified tree yet")
        return msg

    def refresh(self, force: bool = False) -> None:
        with self._lock:
            now = time.monotonic()
            if not force and now - self._last_refresh < self.refresh_interval:
                return
            self._last_refresh = now
        try:
            self.client.refresh()
        except SecurityError as exc:
            self._report(exc)
        except (FetchError, VerificationError) as exc:
            LOG.warning("mirror %s: cannot refresh, serving cache: %s", self.name, exc)
        finally:
            self.state.flush()

    def _report(self, exc: SecurityError) -> None:
        self.incident = exc.diagnostics()
        LOG.error(
            "mirror %s: upstream misbehaved; serving the last verified state\n%s",
            self.name,
            self.incident,
        )

    # --- lookups -------------------------------------------------------------------------

    def lookup(self, escaped: str, path: str, version: str) -> bytes:
        """The upstream's lookup response, served only once proved (from cache if offline)."""
        try:
            self.client.lookup(path, version)
        except NotInDatabaseError as exc:
            raise MirrorError(404, f"not found: {path}@{version}") from exc
        except SecurityError as exc:
            self._report(exc)
            raise MirrorError(502, f"upstream failed verification: {exc}") from exc
        except VerificationError as exc:
            raise MirrorError(502, f"upstream failed verification: {exc}") from exc
        except NotFoundError as exc:
            raise MirrorError(404, f"not found: {path}@{version}") from exc
        except FetchError as exc:
            raise MirrorError(503, f"upstream unavailable and not cached: {exc}") from exc
        finally:
            self.state.flush()
        data = self.state.read_cache(f"{self.name}/lookup/{escaped}")
        if data is None:  # verified from the network but evicted meanwhile: cannot happen
            raise MirrorError(503, "lookup verified but not cached")
        return data

    # --- tiles ---------------------------------------------------------------------------

    def cached_tile(self, tile: tlog.Tile) -> bytes | None:
        """A verified tile from the cache, cutting it from a wider verified one if needed."""
        exact = self.state.read_cache(self.key(tile))
        if exact is not None:
            return exact
        full = tlog.Tile(tile.H, tile.L, tile.N, 1 << tile.H)
        candidates = [full]
        tree = self.client.latest[0]
        wider = tlog.tile_parent(tile, 0, tree.n) if tile.L >= 0 else None
        if wider is not None and wider.W > tile.W:
            candidates.append(wider)
        for c in candidates:
            data = self.state.read_cache(self.key(c))
            if data is None:
                continue
            if tile.L == -1:
                records = _split_records(data)
                if len(records) >= tile.W:
                    return b"".join(records[: tile.W])
            elif len(data) >= tile.W * HASH:
                return data[: tile.W * HASH]
        return None

    def fetch_tile(self, tile: tlog.Tile) -> bytes:
        """Unverified bytes from the upstream (a partial tile may be cut from the full one)."""
        size = tile.W * HASH if tile.L >= 0 else 64 << 20
        try:
            return self.remote.read(f"/{tile.path()}", max_size=size)
        except NotFoundError:
            full = tlog.Tile(tile.H, tile.L, tile.N, 1 << tile.H)
            if tile == full or tile.L == -1:
                raise
            return self.remote.read(f"/{full.path()}", max_size=full.W * HASH)[:size]

    def tile(self, tile_path: str) -> bytes:
        try:
            tile = tlog.parse_tile_path(tile_path)
        except tlog.MalformedError:
            raise MirrorError(400, "invalid tile syntax") from None
        height = tile.H
        if height != self.height:
            raise MirrorError(404, f"tile height {height} not served")
        cached = self.cached_tile(tile)
        if cached is not None:
            return cached
        try:
            data = self._verify_tile(tile)
        except SecurityError as exc:
            self._report(exc)
            raise MirrorError(502, f"upstream failed verification: {exc}") from exc
        except VerificationError as exc:
            raise MirrorError(502, f"upstream tile failed verification: {exc}") from exc
        except NotFoundError as exc:
            raise MirrorError(404, f"{tile_path}: not found upstream") from exc
        except FetchError as exc:
            raise MirrorError(503, f"upstream unavailable and not cached: {exc}") from exc
        finally:
            self.state.flush()
        return data

    def _verify_tile(self, tile: tlog.Tile) -> bytes:
        last = (tile.N << tile.H) + tile.W - 1  # the tile's last hash, at level H*L
        level = 0 if tile.L == -1 else tile.L * tile.H
        tree = self.client.latest[0]
        if (last + 1) << level > tree.n:
            self.refresh(force=True)
            tree = self.client.latest[0]
            if (last + 1) << level > tree.n:
                raise MirrorError(404, f"{tile.path()}: beyond the verified tree ({tree.n})")
        reader = tlog.TileHashReader(tree, _Tiles(self))
        if tile.L >= 0:
            reader.read_hashes([tlog.stored_hash_index(level, last)])
            cached = self.cached_tile(tile)
            if cached is None:
                raise MirrorError(503, f"{tile.path()}: verified but not cached")
            return cached
        first = tile.N << tile.H
        hashes = reader.read_hashes([tlog.stored_hash_index(0, first + i) for i in range(tile.W)])
        data = self.fetch_tile(tile)
        records = _split_records(data)
        if len(records) != tile.W or any(
            tlog.record_hash(r[:-1]) != h for r, h in zip(records, hashes, strict=True)
        ):
            raise VerificationError(f"{tile.path()}: records do not match the verified tree")
        self.state.write_cache(self.key(tile), data)
        return data


def _split_records(data: bytes) -> list[bytes]:
    """A data tile's records, each with its trailing blank line (text + "\\n")."""
    out = []
    start = 0
    while start < len(data):
        end = data.find(b"\n\n", start)
        if end < 0:
            break
        out.append(data[start : end + 2])
        start = end + 2
    return out
