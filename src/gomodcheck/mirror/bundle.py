"""The air-gapped bundle file: one signed tree head, the records for a set of go.sum files, and
the tiles that prove each record is in that tree.

The file is a SQLite database (format ``gomodcheck-sumdb-bundle/1``) rather than a tar or zip:
it is one file, readable with the sqlite3 tool for audits, has no member paths to sanitize, and
the mirror's store is SQLite already. Nothing in it is trusted: import proves every byte again
(see importer.py), so the file needs no checksum of its own.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from gomodcheck.errors import InputError

FORMAT = "gomodcheck-sumdb-bundle/1"
SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE records (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    version TEXT NOT NULL,
    text BLOB NOT NULL,
    UNIQUE (path, version)
);
CREATE TABLE tiles (path TEXT PRIMARY KEY, data BLOB NOT NULL);
"""
# Far above any real bundle (a go.sum of 5,000 modules needs about 40 MB of tiles), far below
# what would hurt the importing machine.
MAX_BUNDLE_BYTES = 2 << 30


@dataclass(frozen=True)
class BundleRecord:
    """One checksum-database record: its leaf number and text (the module's go.sum lines)."""

    id: int
    path: str
    version: str
    text: bytes


@dataclass(frozen=True)
class Bundle:
    name: str  # the checksum database's name (the verifier key's first field)
    note: bytes  # the signed tree head every record is proved against
    records: tuple[BundleRecord, ...]
    tiles: Mapping[str, bytes]  # tile path (tile/H/L/N[.p/W]) -> bytes


def write_bundle(bundle: Bundle, out: Path) -> None:
    """Write the bundle to ``out`` atomically (a temporary file renamed into place)."""
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    conn = sqlite3.connect(tmp, isolation_level=None)
    try:
        conn.executescript(SCHEMA)
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [("format", FORMAT), ("name", bundle.name), ("note", bundle.note.decode("utf-8"))],
        )
        conn.executemany(
            "INSERT INTO records VALUES (?, ?, ?, ?)",
            [(r.id, r.path, r.version, r.text) for r in bundle.records],
        )
        conn.executemany("INSERT INTO tiles VALUES (?, ?)", sorted(bundle.tiles.items()))
        conn.execute("COMMIT")
    finally:
        conn.close()
    tmp.replace(out)


def read_bundle(path: Path) -> Bundle:
    """Read a bundle as it is (unverified). InputError if it is not a bundle at all."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    if size > MAX_BUNDLE_BYTES:
        raise InputError(f"{path}: {size} bytes is larger than a bundle can be")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise InputError(f"{path}: not a bundle: {exc}") from None
    # Bytes, whatever type a column holds: a damaged bundle is refused by proof, not by decoding.
    conn.text_factory = bytes
    try:
        meta = {
            _text(k): _text(v) for k, v in conn.execute("SELECT key, value FROM meta").fetchall()
        }
        if meta.get("format") != FORMAT:
            raise InputError(f"{path}: not a {FORMAT} file (format {meta.get('format')!r})")
        records = tuple(
            BundleRecord(int(i), _text(p), _text(v), bytes(t))
            for i, p, v, t in conn.execute(
                "SELECT id, path, version, text FROM records ORDER BY id"
            )
        )
        tiles = {_text(p): bytes(d) for p, d in conn.execute("SELECT path, data FROM tiles")}
    except sqlite3.Error as exc:
        raise InputError(f"{path}: not a bundle: {exc}") from None
    finally:
        conn.close()
    return Bundle(meta.get("name", ""), meta.get("note", "").encode(), records, tiles)


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)
