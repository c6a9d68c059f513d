"""A persistent cache of per-file import scans and go.mod summaries, so warm runs stat files
instead of reading and parsing them (the go command keeps a module index in GOCACHE likewise).

Entries are keyed by a file's path, modification time and size, so an edited file is read again;
files inside module zips are keyed by the zip's own path, time and size. Values are JSON in one
SQLite table under the state directory, loaded with one query and written back once.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from gomodcheck.store import connect

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entry (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

FileScan = tuple[bool, tuple[str, ...]]  # (counts under tidy's tags, import paths)


class ScanCache:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[str, str] = {}
        self.new: dict[str, str] = {}
        if path is not None and path.exists():
            try:
                conn = connect(path, schema=_SCHEMA)
                try:
                    self.entries = dict(conn.execute("SELECT key, value FROM entry"))
                finally:
                    conn.close()
            except sqlite3.Error:
                self.entries = {}  # a damaged cache only makes the run slower

    def get_json(self, key: str) -> Any:
        raw = self.entries.get(key)
        if raw is None:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            return None

    def put_json(self, key: str, value: Any) -> None:
        raw = json.dumps(value, separators=(",", ":"))
        self.entries[key] = raw
        self.new[key] = raw

    def get(self, key: str) -> FileScan | None:
        # File scans are the bulk of the cache: a flat "flag<TAB>path<TAB>path" string decodes
        # several times faster than JSON (import paths never contain tabs or newlines).
        raw = self.entries.get("f:" + key)
        if raw is None or not raw:
            return None
        parts = raw.split("\t")
        return parts[0] == "1", tuple(parts[1:])

    def put(self, key: str, value: FileScan) -> None:
        if any("\t" in p for p in value[1]):
            return
        raw = "\t".join(("1" if value[0] else "0", *value[1]))
        self.entries["f:" + key] = raw
        self.new["f:" + key] = raw

    def save(self) -> None:
        if self.path is None or not self.new:
            return
        try:
            conn = connect(self.path, schema=_SCHEMA)
            try:
                conn.execute("BEGIN")
                conn.executemany(
                    "INSERT OR REPLACE INTO entry (key, value) VALUES (?, ?)", self.new.items()
                )
                conn.execute("COMMIT")
            finally:
                conn.close()
        except sqlite3.Error:
            return
        self.new.clear()
