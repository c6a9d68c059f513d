"""Fetching bytes by URL behind one small interface, as python-tuf's FetcherInterface does.

Every transport failure becomes a FetchError (NotFoundError for 404/410, which callers treat as
"not here, try the next source"); every response is size-capped and has an overall deadline, so a
slow or endless server cannot hold us. Transient failures (connection errors, timeouts, 429 and
5xx) are retried with exponential backoff. ``file://`` URLs read local files, as the go command
allows for GOPROXY.
"""

from __future__ import annotations

import concurrent.futures
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
        self.requests = 0

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
        groups: dict[tuple[str, int], list[int]] = {}
        proxied: dict[str, bool] = {}
        for i, url in enumerate(urls):
            parts = urllib.parse.urlsplit(url)
            host = parts.hostname
            if parts.scheme != "http" or not host or parts.username:
                continue
            if host not in proxied:
                proxied[host] = _proxied(host)
            if not proxied[host]:
                groups.setdefault((host, parts.port or 80), []).append(i)
        batches = [
            (address, idx[k : k + _PIPELINE_BATCH])
            for address, idx in groups.items()
            for k in range(0, len(idx), _PIPELINE_BATCH)
        ]
        timeouts = Timeouts(
            self.policy.connect_timeout, self.policy.read_timeout, self.policy.deadline
        )

        def pipeline(batch: tuple[tuple[str, int], list[int]]) -> None:
            address, idx = batch
            paths = [_request_target(urls[i]) for i in idx]
            answers = pipelined_get(
                address,
                paths,
                [max_sizes[i] for i in idx],
                timeouts,
                USER_AGENT,
                on_answer=None if on_answer is None else (lambda k, a: on_answer(idx[k], a)),
            )
            with self._lock:
                self.requests += sum(1 for a in answers if a is not None)
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


def _request_target(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _proxied(host: str) -> bool:
    """Whether an HTTP proxy from the environment applies (then pipelining would bypass it)."""
    import urllib.request  # noqa: PLC0415 - it pulls in http.client and email: import on use

    proxies = urllib.request.getproxies()
    return bool(proxies.get("http") or proxies.get("all")) and not urllib.request.proxy_bypass(host)


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
