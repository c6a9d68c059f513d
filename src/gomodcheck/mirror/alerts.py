"""Alerts: the proof a mirror keeps when its upstream lies (a fork, a bad signature, a tile that
does not hash to the signed tree). Stored in the mirror's database so it survives a restart and
can be handed to whoever runs the upstream."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from pathlib import Path
from typing import Any

from gomodcheck.store import connect

SCHEMA = """
CREATE TABLE IF NOT EXISTS mirror_alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts REAL NOT NULL,
    kind TEXT NOT NULL,
    path TEXT NOT NULL,
    message TEXT NOT NULL,
    evidence TEXT NOT NULL
);
"""
_RECENT = 50


class AlertLog:
    """Appends alerts to the database (if given) and keeps the most recent ones in memory."""

    def __init__(self, db: Path | None) -> None:
        self.db = db
        self._lock = threading.Lock()
        self.recent: deque[dict[str, Any]] = deque(maxlen=_RECENT)
        self.count = 0
        if db is not None:
            with self._lock:
                conn = connect(db, schema=SCHEMA)
                try:
                    self.count = int(
                        conn.execute("SELECT count(*) FROM mirror_alerts").fetchone()[0]
                    )
                finally:
                    conn.close()

    def add(self, kind: str, path: str, message: str, evidence: list[str]) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "ts": round(time.time(), 3),
            "alert": kind,
            "path": path,
            "message": message,
            "evidence": evidence,
        }
        with self._lock:
            self.recent.append(entry)
            self.count += 1
            if self.db is not None:
                conn = connect(self.db)
                try:
                    conn.execute(
                        "INSERT INTO mirror_alerts (ts, kind, path, message, evidence) "
                        "VALUES (?, ?, ?, ?, ?)",
                        (entry["ts"], kind, path, message, json.dumps(evidence)),
                    )
                finally:
                    conn.close()
        return entry

    def stored(self) -> list[dict[str, Any]]:
        """Every alert in the database, oldest first."""
        if self.db is None:
            return list(self.recent)
        conn = connect(self.db)
        try:
            rows = conn.execute(
                "SELECT ts, kind, path, message, evidence FROM mirror_alerts ORDER BY id"
            ).fetchall()
        finally:
            conn.close()
        return [
            {"ts": r[0], "alert": r[1], "path": r[2], "message": r[3], "evidence": json.loads(r[4])}
            for r in rows
        ]
