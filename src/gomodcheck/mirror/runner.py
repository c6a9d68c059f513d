"""Running the mirror: the same uvicorn settings as ``sumdb serve`` (header deadline against slow
clients, capped request heads, JSON logs on stderr, graceful shutdown on SIGINT/SIGTERM)."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from types import FrameType
from typing import Any

from gomodcheck.errors import FetchError, GomodcheckError, UsageError
from gomodcheck.fetcher import FetchPolicy, HttpFetcher
from gomodcheck.mirror.alerts import AlertLog
from gomodcheck.mirror.app import AccessLog, build_app
from gomodcheck.mirror.config import MirrorConfig
from gomodcheck.mirror.service import Mirror, MirrorSettings, open_store
from gomodcheck.server.runner import MAX_HEAD_BYTES, HeaderDeadlineProtocol, JsonFormatter
from gomodcheck.sumdb import HttpRemote, SumdbConfig


class _MirrorFormatter(JsonFormatter):
    def format(self, record: logging.LogRecord) -> str:
        if record.name == "gomodcheck.mirror.access":
            return record.getMessage()
        return super().format(record)


def configure_logging() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_MirrorFormatter())
    for name in ("gomodcheck.mirror", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(logging.INFO)
        logger.propagate = False


def open_mirror(config: MirrorConfig) -> Mirror:
    """The mirror for a config: its store, its upstream (none when offline), its alert log."""
    from gomodcheck.note import parse_verifier_key  # noqa: PLC0415

    try:
        name = parse_verifier_key(config.key).name
    except GomodcheckError as exc:
        raise UsageError(f"--key: {exc}") from None
    state = open_store(config.db)
    remote = None
    if not config.offline:
        # The upstream is one fixed URL: no GOPROXY resolution, no fallback to https://<name>.
        sumdb = SumdbConfig(name, config.key, config.upstream.rstrip("/"))
        fetcher = HttpFetcher(
            FetchPolicy(connect_timeout=5.0, read_timeout=20.0, deadline=30.0, attempts=2)
        )
        remote = HttpRemote(sumdb, (), fetcher)
    settings = MirrorSettings(config.key, latest_interval=config.latest_interval)
    return Mirror(settings, state, remote, AlertLog(config.db))


def _server_class() -> type[Any]:
    import uvicorn  # noqa: PLC0415 - heavy

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            # Stop gracefully and exit 0. uvicorn would re-raise the signal once shut down,
            # which kills the process before our own cleanup (and reports a failure).
            if self.should_exit and sig == signal.SIGINT:
                self.force_exit = True
            else:
                self.should_exit = True

    return Server


def serve(config: MirrorConfig, lifetime: float = 0.0) -> None:
    """Run until SIGINT/SIGTERM (or ``lifetime`` seconds, for tests)."""
    import uvicorn  # noqa: PLC0415 - heavy

    _Server = _server_class()  # noqa: N806 - a class
    host, port = config.host_port
    mirror = open_mirror(config)
    protocol = type(
        "MirrorHeaderDeadlineProtocol",
        (HeaderDeadlineProtocol,),
        {"header_timeout": config.header_timeout},
    )
    configure_logging()
    uv_config = uvicorn.Config(
        AccessLog(build_app(mirror)) if config.access_log else build_app(mirror),
        host=host,
        port=port,
        http=protocol,
        lifespan="off",
        access_log=False,  # AccessLog writes the structured one
        log_config=None,
        timeout_keep_alive=config.keep_alive,
        timeout_graceful_shutdown=int(config.graceful_shutdown),
        h11_max_incomplete_event_size=MAX_HEAD_BYTES,
        server_header=False,
    )
    server = _Server(uv_config)
    if lifetime > 0:
        timer = threading.Timer(lifetime, lambda: setattr(server, "should_exit", True))
        timer.daemon = True
        timer.start()
    try:
        server.run()
    finally:
        mirror.state.flush()
    if not server.started:
        raise FetchError(f"could not listen on {config.listen}")
