"""Running the server: uvicorn with limits that hold against hostile clients, and clean shutdown.

uvicorn closes idle keep-alive connections but sets no deadline on a request whose headers
trickle in (slow loris); ``HeaderDeadlineProtocol`` adds one. It also answers 431 to a request
head over ``MAX_HEAD_BYTES`` (h11's own limit applies only to a head that arrives in pieces), so
huge headers cost a bounded amount of memory.
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, Literal

from uvicorn.protocols.http.h11_impl import H11Protocol

from gomodcheck import note
from gomodcheck.errors import FetchError, InputError, UsageError
from gomodcheck.server.app import ASGIApp, SumdbApp
from gomodcheck.server.config import ServerConfig
from gomodcheck.server.upstream import ProxyUpstream

if TYPE_CHECKING:
    from gomodcheck.mirror.config import MirrorConfig
    from gomodcheck.mirror.service import Mirror

MAX_HEAD_BYTES = 16 * 1024
_TOO_LARGE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain\r\n"
    b"content-length: 25\r\nconnection: close\r\n\r\nrequest header too large\n"
)


class _HeadDeadline:
    """Mixin for uvicorn's HTTP protocols: a deadline and a size cap for each request head.

    Armed when a connection opens and after each response; disarmed when a request head has
    been parsed (from then on the application is in charge). When it fires while no request is
    being served, the connection is closed.
    """

    header_timeout = 10.0
    loop: asyncio.AbstractEventLoop
    transport: asyncio.Transport
    cycle: Any

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[misc]
        self._deadline: asyncio.TimerHandle | None = None
        self._head_bytes = 0
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self._deadline is not None:  # still waiting for a request head
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD_BYTES:
                self.transport.write(_TOO_LARGE)
                self.transport.close()
                return
        super().data_received(data)  # type: ignore[misc]

    def _arm(self) -> None:
        self._head_bytes = 0
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline = self.loop.call_later(self.header_timeout, self._expire)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self) -> None:
        self._deadline = None
        idle = self.cycle is None or self.cycle.response_complete
        if idle and not self.transport.is_closing():
            self.transport.close()

    def on_response_complete(self) -> None:
        super().on_response_complete()  # type: ignore[misc]
        if not self.transport.is_closing():
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)  # type: ignore[misc]


class HeaderDeadlineProtocol(_HeadDeadline, H11Protocol):
    """uvicorn's h11 protocol with the request-head deadline (pure Python fallback)."""

    def handle_events(self) -> None:
        before = self.cycle
        super().handle_events()
        if self.cycle is not before:
            self._disarm()


def _httptools_protocol() -> type[asyncio.Protocol] | None:
    """The same over httptools (the C parser), when it is installed: several times faster."""
    try:
        from uvicorn.protocols.http.httptools_impl import (  # noqa: PLC0415
            HttpToolsProtocol,
        )
    except ImportError:
        return None

    class HeaderDeadlineHttpTools(_HeadDeadline, HttpToolsProtocol):
        def on_headers_complete(self) -> None:
            self._disarm()
            super().on_headers_complete()

    return HeaderDeadlineHttpTools


class JsonFormatter(logging.Formatter):
    """Access lines are already JSON; other records become JSON objects too."""

    def format(self, record: logging.LogRecord) -> str:
        if record.name.endswith(".access"):
            return record.getMessage()
        doc: dict[str, Any] = {
            "ts": round(record.created, 3),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if record.exc_info:
            doc["exc"] = self.formatException(record.exc_info)
        return json.dumps(doc, separators=(",", ":"))


def configure_logging() -> None:
    """JSON lines on stderr for the server, the mirror (its alerts) and uvicorn."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    for name in ("gomodcheck.server", "gomodcheck.mirror", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(logging.INFO)
        logger.propagate = False


def build_mirror(config: ServerConfig) -> Mirror | None:
    """The mirror ``--mirror`` asks for (GOSUMDB syntax: key or known name, then the URL).

    ``--mirror``, ``--mirror-state`` and ``--mirror-refresh`` are the key/upstream, ``db`` and
    ``latest_interval`` of a ``sumdb mirror`` config: the mirror is the same one.
    """
    if not config.mirror:
        return None
    from gomodcheck.mirror.config import MirrorConfig  # noqa: PLC0415
    from gomodcheck.mirror.service import open_mirror  # noqa: PLC0415
    from gomodcheck.store import state_dir  # noqa: PLC0415
    from gomodcheck.sumdb.config import parse_gosumdb  # noqa: PLC0415

    parsed = parse_gosumdb(config.mirror)
    if parsed is None:
        raise UsageError("--mirror off: nothing to mirror")
    state = (
        config.mirror_state
        if config.mirror_state != Path()
        else (state_dir() / "sumdb-mirror.sqlite3")
    )
    mirror_config = MirrorConfig(
        db=state,
        key=parsed.key,
        upstream=parsed.url or parsed.direct_url,
        latest_interval=config.mirror_refresh,
    )
    return open_mirror(mirror_config)


def build_app(config: ServerConfig) -> SumdbApp:
    """The app for a config: reads the signer key, sets up the upstream and the mirror."""
    mirror = build_mirror(config)
    mirrors = [mirror] if mirror else []
    if config.key_file == Path():
        if not mirrors:
            raise UsageError("give --key NAME.key for a private database, or --mirror, or both")
        return SumdbApp(None, "", _no_sign, "", mirrors=mirrors, access_log=config.access_log)
    try:
        skey = config.key_file.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise InputError(f"{config.key_file}: cannot read signer key: {exc.strerror}") from exc
    signer = note.parse_signer_key(skey)
    upstream = ProxyUpstream.from_list(config.upstream) if config.upstream else None

    def sign(text: bytes) -> bytes:
        return note.sign(text.decode("utf-8"), [signer])

    return SumdbApp(
        config.db,
        signer.name,
        sign,
        signer.verifier().key,
        mirrors=mirrors,
        upstream=upstream,
        modules=config.modules,
        max_tile_height=config.max_tile_height,
        tile_cache_bytes=config.tile_cache_bytes,
        upstream_concurrency=config.upstream_concurrency,
        access_log=config.access_log,
    )


def _no_sign(text: bytes) -> bytes:
    raise AssertionError("no private database: nothing to sign")


def serve(config: ServerConfig, app: SumdbApp | None = None, lifetime: float = 0.0) -> None:
    """Run until SIGINT/SIGTERM (or ``lifetime`` seconds, for tests); in-flight requests get
    ``graceful_shutdown`` seconds to finish."""
    app = app or build_app(config)
    app.startup()  # errors (bad key, damaged log) surface here, before we listen
    try:
        run(app, Listen.of(config), lifespan="on", lifetime=lifetime)
    finally:
        app.shutdown()


@dataclass(frozen=True)
class Listen:
    """The uvicorn settings ``sumdb serve`` and ``sumdb mirror`` share."""

    listen: str
    host: str
    port: int
    header_timeout: float
    keep_alive: int
    graceful_shutdown: float
    access_log: bool

    @classmethod
    def of(cls, config: ServerConfig | MirrorConfig) -> Listen:
        return cls(
            config.listen,
            *config.host_port,
            config.header_timeout,
            config.keep_alive,
            config.graceful_shutdown,
            config.access_log,
        )


def run(
    app: ASGIApp,
    listen: Listen,
    *,
    lifespan: Literal["on", "off"] = "off",
    lifetime: float = 0.0,
) -> None:
    """Serve ``app`` under uvicorn with the head deadline and cap, JSON logs on stderr, until
    SIGINT/SIGTERM (exit status 0) or ``lifetime`` seconds; FetchError if it cannot listen."""
    import threading  # noqa: PLC0415

    import uvicorn  # noqa: PLC0415 - heavy

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            # Stop gracefully and exit 0. uvicorn would re-raise the signal once shut down,
            # which kills the process before our own cleanup (and reports a failure).
            if self.should_exit and sig == signal.SIGINT:
                self.force_exit = True
            else:
                self.should_exit = True

    base = _httptools_protocol() or HeaderDeadlineProtocol
    protocol = type("ConfiguredProtocol", (base,), {"header_timeout": listen.header_timeout})
    configure_logging()
    uv_config = uvicorn.Config(
        app,
        host=listen.host,
        port=listen.port,
        http=protocol,
        loop="auto",  # uvloop when installed
        lifespan=lifespan,
        access_log=False,  # the apps write their own structured access log
        log_config=None,
        timeout_keep_alive=listen.keep_alive,
        timeout_graceful_shutdown=int(listen.graceful_shutdown),
        h11_max_incomplete_event_size=MAX_HEAD_BYTES,
        server_header=False,
        date_header=True,
    )
    server = Server(uv_config)
    if lifetime > 0:
        timer = threading.Timer(lifetime, lambda: setattr(server, "should_exit", True))
        timer.daemon = True
        timer.start()
    server.run()
    if not server.started:
        raise FetchError(f"could not listen on {listen.listen}")
