"""The append-only log of a checksum database, kept in SQLite.

Three tables grow together: ``records`` (one go.sum record per module version), ``hashes`` (the
log's stored hashes in tlog storage order) and ``heads`` (every signed tree head). A batch of new
records is appended in ONE transaction with its stored hashes and the signed head covering it;
SQLite's synchronous=FULL makes the commit durable before any caller is told the record exists.
Triggers refuse UPDATE and DELETE, so the tree can only grow.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from gomodcheck import tlog
from gomodcheck.errors import InputError, SecurityError
from gomodcheck.store import connect

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    version TEXT NOT NULL,
    data BLOB NOT NULL,
    UNIQUE (path, version)
);
CREATE TABLE IF NOT EXISTS hashes (idx INTEGER PRIMARY KEY, hash BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS heads (n INTEGER PRIMARY KEY, hash BLOB NOT NULL, signed BLOB NOT NULL);
CREATE TRIGGER IF NOT EXISTS records_append_only BEFORE UPDATE ON records
    BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS records_no_delete BEFORE DELETE ON records
    BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS hashes_append_only BEFORE UPDATE ON hashes
    BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS hashes_no_delete BEFORE DELETE ON hashes
    BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS heads_append_only BEFORE UPDATE ON heads
    BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS heads_no_delete BEFORE DELETE ON heads
    BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
"""

# Signs a tree head text; returns the whole signed note.
SignFunc = Callable[[bytes], bytes]


@dataclass(frozen=True)
class Head:
    """A signed tree head as stored: size, root hash, and the note clients receive."""

    n: int
    hash: bytes
    signed: bytes


class _DbHashReader:
    """Reads stored hashes from the database, overlaid with hashes not yet committed."""

    def __init__(self, conn: sqlite3.Connection, pending: dict[int, bytes]) -> None:
        self.conn = conn
        self.pending = pending

    def read_hashes(self, indexes: Sequence[int], /) -> list[bytes]:
        found = {i: self.pending[i] for i in indexes if i in self.pending}
        missing = [i for i in indexes if i not in found]
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(
                f"SELECT idx, hash FROM hashes WHERE idx IN ({marks})",  # noqa: S608 - marks only
                chunk,
            )
            found.update(rows)
        if len(found) < len(set(indexes)):
            raise tlog.ProofError("log store is missing stored hashes")
        return [found[i] for i in indexes]


def open_db(path: Path) -> sqlite3.Connection:
    return connect(path, schema=SCHEMA)


class LogStore:
    """Reads and appends the log; one instance per thread (sqlite3 connections are per thread)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn = open_db(path)

    def close(self) -> None:
        self.conn.close()

    # --- metadata -------------------------------------------------------------------------

    def bind_key(self, verifier_key: str) -> None:
        """Tie the database to one signing key: reopening it with another key is refused."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'vkey'").fetchone()
        if row is None:
            self.conn.execute("INSERT OR IGNORE INTO meta VALUES ('vkey', ?)", (verifier_key,))
            return
        if row[0] != verifier_key:
            raise InputError(
                f"{self.path}: this log is signed by {row[0]}, not {verifier_key}; "
                "a checksum database cannot change its key"
            )

    # --- reads ----------------------------------------------------------------------------

    def latest(self) -> Head | None:
        row = self.conn.execute(
            "SELECT n, hash, signed FROM heads ORDER BY n DESC LIMIT 1"
        ).fetchone()
        return Head(int(row[0]), bytes(row[1]), bytes(row[2])) if row else None

    def head(self, n: int) -> Head | None:
        row = self.conn.execute("SELECT n, hash, signed FROM heads WHERE n = ?", (n,)).fetchone()
        return Head(int(row[0]), bytes(row[1]), bytes(row[2])) if row else None

    def heads(self) -> list[Head]:
        rows = self.conn.execute("SELECT n, hash, signed FROM heads ORDER BY n")
        return [Head(int(n), bytes(h), bytes(s)) for n, h, s in rows]

    def record_count(self) -> int:
        row = self.conn.execute("SELECT COALESCE(MAX(id) + 1, 0) FROM records").fetchone()
        return int(row[0])

    def lookup(self, path: str, version: str) -> int | None:
        row = self.conn.execute(
            "SELECT id FROM records WHERE path = ? AND version = ?", (path, version)
        ).fetchone()
        return int(row[0]) if row else None

    def lookup_record(self, path: str, version: str) -> tuple[int, bytes] | None:
        """The record id and text for path@version, in one query (the lookup hot path)."""
        row = self.conn.execute(
            "SELECT id, data FROM records WHERE path = ? AND version = ?", (path, version)
        ).fetchone()
        return (int(row[0]), bytes(row[1])) if row else None

    def read_records(self, start: int, count: int) -> list[bytes]:
        rows = self.conn.execute(
            "SELECT id, data FROM records WHERE id >= ? AND id < ? ORDER BY id",
            (start, start + count),
        ).fetchall()
        if len(rows) != count or (rows and int(rows[0][0]) != start):
            raise tlog.ProofError(f"log store is missing records in [{start}, {start + count})")
        return [bytes(r[1]) for r in rows]

    def read_hashes(self, indexes: Sequence[int], /) -> list[bytes]:
        return _DbHashReader(self.conn, {}).read_hashes(indexes)

    def check_consistent(self) -> Head | None:
        """Cheap start-up check: counts agree and the latest head's hash is the tree's hash."""
        head = self.latest()
        n = self.record_count()
        if head is None:
            if n:
                raise SecurityError(f"{self.path}: {n} records but no signed tree head")
            return None
        if head.n != n:
            raise SecurityError(
                f"{self.path}: latest signed tree has {head.n} records, the log holds {n}"
            )
        row = self.conn.execute("SELECT COALESCE(MAX(idx) + 1, 0) FROM hashes").fetchone()
        if int(row[0]) != tlog.stored_hash_count(n):
            raise SecurityError(f"{self.path}: stored hash count does not match {n} records")
        if tlog.tree_hash(n, self) != head.hash:
            raise SecurityError(f"{self.path}: stored hashes do not match the signed tree head")
        return head

    # --- appends --------------------------------------------------------------------------

    def append(
        self, entries: Iterable[tuple[str, str, bytes]], sign: SignFunc
    ) -> tuple[dict[tuple[str, str], int], Head | None]:
        """Append (path, version, record text) entries not yet present, in one transaction.

        Returns the record id of every entry (existing ones keep their first id: the log never
        changes its answer) and the new head, or None when nothing was added. Safe across
        processes: BEGIN IMMEDIATE takes the write lock before the size is read.
        """
        ids: dict[tuple[str, str], int] = {}
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            n = self.record_count()
            pending: dict[int, bytes] = {}
            reader = _DbHashReader(conn, pending)
            new_records: list[tuple[int, str, str, bytes]] = []
            next_index = tlog.stored_hash_count(n)
            for path, version, text in entries:
                key = (path, version)
                if key in ids:
                    continue
                existing = self.lookup(path, version)
                if existing is not None:
                    ids[key] = existing
                    continue
                if not tlog.is_valid_record_text(text):
                    raise InputError(f"{path}@{version}: malformed record text")
                record_id = n + len(new_records)
                for h in tlog.stored_hashes(record_id, text, reader):
                    pending[next_index] = h
                    next_index += 1
                new_records.append((record_id, path, version, text))
                ids[key] = record_id
            if not new_records:
                conn.execute("COMMIT")
                return ids, None
            size = n + len(new_records)
            root = tlog.tree_hash(size, reader)
            signed = sign(tlog.format_tree(tlog.Tree(size, root)))
            conn.executemany("INSERT INTO records VALUES (?, ?, ?, ?)", new_records)
            conn.executemany("INSERT INTO hashes VALUES (?, ?)", sorted(pending.items()))
            conn.execute("INSERT INTO heads VALUES (?, ?, ?)", (size, root, signed))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return ids, Head(size, root, signed)


def bulk_append(
    store: LogStore,
    entries: Iterable[tuple[str, str, bytes]],
    sign: SignFunc,
    batch: int = 50_000,
) -> Head | None:
    """Append many records (imports, benchmarks) in transactions of ``batch`` records."""
    head: Head | None = None
    chunk: list[tuple[str, str, bytes]] = []
    for entry in entries:
        chunk.append(entry)
        if len(chunk) >= batch:
            head = store.append(chunk, sign)[1] or head
            chunk = []
    if chunk:
        head = store.append(chunk, sign)[1] or head
    return head
