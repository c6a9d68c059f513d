"""Running the standalone mirror (``sumdb mirror``) with the runner ``sumdb serve`` uses: header
deadline against slow clients, capped request heads, JSON logs on stderr, graceful shutdown on
SIGINT/SIGTERM."""

from __future__ import annotations

from gomodcheck.mirror.app import AccessLog, build_app
from gomodcheck.mirror.config import MirrorConfig
from gomodcheck.mirror.service import open_mirror
from gomodcheck.server.runner import Listen, run


def serve(config: MirrorConfig, lifetime: float = 0.0) -> None:
    """Run until SIGINT/SIGTERM (or ``lifetime`` seconds, for tests)."""
    mirror = open_mirror(config)
    app = build_app(mirror)
    try:
        run(AccessLog(app) if config.access_log else app, Listen.of(config), lifetime=lifetime)
    finally:
        mirror.state.flush()
