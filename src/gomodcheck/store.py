"""The embedded SQLite store: where verified state (tree heads, tiles, file hashes) persists.

One database file per purpose under the state directory. Connections use WAL so readers never
block the writer, and a busy timeout so two gomodcheck processes wait for each other instead of
failing.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Mapping
from pathlib import Path


def state_dir(environ: Mapping[str, str] | None = None) -> Path:
    """GOMODCHECK_STATE_DIR, else $XDG_CACHE_HOME/gomodcheck, else ~/.cache/gomodcheck."""
    env = os.environ if environ is None else environ
    explicit = env.get("GOMODCHECK_STATE_DIR", "")
    if explicit:
        return Path(explicit)
    xdg = env.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if xdg else Path(env.get("HOME", ".")) / ".cache"
    return base / "gomodcheck"


def connect(path: Path, *, schema: str = "") -> sqlite3.Connection:
    """Open (creating if needed) a database with durable, concurrent-safe settings."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    conn = sqlite3.connect(path, timeout=30.0, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    if schema:
        conn.executescript(schema)
    return conn
