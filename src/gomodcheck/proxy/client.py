"""A module proxy client with the go command's GOPROXY list semantics.

Entries separated by ',' fall through to the next only when the module is not found there (404
or 410); entries followed by '|' fall through on any error. ``off`` refuses. ``direct`` would
mean fetching from version control, which gomodcheck does not do: it is reported plainly as
unavailable rather than silently skipped.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from gomodcheck.errors import FetchError, InputError, NotFoundError
from gomodcheck.fetcher import Fetcher
from gomodcheck.module import escape_path, escape_version, match_prefix_patterns
from gomodcheck.proxy.spec import DIRECT, NOPROXY, OFF, ProxySpec, join_url

# Caps from the go command (cmd/go/internal/modfetch/codehost).
MAX_LIST = 10 << 20
MAX_INFO = 16 << 20
MAX_GOMOD = 16 << 20
MAX_ZIP = 500 << 20

T = TypeVar("T")


class DirectUnavailableError(FetchError):
    """The list reached ``direct`` (or a GONOPROXY module): a VCS fetch we do not perform."""


class ProxyOffError(NotFoundError):
    """GOPROXY=off."""


@dataclass(frozen=True)
class RevInfo:
    version: str
    time: str
    raw: dict[str, object]


class ProxyClient:
    """Fetches module metadata and content through a GOPROXY list."""

    def __init__(self, specs: tuple[ProxySpec, ...], fetcher: Fetcher, gonoproxy: str = "") -> None:
        self.specs = specs
        self.fetcher = fetcher
        self.gonoproxy = gonoproxy

    def try_proxies(self, attempt: Callable[[str], T], *, module: str = "") -> T:
        """Call attempt(proxy_url) down the list; report the most useful error, as TryProxies."""
        best: FetchError | None = None
        best_rank = 0  # 0: not found, 1: proxy error, 2: direct error
        for spec in self.specs:
            try:
                return self._one(spec, attempt, module)
            except FetchError as exc:
                not_found = isinstance(exc, NotFoundError)
                if spec.url == DIRECT and best is not None:
                    # Say what the proxies answered before the list fell through to direct.
                    exc = DirectUnavailableError(f"{exc} (before that: {best})")
                if spec.url == DIRECT or (
                    spec.url == NOPROXY and isinstance(exc, DirectUnavailableError)
                ):
                    best, best_rank = exc, 2
                elif best_rank <= 1 and not not_found:
                    best, best_rank = exc, 1
                elif best_rank == 0:
                    best = exc
                if not spec.fall_back_on_error and not not_found:
                    break
        assert best is not None
        raise best

    def _one(self, spec: ProxySpec, attempt: Callable[[str], T], module: str) -> T:
        if spec.url == NOPROXY:
            if module and match_prefix_patterns(self.gonoproxy, module):
                raise DirectUnavailableError(
                    f"{module} matches GONOPROXY, so the go command would fetch it from version "
                    "control; gomodcheck does not fetch from version control"
                )
            raise NotFoundError("use the proxies")
        if spec.url == DIRECT:
            what = module or "this request"
            raise DirectUnavailableError(
                f"{what}: GOPROXY reached 'direct' (version control); gomodcheck does not fetch "
                "from version control, so it is unavailable"
            )
        if spec.url == OFF:
            raise ProxyOffError("module lookup disabled by GOPROXY=off")
        return attempt(spec.url)

    def _get(self, path: str, suffix: str, max_size: int) -> bytes:
        url_path = f"{escape_path(path)}/{suffix}"
        return self.try_proxies(
            lambda base: self.fetcher.fetch(join_url(base, url_path), max_size=max_size),
            module=path,
        )

    def list_versions(self, path: str) -> list[str]:
        data = self._get(path, "@v/list", MAX_LIST)
        return [
            f[0] for line in data.decode("utf-8", "replace").splitlines() if (f := line.split())
        ]

    def info(self, path: str, version: str) -> RevInfo:
        return _rev_info(self._get(path, f"@v/{escape_version(version)}.info", MAX_INFO))

    def latest(self, path: str) -> RevInfo:
        return _rev_info(self._get(path, "@latest", MAX_INFO))

    def mod(self, path: str, version: str) -> bytes:
        return self._get(path, f"@v/{escape_version(version)}.mod", MAX_GOMOD)

    def zip(self, path: str, version: str) -> bytes:
        return self._get(path, f"@v/{escape_version(version)}.zip", MAX_ZIP)


def _rev_info(data: bytes) -> RevInfo:
    try:
        raw = json.loads(data)
    except ValueError:
        raise InputError("proxy returned malformed .info JSON") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("Version"), str):
        raise InputError("proxy returned .info without a Version")
    return RevInfo(raw["Version"], str(raw.get("Time", "")), raw)
