"""A persistent cache of file digests, keyed by file identity, so unchanged files are not re-hashed.

A file's identity is (size, mtime_ns, inode, ctime_ns) as lstat reports it. A write, a rename over
it, a chmod or a touch changes at least ctime, and ctime cannot be set back without changing the
system clock, so a stored digest is reused only for a file nobody has touched since it was hashed.
Files touched in the last few seconds are not stored ("racy" entries, as git calls them): a write
within the same timestamp tick right after we hashed would otherwise go unnoticed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from gomodcheck import store

SCHEMA = """
CREATE TABLE IF NOT EXISTS file_digest (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    inode INTEGER NOT NULL,
    ctime_ns INTEGER NOT NULL,
    digest TEXT NOT NULL
);
"""
RACY_SECONDS = 3


@dataclass(frozen=True)
class Identity:
    size: int
    mtime_ns: int
    inode: int
    ctime_ns: int

    @classmethod
    def of(cls, st: os.stat_result) -> Identity:
        return cls(st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)

    def is_racy(self, now_ns: int) -> bool:
        return now_ns - max(self.mtime_ns, self.ctime_ns) < RACY_SECONDS * 1_000_000_000


@dataclass(frozen=True)
class Entry:
    path: str
    identity: Identity
    digest: str


def default_path() -> Path:
    return store.state_dir() / "file-digests.sqlite3"


Known = dict[str, tuple[Identity, str]]


class DigestView:
    """The digests known for some files, and the ones computed since; used by one worker.

    A worker (thread or process) gets the snapshot for the files it will read and hands back
    what it computed, so the database is only touched by the process that opened it.
    """

    def __init__(self, known: Known | None = None) -> None:
        self.known: Known = known or {}
        self.new: list[Entry] = []

    def get(self, path: str, identity: Identity) -> str | None:
        """The stored digest when the file's identity is unchanged, else None (re-hash it)."""
        known = self.known.get(path)
        if known is None or known[0] != identity:
            return None
        return known[1]

    def put(self, path: str, identity: Identity, digest: str) -> None:
        self.new.append(Entry(path, identity, digest))


class DigestCache:
    """Digests by absolute path in SQLite; db_path None stores nothing (every file is hashed)."""

    def __init__(self, db_path: Path | None) -> None:
        self._conn = store.connect(db_path, schema=SCHEMA) if db_path is not None else None

    def snapshot(self, prefixes: Iterable[str]) -> Known:
        """The entries for the given files and for the files under the given directories."""
        found: Known = {}
        if self._conn is None:
            return found
        for prefix in prefixes:
            rows = self._conn.execute(
                "SELECT path, size, mtime_ns, inode, ctime_ns, digest FROM file_digest "
                "WHERE path = ? OR (path >= ? AND path < ?)",
                (prefix, prefix + "/", prefix + "0"),  # "0" sorts right after "/"
            )
            for path, size, mtime, ino, ctime, digest in rows:
                found[path] = (Identity(size, mtime, ino, ctime), digest)
        return found

    def store(self, entries: Iterable[Entry]) -> int:
        """Write digests computed now, leaving out racy ones; returns how many were stored."""
        now = time.time_ns()
        rows = [
            (
                e.path,
                e.identity.size,
                e.identity.mtime_ns,
                e.identity.inode,
                e.identity.ctime_ns,
                e.digest,
            )
            for e in entries
            if not e.identity.is_racy(now) and _storable(e.path)
        ]
        if rows and self._conn is not None:
            self._conn.execute("BEGIN")
            try:
                self._conn.executemany(
                    "INSERT OR REPLACE INTO file_digest VALUES (?, ?, ?, ?, ?, ?)", rows
                )
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
        return len(rows) if self._conn is not None else 0

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()


def _storable(path: str) -> bool:
    # A name that is not UTF-8 (surrogate escapes) cannot be SQLite TEXT: hash it every time.
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


__all__ = ["DigestCache", "DigestView", "Entry", "Identity", "Known", "default_path"]
