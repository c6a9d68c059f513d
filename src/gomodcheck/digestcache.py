"""A persistent cache of file digests, keyed by file identity, so unchanged files are not re-hashed.

A file's identity is (size, mtime_ns, inode, ctime_ns) as lstat reports it. A write, a rename over
it, a chmod or a touch changes at least ctime, and ctime cannot be set back without changing the
system clock, so a stored digest is reused only for a file nobody has touched since it was hashed.
Files touched in the last few seconds are not stored ("racy" entries, as git calls them): a write
within the same timestamp tick right after we hashed would otherwise go unnoticed.

Workers (threads or processes) each open the database read-only, take a snapshot of the files
they will read and hand back what they computed; only the opening process writes.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

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


class Identity(NamedTuple):
    """What lstat says about a file; a NamedTuple because one is built per file checked."""

    size: int
    mtime_ns: int
    inode: int
    ctime_ns: int

    @classmethod
    def of(cls, st: os.stat_result) -> Identity:
        return cls(st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)

    def is_racy(self, now_ns: int) -> bool:
        return now_ns - max(self.mtime_ns, self.ctime_ns) < RACY_SECONDS * 1_000_000_000


class Entry(NamedTuple):
    path: str
    identity: Identity
    digest: str


# path -> ((size, mtime_ns, inode, ctime_ns), digest); the tuple compares equal to an Identity.
Known = dict[str, tuple[tuple[int, int, int, int], str]]


def default_path() -> Path:
    return store.state_dir() / "file-digests.sqlite3"


_SNAPSHOT_SQL = (
    "SELECT path, size, mtime_ns, inode, ctime_ns, digest FROM file_digest "
    "WHERE path = ? OR (path >= ? AND path < ?)"
)


def _snapshot(conn: sqlite3.Connection, prefixes: Iterable[str]) -> Known:
    found: Known = {}
    for prefix in prefixes:
        # Every path below prefix/ sorts between "prefix/" and "prefix0" ("0" follows "/").
        for path, size, mtime, ino, ctime, digest in conn.execute(
            _SNAPSHOT_SQL, (prefix, prefix + "/", prefix + "0")
        ):
            found[path] = ((size, mtime, ino, ctime), digest)
    return found


class DigestView:
    """The digests known for some files, and the ones computed since; used by one worker."""

    def __init__(self, known: Known | None = None) -> None:
        self.known: Known = known if known is not None else {}
        self.new: list[Entry] = []

    def get(self, path: str, identity: Identity) -> str | None:
        """The stored digest when the file's identity is unchanged, else None (re-hash it)."""
        known = self.known.get(path)
        if known is None or known[0] != identity:
            return None
        return known[1]

    def put(self, path: str, identity: Identity, digest: str) -> None:
        self.new.append(Entry(path, identity, digest))


# One read-only connection per (process, database file): a connection must not cross a fork,
# and a database deleted and created again at the same path is a different file.
_readers: dict[tuple[int, Path, int], sqlite3.Connection] = {}


def reader_view(db_path: Path | None, prefixes: Iterable[str]) -> DigestView:
    """A view seeded from the database, read through one read-only connection per process."""
    try:
        inode = db_path.stat().st_ino if db_path is not None else 0
    except OSError:
        return DigestView()
    if db_path is None:
        return DigestView()
    key = (os.getpid(), db_path, inode)
    conn = _readers.get(key)
    if conn is None:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30.0)
        _readers[key] = conn
    try:
        return DigestView(_snapshot(conn, prefixes))
    except sqlite3.Error:
        return DigestView()  # an unreadable cache only costs time: hash everything


class DigestCache:
    """Digests by absolute path in SQLite; db_path None stores nothing (every file is hashed)."""

    def __init__(self, db_path: Path | None) -> None:
        self.db_path = db_path
        self._conn = store.connect(db_path, schema=SCHEMA) if db_path is not None else None

    def view(self, prefixes: Iterable[str]) -> DigestView:
        """A view with the entries for the given files and the files under the given dirs."""
        return DigestView(_snapshot(self._conn, prefixes) if self._conn is not None else {})

    def store(self, entries: Iterable[Entry]) -> int:
        """Write digests computed now, leaving out racy ones; returns how many were stored."""
        if self._conn is None:
            return 0
        now = time.time_ns()
        rows = [
            (e.path, *e.identity, e.digest)
            for e in entries
            if not e.identity.is_racy(now) and _storable(e.path)
        ]
        if rows:
            self._conn.execute("BEGIN")
            try:
                self._conn.executemany(
                    "INSERT OR REPLACE INTO file_digest VALUES (?, ?, ?, ?, ?, ?)", rows
                )
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
        return len(rows)

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


__all__ = [
    "DigestCache",
    "DigestView",
    "Entry",
    "Identity",
    "Known",
    "default_path",
    "reader_view",
]
