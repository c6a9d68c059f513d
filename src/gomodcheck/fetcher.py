"""Fetching bytes by URL behind one small interface, as python-tuf's FetcherInterface does.

Every transport failure becomes a FetchError (NotFoundError for 404/410, which callers treat as
"not here, try the next source"); every response is size-capped and has an overall deadline, so a
slow or endless server cannot hold us. Transient failures (connection errors, timeouts, 429 and
5xx) are retried with exponential backoff. ``file://`` URLs read local files, as the go command
allows for GOPROXY. Bulk fetches (fetch_many) pipeline requests over a few connections where the
server allows it, with the same certificate checks, size caps and deadlines.
"""

from __future__ import annotations

import concurrent.futures
import os
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from gomodcheck.errors import FetchError, NotFoundError
from gomodcheck.pipeline import Timeouts, pipelined_get

if TYPE_CHECKING:
    import ssl

    import httpx

USER_AGENT = "gomodcheck (+https://pypi.org/project/gomodcheck/)"
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


class Fetcher(Protocol):
    """Fetch one URL, at most max_size bytes; raise NotFoundError (404/410) or FetchError."""

    def fetch(self, url: str, *, max_size: int) -> bytes: ...


class TooLargeError(FetchError):
    """The response is larger than the cap for its kind."""


@dataclass(frozen=True)
class FetchPolicy:
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    # The whole response must arrive within this many seconds (defeats trickling servers).
    deadline: float = 60.0
    attempts: int = 3
    backoff: float = 0.25

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> FetchPolicy:
        """GOMODCHECK_HTTP_TIMEOUT (seconds per read; the deadline is 4x) and _RETRIES."""
        policy = cls()
        timeout = _number(environ.get("GOMODCHECK_HTTP_TIMEOUT", ""))
        if timeout is not None and timeout > 0:
            policy = replace(
                policy,
                connect_timeout=min(policy.connect_timeout, timeout),
                read_timeout=timeout,
                deadline=4 * timeout,
            )
        retries = _number(environ.get("GOMODCHECK_HTTP_RETRIES", ""))
        if retries is not None and retries >= 0:
            policy = replace(policy, attempts=1 + int(retries))
        return policy


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


class HttpFetcher:
    """An httpx-based Fetcher that is safe to share between threads and counts its requests."""

    def __init__(self, policy: FetchPolicy | None = None, *, max_connections: int = 32) -> None:
        self.policy = policy or FetchPolicy()
        self._max_connections = max_connections
        self._lock = threading.Lock()
        self._httpx: httpx.Client | None = None
        self._tls: ssl.SSLContext | None = None
        self._no_pipelining: set[str] = set()
        self.requests = 0

    def forked(self) -> HttpFetcher:
        """A fetcher for a forked process: the same policy, none of this one's connections."""
        return HttpFetcher(self.policy, max_connections=self._max_connections)

    def _tls_context(self) -> ssl.SSLContext:
        with self._lock:
            if self._tls is None:
                self._tls = _tls_context()
            return self._tls

    @property
    def _client(self) -> httpx.Client:
        # Created on first use: importing httpx costs a tenth of a second, and a run whose
        # requests all go pipelined never needs it.
        with self._lock:
            if self._httpx is None:
                import httpx  # noqa: PLC0415

                timeout = httpx.Timeout(
                    self.policy.read_timeout, connect=self.policy.connect_timeout
                )
                limits = httpx.Limits(
                    max_connections=self._max_connections,
                    max_keepalive_connections=self._max_connections,
                )
                self._httpx = httpx.Client(
                    timeout=timeout,
                    limits=limits,
                    headers={"User-Agent": USER_AGENT},
                    follow_redirects=True,
                    trust_env=True,
                )
            return self._httpx

    def close(self) -> None:
        with self._lock:
            if self._httpx is not None:
                self._httpx.close()
                self._httpx = None

    def __enter__(self) -> HttpFetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fetch(self, url: str, *, max_size: int) -> bytes:
        if url.startswith("file://"):
            return read_file_url(url, max_size=max_size)
        delay = self.policy.backoff
        for attempt in range(self.policy.attempts):
            try:
                return self._fetch_once(url, max_size)
            except _TransientError as exc:
                if attempt + 1 == self.policy.attempts:
                    tries = f"after {attempt + 1} attempts"
                    raise FetchError(f"{redact(url)}: {exc} ({tries})") from None
                time.sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")

    def fetch_many(
        self,
        urls: Sequence[str],
        max_sizes: Sequence[int],
        *,
        workers: int = 32,
        on_answer: Callable[[int, bytes | FetchError], None] | None = None,
    ) -> list[bytes | FetchError]:
        """Fetch many URLs: pipelined over a few connections for plain HTTP, else concurrently.

        Each answer is the bytes or the FetchError that fetch() would have given; on_answer(i,
        answer) is called once per URL as soon as its answer is known.
        """
        results: list[bytes | FetchError | None] = [None] * len(urls)
        groups: dict[_Origin, list[int]] = {}
        # Whether (and where) to pipeline depends only on the origin: decide once per origin.
        origins: dict[str, _Origin | None] = {}
        targets: dict[int, str] = {}
        for i, url in enumerate(urls):
            origin, target = _split_origin(url)
            if origin not in origins:
                with self._lock:
                    refused = origin in self._no_pipelining
                origins[origin] = None if refused else _pipeline_origin(origin)
            address = origins[origin]
            if address is not None:
                groups.setdefault(address, []).append(i)
                targets[i] = target
        batches = [
            (address, idx[k : k + _PIPELINE_BATCH])
            for address, idx in groups.items()
            for k in range(0, len(idx), _PIPELINE_BATCH)
        ]
        timeouts = Timeouts(
            self.policy.connect_timeout, self.policy.read_timeout, self.policy.deadline
        )

        def pipeline(batch: tuple[_Origin, list[int]]) -> None:
            origin, idx = batch
            paths = [targets[i] for i in idx]
            answers = pipelined_get(
                (origin.host, origin.port),
                paths,
                [max_sizes[i] for i in idx],
                timeouts,
                USER_AGENT,
                on_answer=None if on_answer is None else (lambda k, a: on_answer(idx[k], a)),
                tls=self._tls_context() if origin.tls else None,
            )
            answered = sum(1 for a in answers if a is not None)
            with self._lock:
                self.requests += answered
                if not answered:
                    # Not one answer (no connection, a certificate this context does not trust,
                    # a server that will not pipeline): use ordinary requests from now on.
                    self._no_pipelining.add(origin.url)
            for i, answer in zip(idx, answers, strict=True):
                results[i] = answer

        def single(i: int) -> None:
            answer: bytes | FetchError
            try:
                answer = self.fetch(urls[i], max_size=max_sizes[i])
            except FetchError as exc:
                answer = exc
            results[i] = answer
            if on_answer is not None:
                on_answer(i, answer)

        if batches:
            with concurrent.futures.ThreadPoolExecutor(_PIPELINE_CONNECTIONS) as pool:
                list(pool.map(pipeline, batches))
        rest = [i for i, r in enumerate(results) if r is None]
        if rest:
            with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
                list(pool.map(single, rest))
        return [
            r if r is not None else FetchError(f"{urls[i]}: no answer")
            for i, r in enumerate(results)
        ]

    def _fetch_once(self, url: str, max_size: int) -> bytes:
        import httpx  # noqa: PLC0415

        with self._lock:
            self.requests += 1
        deadline = time.monotonic() + self.policy.deadline
        try:
            with self._client.stream("GET", url) as resp:
                return self._read(resp, url, max_size, deadline)
        except httpx.TimeoutException as exc:
            raise _TransientError(f"timed out ({type(exc).__name__})") from None
        except httpx.TransportError as exc:
            raise _TransientError(str(exc) or type(exc).__name__) from None
        except httpx.InvalidURL as exc:
            raise FetchError(f"{redact(url)}: invalid URL: {exc}") from None

    def _read(self, resp: httpx.Response, url: str, max_size: int, deadline: float) -> bytes:
        status = resp.status_code
        if status in (404, 410):
            raise NotFoundError(f"{redact(url)}: {status} {resp.reason_phrase}")
        if status in _RETRY_STATUS:
            raise _TransientError(f"{status} {resp.reason_phrase}")
        if status != 200:
            raise FetchError(f"{redact(url)}: {status} {resp.reason_phrase}")
        declared = resp.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > max_size:
            raise TooLargeError(f"{redact(url)}: response of {declared} bytes exceeds {max_size}")
        chunks: list[bytes] = []
        size = 0
        for chunk in resp.iter_bytes():
            size += len(chunk)
            if size > max_size:
                raise TooLargeError(f"{redact(url)}: response exceeds {max_size} bytes")
            if time.monotonic() > deadline:
                raise FetchError(
                    f"{redact(url)}: response not complete within {self.policy.deadline:g}s"
                )
            chunks.append(chunk)
        return b"".join(chunks)


class _TransientError(Exception):
    pass


# Requests per pipelined connection, and connections used at once.
_PIPELINE_BATCH = 256
_PIPELINE_CONNECTIONS = 4


@dataclass(frozen=True)
class _Origin:
    url: str  # scheme://host[:port]
    host: str
    port: int
    tls: bool


def _pipeline_origin(origin: str) -> _Origin | None:
    """Where to pipeline requests for URLs with this origin, or None: only HTTP and HTTPS
    without credentials, and not when a proxy from the environment applies to the host."""
    try:
        parts = urllib.parse.urlsplit(origin)
        tls = parts.scheme == "https"
        port = parts.port or (443 if tls else 80)
    except ValueError:
        return None
    host = parts.hostname
    if parts.scheme not in ("http", "https") or not host or parts.username:
        return None
    if _proxied(parts.scheme, host):
        return None
    return _Origin(origin, host, port, tls)


def _split_origin(url: str) -> tuple[str, str]:
    """("scheme://authority", "/path?query") without parsing the whole URL each time."""
    url = url.partition("#")[0]
    start = url.find("//")
    if start < 0:
        return url, "/"
    end = len(url)
    for c in "/?":
        k = url.find(c, start + 2)
        if 0 <= k < end:
            end = k
    target = url[end:]
    return url[:end], target if target.startswith("/") else "/" + target


def _proxied(scheme: str, host: str) -> bool:
    """Whether a proxy from the environment applies (then pipelining would bypass it)."""
    if sys.platform not in ("darwin", "win32") and not any(
        k.lower().endswith("_proxy") and v for k, v in os.environ.items()
    ):
        return False  # what getproxies() would find on this platform: no proxy at all
    import urllib.request  # noqa: PLC0415 - it pulls in http.client and email: import on use

    proxies = urllib.request.getproxies()
    return bool(proxies.get(scheme) or proxies.get("all")) and not urllib.request.proxy_bypass(
        host
    )


def _tls_context() -> ssl.SSLContext:
    """A client context that trusts what httpx trusts (so both transports agree on which
    servers are genuine): SSL_CERT_FILE or SSL_CERT_DIR if set, else certifi's roots."""
    import ssl  # noqa: PLC0415 - only HTTPS needs it

    if os.environ.get("SSL_CERT_FILE"):
        context = ssl.create_default_context(cafile=os.environ["SSL_CERT_FILE"])
    elif os.environ.get("SSL_CERT_DIR"):
        context = ssl.create_default_context(capath=os.environ["SSL_CERT_DIR"])
    else:
        import certifi  # noqa: PLC0415 - httpx's own dependency

        context = ssl.create_default_context(cafile=certifi.where())
    context.set_alpn_protocols(["http/1.1"])
    return context


def read_file_url(url: str, *, max_size: int) -> bytes:
    """Read a file:// URL the way the go command's web package does (missing means 404)."""
    import urllib.request  # noqa: PLC0415

    path = Path(urllib.request.url2pathname(urllib.parse.urlsplit(url).path))
    try:
        with path.open("rb") as f:
            data = f.read(max_size + 1)
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        raise NotFoundError(f"{url}: file does not exist") from None
    except OSError as exc:
        raise FetchError(f"{url}: {exc.strerror or exc}") from None
    if len(data) > max_size:
        raise TooLargeError(f"{url}: file exceeds {max_size} bytes")
    return data


def redact(url: str) -> str:
    """The URL without a password, for messages."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:xxxxx@{parts.hostname}"
    if parts.port:
        netloc += f":{parts.port}"
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))
