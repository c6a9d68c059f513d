"""Running the server: uvicorn with limits that hold against hostile clients, and clean shutdown.

uvicorn closes idle keep-alive connections but sets no deadline on a request whose headers
trickle in (slow loris); ``HeaderDeadlineProtocol`` adds one. It also answers 431 to a request
head over ``MAX_HEAD_BYTES`` (h11's own limit applies only to a head that arrives in pieces), so
huge headers cost a bounded amount of memory.

Answers already held in memory (tiles, lookups, tree heads) skip ASGI: an app may have a
``ready(path, client)`` method (ReadyFunc), which the httptools protocol asks first for a plain
keep-alive GET, and whose bytes it writes at once. That saves the task, the scope and the header
checks of an ASGI request, over half the time of a tile request. Everything else (and every
request under the h11 fallback) takes the ASGI path.
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, Literal

from uvicorn.protocols.http.h11_impl import H11Protocol

from gomodcheck import note
from gomodcheck.errors import FetchError, InputError, UsageError
from gomodcheck.server.accesslog import BatchedStreamHandler
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
    been parsed (from then on the application is in charge). When it expires while no request
    is being served, the connection is closed. After a ready answer (which skips uvicorn's
    response bookkeeping) it also keeps uvicorn's keep-alive limit: a connection silent for
    that long is closed. Arming only moves deadlines: one timer per connection follows them,
    rather than new timers for every request.
    """

    header_timeout = 10.0
    loop: asyncio.AbstractEventLoop
    transport: asyncio.Transport
    cycle: Any

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[misc]
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = 0.0
        self._expires: float | None = None  # the head deadline; None: disarmed
        self._idle_until: float | None = None  # the keep-alive deadline after a ready answer
        self._head_bytes = 0
        self._arm()

    def data_received(self, data: bytes) -> None:
        self._idle_until = None  # the client spoke
        if self._expires is not None:  # still waiting for a request head
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD_BYTES:
                self.transport.write(_TOO_LARGE)
                self.transport.close()
                return
        super().data_received(data)  # type: ignore[misc]

    def _arm(self, keep_alive: float | None = None) -> None:
        self._head_bytes = 0
        now = self.loop.time()
        self._expires = now + self.header_timeout
        self._idle_until = None if keep_alive is None else now + keep_alive
        due = self._expires if self._idle_until is None else min(self._expires, self._idle_until)
        if self._timer is None or due < self._timer_at:
            self._schedule()

    def _disarm(self) -> None:
        self._expires = None  # the timer, when it fires, finds nothing to do

    def _schedule(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        due = [t for t in (self._expires, self._idle_until) if t is not None]
        if due:
            self._timer_at = min(due)
            self._timer = self.loop.call_at(self._timer_at, self._check)

    def _check(self) -> None:
        self._timer = None
        now = self.loop.time()
        if (self._expires is None or now < self._expires) and (
            self._idle_until is None or now < self._idle_until
        ):
            self._schedule()  # re-armed since (or disarmed): follow the deadlines
            return
        self._expires = self._idle_until = None
        idle = self.cycle is None or self.cycle.response_complete
        if idle and not self.transport.is_closing():
            self.transport.close()

    def on_response_complete(self) -> None:
        super().on_response_complete()  # type: ignore[misc]
        if not self.transport.is_closing():
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._expires = self._idle_until = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        super().connection_lost(exc)  # type: ignore[misc]


class HeaderDeadlineProtocol(_HeadDeadline, H11Protocol):
    """uvicorn's h11 protocol with the request-head deadline (pure Python fallback)."""

    def handle_events(self) -> None:
        before = self.cycle
        super().handle_events()
        if self.cycle is not before:
            self._disarm()


# An app's answer to GET path from memory: the response's header lines after the status line and
# the date, the blank line and the body; None sends the request through ASGI.
ReadyFunc = Callable[[str, "tuple[str, int] | None"], "bytes | None"]


class _Answered:
    """Stands in for uvicorn's request cycle once a ready answer is written: the request is
    complete (its body, if any, is ignored as uvicorn ignores it after a response)."""

    response_complete = True
    disconnected = False
    keep_alive = True

    class message_event:  # noqa: N801 - mirrors the cycle's asyncio.Event attribute
        @staticmethod
        def set() -> None:
            return None


_ANSWERED = _Answered()
_OK = b"HTTP/1.1 200 OK\r\n"
# Requests whose client address a proxy rewrites take the ASGI path (uvicorn applies the headers).
_FORWARDED = (b"x-forwarded-for", b"x-forwarded-proto")


def _httptools_protocol() -> type[asyncio.Protocol] | None:
    """The same over httptools (the C parser), when it is installed: several times faster."""
    try:
        from uvicorn.protocols.http.httptools_impl import (  # noqa: PLC0415
            HttpToolsProtocol,
        )
    except ImportError:
        return None

    class HeaderDeadlineHttpTools(_HeadDeadline, HttpToolsProtocol):
        ready: ReadyFunc | None = None
        # (uvicorn's default headers list, its encoding): the date changes once a second.
        _defaults: tuple[object, bytes] = (None, b"")

        def on_message_begin(self) -> None:
            # uvicorn builds the ASGI scope here; a ready answer needs none, so it is built in
            # on_headers_complete, for requests that take the ASGI path.
            self.url = b""
            self.expect_100_continue = False
            self.headers = []

        def on_headers_complete(self) -> None:
            self._disarm()
            if self.ready is not None and self._answer_ready(self.ready):
                return
            url, headers, expect = self.url, self.headers, self.expect_100_continue
            super().on_message_begin()  # the scope, and fresh url and headers: put ours back
            self.url, self.expect_100_continue = url, expect
            self.headers.extend(headers)
            super().on_headers_complete()

        def _answer_ready(self, ready: ReadyFunc) -> bool:
            """Write the app's ready answer for a plain keep-alive GET; False if there is none."""
            url: bytes = self.url
            parser = self.parser
            if (
                parser.get_method() != b"GET"
                or not url.startswith(b"/")
                or b"%" in url
                or b"?" in url
                or not parser.should_keep_alive()
                or parser.get_http_version() != "1.1"
                or parser.should_upgrade()
                or self.pipeline
                or self.flow.write_paused
                or (self.cycle is not None and not self.cycle.response_complete)
            ):
                return False
            for name, _ in self.headers:
                if name in _FORWARDED:
                    return False
            try:
                path = url.decode("ascii")
            except UnicodeDecodeError:
                return False
            try:
                answer = ready(path, self.client)
            except Exception:  # the ASGI path answers (and reports) instead
                logging.getLogger("gomodcheck.server").exception("ready answer for %s", path)
                return False
            if answer is None:
                return False
            defaults = self.server_state.default_headers
            cached, head = HeaderDeadlineHttpTools._defaults
            if cached is not defaults:
                head = _OK + b"".join(name + b": " + value + b"\r\n" for name, value in defaults)
                HeaderDeadlineHttpTools._defaults = (defaults, head)
            self.transport.write(head + answer)
            self.cycle = _ANSWERED
            # uvicorn's on_response_complete, less what a ready answer cannot need (paused
            # reading, pipelined requests: see above) and its keep-alive timer (ours is lazy).
            self.server_state.total_requests += 1
            if not self.transport.is_closing():
                self._arm(keep_alive=self.timeout_keep_alive)
            return True

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


_ACCESS_LOGGERS = ("gomodcheck.server.access", "gomodcheck.mirror.access")


def configure_logging() -> None:
    """JSON lines on stderr for the server, the mirror (its alerts) and uvicorn; access lines
    are written once per event-loop turn (see accesslog)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    batched = BatchedStreamHandler(sys.stderr)
    batched.setFormatter(JsonFormatter())
    for name in ("gomodcheck.server", "gomodcheck.mirror", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(logging.INFO)
        logger.propagate = False
    for name in _ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers[:] = [batched]
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
    # SO_REUSEPORT: several processes share the port, the kernel spreads connections over them.
    reuse_port: bool = False

    @classmethod
    def of(cls, config: ServerConfig | MirrorConfig) -> Listen:
        return cls(
            config.listen,
            *config.host_port,
            config.header_timeout,
            config.keep_alive,
            config.graceful_shutdown,
            config.access_log,
            bool(getattr(config, "reuse_port", False)),
        )


def _reuse_port_socket(listen: Listen) -> socket.socket:
    """A listening socket on the address that other processes may bind too (SO_REUSEPORT)."""
    family = socket.AF_INET6 if ":" in listen.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((listen.host, listen.port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise FetchError(f"could not listen on {listen.listen}: {exc.strerror}") from exc
    return sock


def run(
    app: ASGIApp,
    listen: Listen,
    *,
    lifespan: Literal["on", "off"] = "off",
    lifetime: float = 0.0,
) -> None:
    """Serve ``app`` under uvicorn with the head deadline and cap, JSON logs on stderr, until
    SIGINT/SIGTERM (exit status 0) or ``lifetime`` seconds; FetchError if it cannot listen.
    An app's ``ready`` method, if it has one, answers from memory before ASGI (module doc)."""
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
    settings: dict[str, Any] = {"header_timeout": listen.header_timeout}
    ready: ReadyFunc | None = getattr(app, "ready", None)
    if ready is not None:
        settings["ready"] = staticmethod(ready)
    protocol = type("ConfiguredProtocol", (base,), settings)
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
    sockets = None
    if listen.reuse_port:
        sockets = [_reuse_port_socket(listen)]
        host, port = sockets[0].getsockname()[:2]
        where = f"[{host}]" if ":" in host else host
        logging.getLogger("uvicorn.error").info(
            "Uvicorn running on http://%s:%d with SO_REUSEPORT (Press CTRL+C to quit)", where, port
        )
    if lifetime > 0:
        timer = threading.Timer(lifetime, lambda: setattr(server, "should_exit", True))
        timer.daemon = True
        timer.start()
    try:
        server.run(sockets=sockets)
    finally:
        for name in _ACCESS_LOGGERS:  # lines of the last loop turns
            for handler in logging.getLogger(name).handlers:
                handler.flush()
    if not server.started:
        raise FetchError(f"could not listen on {listen.listen}")
