"""Reaching a checksum database: directly, at an explicit URL, or through the GOPROXY list.

As cmd/go/internal/modfetch/sumdb.go does: unless GOSUMDB names a URL, each proxy in GOPROXY is
asked for ``<proxy>/sumdb/<name>/supported``; the first that answers 200 serves the database at
``<proxy>/sumdb/<name>``. A 404/410 (or ``direct``, ``off``, ``noproxy``) moves on under the list's
',' and '|' rules; if every answer was "not found" the database is fetched from https://<name>.
Any other failure is fatal (fail closed).
"""

from __future__ import annotations

import concurrent.futures
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future

from gomodcheck.errors import FetchError, NotFoundError
from gomodcheck.fetcher import Fetcher
from gomodcheck.proxy.spec import DIRECT, NOPROXY, OFF, ProxySpec, join_url
from gomodcheck.sumdb.config import SumdbConfig

_MAX_SUPPORTED = 4 << 10


class HttpRemote:
    """A client.Remote over a Fetcher, resolving the base URL once, on first use."""

    def __init__(self, config: SumdbConfig, specs: tuple[ProxySpec, ...], fetcher: Fetcher) -> None:
        self.config = config
        self.specs = specs
        self.fetcher = fetcher
        self._lock = threading.Lock()
        self._base: str | None = config.url
        self._base_error: FetchError | None = None
        self._resolved = config.url is not None
        self._background: concurrent.futures.ThreadPoolExecutor | None = None

    @property
    def base(self) -> str:
        """The URL the database is read from (resolving it if needed)."""
        with self._lock:
            if not self._resolved:
                self._resolve()
                self._resolved = True
            if self._base_error is not None:
                raise self._base_error
            assert self._base is not None
            return self._base

    def _resolve(self) -> None:
        name = self.config.name

        def attempt(proxy: str) -> str:
            if proxy in (NOPROXY, DIRECT, OFF):
                raise NotFoundError(f"{proxy}: not a proxy")
            self.fetcher.fetch(join_url(proxy, f"sumdb/{name}/supported"), max_size=_MAX_SUPPORTED)
            return join_url(proxy, f"sumdb/{name}")

        # For the database, "direct", "off" and "noproxy" all mean "not through a proxy".
        try:
            self._base = _try(self.specs, attempt)
        except NotFoundError:
            self._base = self.config.direct_url
        except FetchError as exc:
            self._base_error = FetchError(
                f"checksum database {name}: cannot reach it through GOPROXY: {exc}"
            )

    def read(self, path: str, *, max_size: int) -> bytes:
        return self.fetcher.fetch(join_url(self.base, path), max_size=max_size)

    def forked(self) -> HttpRemote | None:
        """A copy for a forked process: the same database and resolved URL over a fetcher of
        its own (connections are never shared across a fork); None if the fetcher cannot."""
        forked = getattr(self.fetcher, "forked", None)
        if forked is None:
            return None
        copy = HttpRemote(self.config, self.specs, forked())
        with self._lock:
            copy._base, copy._base_error, copy._resolved = (
                self._base,
                self._base_error,
                self._resolved,
            )
        return copy

    def start_many(
        self, paths: Sequence[str], max_sizes: Sequence[int]
    ) -> list[Future[bytes | FetchError]]:
        """Like read_many, in the background: each future resolves as its answer arrives."""
        futures: list[Future[bytes | FetchError]] = [Future() for _ in paths]
        many = getattr(self.fetcher, "fetch_many", None)

        def resolve(i: int, answer: bytes | FetchError) -> None:
            if not futures[i].done():
                futures[i].set_result(answer)

        def run() -> None:
            try:
                if many is not None:
                    urls = [join_url(self.base, p) for p in paths]
                    many(urls, max_sizes, on_answer=resolve)
                else:
                    for i, answer in enumerate(self.read_many(paths, max_sizes)):
                        resolve(i, answer)
            except Exception as exc:
                for i in range(len(paths)):
                    resolve(i, FetchError(f"{paths[i]}: {exc}"))
            finally:
                for i in range(len(paths)):
                    resolve(i, FetchError(f"{paths[i]}: no answer"))

        with self._lock:
            if self._background is None:
                # Two bulk fetches at a time at most (the answers, then tiles), each already
                # concurrent inside, so a server never sees more than a few dozen requests.
                self._background = concurrent.futures.ThreadPoolExecutor(
                    2, thread_name_prefix="sumdb-prefetch"
                )
            self._background.submit(run)
        return futures

    def read_many(self, paths: Sequence[str], max_sizes: Sequence[int]) -> list[bytes | FetchError]:
        """Bulk reads (pipelined where the fetcher can); each answer is bytes or the error."""
        base = self.base
        urls = [join_url(base, p) for p in paths]
        many = getattr(self.fetcher, "fetch_many", None)
        if many is not None:
            answers: list[bytes | FetchError] = many(urls, max_sizes)
            return answers
        out: list[bytes | FetchError] = []
        for url, size in zip(urls, max_sizes, strict=True):
            try:
                out.append(self.fetcher.fetch(url, max_size=size))
            except FetchError as exc:
                out.append(exc)
        return out


def _try(specs: tuple[ProxySpec, ...], attempt: Callable[[str], str]) -> str:
    """TryProxies: ',' moves on only after not-found, '|' after any error; best error wins."""
    best: FetchError | None = None
    best_rank = 0
    for spec in specs:
        try:
            return attempt(spec.url)
        except FetchError as exc:
            not_found = isinstance(exc, NotFoundError)
            if spec.url == DIRECT:
                best, best_rank = exc, 2
            elif best_rank <= 1 and not not_found:
                best, best_rank = exc, 1
            elif best_rank == 0:
                best = exc
            if not spec.fall_back_on_error and not not_found:
                break
    assert best is not None
    raise best
