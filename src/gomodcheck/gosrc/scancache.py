"""A persistent cache of per-package import scans and go.mod summaries, so warm runs stat files
instead of reading and parsing them (the go command keeps a module index in GOCACHE likewise).

One SQLite table of key -> text under the state directory. Rows are read one key at a time as a
run asks for them (a run needs a few thousand; the table holds every project and module version
ever scanned) and the new ones are written back once, by save(). What the keys mean, and when an
entry may be used, is up to the callers: gosrc.index for package scans, modgraph.sources for
go.mod summaries. A damaged or unreadable cache only makes the run slower.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from gomodcheck.store import connect

try:  # the built-in BLAKE2 module: hashlib would load OpenSSL first, a cost for every run
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b

_TABLE = "scan_v2"
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {_TABLE} (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""
_SELECT = f"SELECT value FROM {_TABLE} WHERE key = ?"  # noqa: S608 - a constant table name
_UPSERT = f"INSERT OR REPLACE INTO {_TABLE} (key, value) VALUES (?, ?)"  # noqa: S608 - same

FileScan = tuple[bool, tuple[str, ...]]  # (counts under tidy's tags, import paths)

_DIGEST_HEX = 32


def _digest(text: str) -> str:
    return blake2b(text.encode("utf-8", "surrogatepass"), digest_size=_DIGEST_HEX // 2).hexdigest()


class ScanCache:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        # Keys looked up (or written) in this run -> value, None when the cache has no entry.
        self.entries: dict[str, str | None] = {}
        self.new: dict[str, str] = {}
        self._reader: sqlite3.Connection | None = None
        self._readable = path is not None and path.is_file()

    def _lookup(self, key: str) -> str | None:
        if key in self.entries:
            return self.entries[key]
        value: str | None = None
        if self._readable:
            try:
                if self._reader is None:
                    self._reader = sqlite3.connect(str(self.path), timeout=30.0)
                row = self._reader.execute(_SELECT, (key,)).fetchone()
            except sqlite3.Error:
                self._readable = False  # no table yet, or a damaged file: run without
                row = None
            if row is not None and isinstance(row[0], str):
                value = row[0]
        self.entries[key] = value
        return value

    def get_json(self, key: str) -> Any:
        raw = self._lookup(key)
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

    def get_checked(self, key: str) -> Any:
        """A value stored by put_checked, or None when absent or not exactly as written: the
        value carries a digest of its text, so a caller may trust its shape."""
        raw = self._lookup(key)
        if raw is None or len(raw) < _DIGEST_HEX or raw[_DIGEST_HEX : _DIGEST_HEX + 1] != " ":
            return None
        text = raw[_DIGEST_HEX + 1 :]
        if _digest(text) != raw[:_DIGEST_HEX]:
            return None
        try:
            return json.loads(text)
        except ValueError:
            return None

    def put_checked(self, key: str, value: Any) -> None:
        text = json.dumps(value, separators=(",", ":"))
        raw = f"{_digest(text)} {text}"
        self.entries[key] = raw
        self.new[key] = raw

    def get(self, key: str) -> FileScan | None:
        # One file's scan as a flat "flag<TAB>path<TAB>path" string, which decodes several times
        # faster than JSON (import paths never contain tabs or newlines).
        raw = self._lookup("f:" + key)
        if not raw:
            return None
        parts = raw.split("\t")
        return parts[0] == "1", tuple(parts[1:])

    def put(self, key: str, value: FileScan) -> None:
        if any("\t" in p for p in value[1]):
            return
        raw = "\t".join(("1" if value[0] else "0", *value[1]))
        self.entries["f:" + key] = raw
        self.new["f:" + key] = raw

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    def save(self) -> None:
        """Write the entries added in this run (and close the reading connection)."""
        self.close()
        if self.path is None or not self.new:
            return
        try:
            conn = connect(self.path, schema=_SCHEMA)
            try:
                # The table of gomodcheck 0.1 held one row per file ever scanned; drop it.
                old = conn.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'entry'"
                ).fetchone()
                if old is not None:
                    conn.execute("DROP TABLE entry")
                    conn.execute("VACUUM")
                conn.execute("BEGIN")
                conn.executemany(_UPSERT, self.new.items())
                conn.execute("COMMIT")
            finally:
                conn.close()
        except sqlite3.Error:
            return
        self._readable = True
        self.new.clear()
