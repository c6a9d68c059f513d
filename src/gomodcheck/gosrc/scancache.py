"""A persistent cache of per-file import scans, so warm runs stat files instead of reading them.

The go command keeps a module index in GOCACHE for the same reason. A file's entry is keyed by
its path, modification time and size, so an edited file is rescanned; files inside module zips
are keyed by the zip's own path, time and size. Entries live in SQLite under the state directory.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from gomodcheck.store import connect

_SCHEMA = """
CREATE TABLE IF NOT EXISTS file_scan (
    key TEXT PRIMARY KEY,
    included INTEGER NOT NULL,
    imports TEXT NOT NULL
);
"""

FileScan = tuple[bool, tuple[str, ...]]  # (counts under tidy's tags, import paths)


class ScanCache:
    """Loaded whole at start (one query), written back once at the end."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[str, FileScan] = {}
        self.new: dict[str, FileScan] = {}
        if path is not None and path.exists():
            try:
                with _open(path) as conn:
                    for key, included, imports in conn.execute(
                        "SELECT key, included, imports FROM file_scan"
                    ):
                        self.entries[key] = (bool(included), tuple(json.loads(imports)))
            except (sqlite3.Error, ValueError):
                self.entries = {}  # a damaged cache is only a slower run

    def get(self, key: str) -> FileScan | None:
        return self.entries.get(key)

    def put(self, key: str, value: FileScan) -> None:
        self.entries[key] = value
        self.new[key] = value

    def save(self) -> None:
        if self.path is None or not self.new:
            return
        try:
            with _open(self.path) as conn:
                conn.executemany(
                    "INSERT OR REPLACE INTO file_scan (key, included, imports) VALUES (?, ?, ?)",
                    [(k, int(v[0]), json.dumps(v[1])) for k, v in self.new.items()],
                )
        except sqlite3.Error:
            return
        self.new.clear()


class _open:  # noqa: N801 - a context manager used like a function
    def __init__(self, path: Path) -> None:
        self.conn = connect(path, schema=_SCHEMA)

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN")
        return self.conn

    def __exit__(self, *exc: object) -> None:
        self.conn.execute("COMMIT" if exc[0] is None else "ROLLBACK")
        self.conn.close()
