"""Verified checksum-database state on this machine: the latest tree head and a cache.

The latest signed tree head is what makes fork detection possible: every new tree must be proved
an extension of it. It is replaced by compare-and-swap inside an IMMEDIATE transaction, so two
gomodcheck processes cannot roll it back. The cache holds only data that has been verified; its
writes are batched into one transaction because each commit costs an fsync.
"""

from __future__ import annotations

import concurrent.futures
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from gomodcheck.store import connect, state_dir

SCHEMA = """
CREATE TABLE IF NOT EXISTS sumdb_latest (name TEXT PRIMARY KEY, note BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS sumdb_cache (key TEXT PRIMARY KEY, data BLOB NOT NULL);
"""
_FLUSH_EVERY = 1000


class State(Protocol):
    """What the client needs from local storage (x/mod's ClientOps config and cache parts)."""

    def read_latest(self, name: str) -> bytes: ...

    def write_latest(self, name: str, old: bytes, new: bytes) -> bool:
        """Store ``new`` if the stored note is still ``old`` (or absent); False on conflict."""
        ...

    def read_cache(self, key: str) -> bytes | None: ...

    def write_cache(self, key: str, data: bytes) -> None: ...

    def flush(self) -> None: ...


def default_state_path() -> Path:
    return state_dir() / "sumdb.sqlite3"


class SqliteState:
    """State in one SQLite file; one connection per thread, cache writes batched.

    A full batch is committed by a background thread (SQLite does its work without holding the
    interpreter, so the caller goes on proving meanwhile); until committed, its entries are
    still read from memory. flush() waits for those commits and reports their errors.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._lock = threading.Lock()
        self._pending: dict[str, bytes] = {}
        self._writing: dict[str, bytes] = {}  # handed to the writer, not yet committed
        self._writer: concurrent.futures.ThreadPoolExecutor | None = None
        self._writes: list[concurrent.futures.Future[None]] = []
        self._conn()  # create the schema now, so errors surface early

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self.path, schema=SCHEMA)
            self._local.conn = conn
        return conn

    def read_latest(self, name: str) -> bytes:
        row = (
            self._conn().execute("SELECT note FROM sumdb_latest WHERE name = ?", (name,)).fetchone()
        )
        return bytes(row[0]) if row else b""

    def write_latest(self, name: str, old: bytes, new: bytes) -> bool:
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn.execute("SELECT note FROM sumdb_latest WHERE name = ?", (name,)).fetchone()
            if row is not None and bytes(row[0]) and bytes(row[0]) != old:
                conn.execute("ROLLBACK")
                return False
            conn.execute(
                "INSERT INTO sumdb_latest (name, note) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET note = excluded.note",
                (name, new),
            )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return True

    def read_cache(self, key: str) -> bytes | None:
        with self._lock:
            pending = self._pending.get(key) or self._writing.get(key)
        if pending is not None:
            return pending
        row = self._conn().execute("SELECT data FROM sumdb_cache WHERE key = ?", (key,)).fetchone()
        return bytes(row[0]) if row and row[0] else None

    def cached_keys(self, keys: Sequence[str]) -> set[str]:
        """Which of keys the cache holds, in a few queries instead of one per key."""
        with self._lock:
            found = {k for k in keys if k in self._pending or k in self._writing}
        rest = [k for k in keys if k not in found]
        for i in range(0, len(rest), 500):
            part = rest[i : i + 500]
            marks = ",".join("?" * len(part))
            query = f"SELECT key FROM sumdb_cache WHERE key IN ({marks})"  # noqa: S608 - placeholders only
            found.update(str(r[0]) for r in self._conn().execute(query, part))
        return found

    def read_many(self, keys: Sequence[str]) -> dict[str, bytes]:
        """The cached entries among keys, in a few queries instead of one per key."""
        with self._lock:
            found = {k: v for k in keys if (v := self._pending.get(k) or self._writing.get(k))}
        conn = self._conn()
        rest = [k for k in keys if k not in found]
        for i in range(0, len(rest), 500):
            part = rest[i : i + 500]
            marks = ",".join("?" * len(part))
            query = f"SELECT key, data FROM sumdb_cache WHERE key IN ({marks})"  # noqa: S608 - placeholders only
            found.update((str(k), bytes(d)) for k, d in conn.execute(query, part) if d)
        return found

    def write_cache(self, key: str, data: bytes) -> None:
        with self._lock:
            self._pending[key] = data
            if len(self._pending) < _FLUSH_EVERY:
                return
            batch, self._pending = self._pending, {}
            self._writing.update(batch)
            if self._writer is None:
                self._writer = concurrent.futures.ThreadPoolExecutor(
                    1, thread_name_prefix="sumdb-state"
                )
            self._writes.append(self._writer.submit(self._commit, batch))

    def flush(self) -> None:
        """Commit every write made so far (waiting for background commits); raise their errors."""
        with self._lock:
            writes, self._writes = self._writes, []
            batch, self._pending = self._pending, {}
        for write in writes:
            write.result()
        if batch:
            self._commit(batch)

    def _commit(self, batch: dict[str, bytes]) -> None:
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany(
                "INSERT OR REPLACE INTO sumdb_cache (key, data) VALUES (?, ?)", batch.items()
            )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            with self._lock:
                for key, data in batch.items():
                    if self._writing.get(key) is data:
                        del self._writing[key]

    def cache_keys(self, prefix: str) -> list[str]:
        """Keys under a prefix (for tests and bundles)."""
        self.flush()
        rows = (
            self._conn()
            .execute(
                "SELECT key FROM sumdb_cache WHERE substr(key, 1, ?) = ? ORDER BY key",
                (len(prefix), prefix),
            )
            .fetchall()
        )
        return [str(r[0]) for r in rows]


class MemoryState:
    """State in memory, for tests and one-shot runs."""

    def __init__(self) -> None:
        self.latest: dict[str, bytes] = {}
        self.cache: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def read_latest(self, name: str) -> bytes:
        with self._lock:
            return self.latest.get(name, b"")

    def write_latest(self, name: str, old: bytes, new: bytes) -> bool:
        with self._lock:
            have = self.latest.get(name, b"")
            if have and have != old:
                return False
            self.latest[name] = new
            return True

    def read_cache(self, key: str) -> bytes | None:
        with self._lock:
            return self.cache.get(key)

    def cached_keys(self, keys: Sequence[str]) -> set[str]:
        with self._lock:
            return {k for k in keys if k in self.cache}

    def read_many(self, keys: Sequence[str]) -> dict[str, bytes]:
        with self._lock:
            return {k: self.cache[k] for k in keys if k in self.cache}

    def write_cache(self, key: str, data: bytes) -> None:
        with self._lock:
            self.cache[key] = data

    def flush(self) -> None:
        pass
