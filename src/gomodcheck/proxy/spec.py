"""GOPROXY lists, parsed exactly as the go command's modfetch.proxyList does. Pure, no I/O."""

from __future__ import annotations

import posixpath
import urllib.parse
from dataclasses import dataclass
from pathlib import PurePath

from gomodcheck.errors import UsageError

# Built-in list entries; "noproxy" is implied first when GONOPROXY is set.
DIRECT = "direct"
OFF = "off"
NOPROXY = "noproxy"


@dataclass(frozen=True)
class ProxySpec:
    """One GOPROXY entry; fall_back_on_error is true when it was followed by '|'."""

    url: str
    fall_back_on_error: bool = False


def parse_proxy_list(goproxy: str, gonoproxy: str = "") -> tuple[ProxySpec, ...]:
    """The proxies to try in order. Raises UsageError with the go command's wording."""
    specs: list[ProxySpec] = []
    if gonoproxy and goproxy != DIRECT:
        specs.append(ProxySpec(NOPROXY))
    rest = goproxy
    while rest:
        cut = min((i for i in (rest.find(","), rest.find("|")) if i >= 0), default=-1)
        if cut >= 0:
            url, fall_back, rest = rest[:cut], rest[cut] == "|", rest[cut + 1 :]
        else:
            url, fall_back, rest = rest, False, ""
        url = url.strip()
        if not url:
            continue
        if url in (OFF, DIRECT):
            # Both end the list: "off" fails hard, and later entries after "direct" are
            # reserved for future use, so the go command ignores them.
            specs.append(ProxySpec(url))
            break
        # Single words are reserved; anything with ".", ":" or "/" that is not already a URL
        # or an absolute path gets https:// in front.
        if (
            any(c in url for c in ".:/")
            and ":/" not in url
            and not PurePath(url).is_absolute()
            and not posixpath.isabs(url)
        ):
            url = "https://" + url
        check_proxy_url(url)
        specs.append(ProxySpec(url, fall_back))
    if not specs or (len(specs) == 1 and specs[0].url == NOPROXY):
        raise UsageError("GOPROXY list is not the empty string, but contains no entries")
    return tuple(specs)


def check_proxy_url(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme in ("http", "https"):
        return
    if parts.scheme == "file":
        if parts.netloc or parts.query or parts.fragment:
            raise UsageError(f"invalid file:// proxy URL with non-path elements: {url}")
        return
    if not parts.scheme:
        raise UsageError(f"invalid proxy URL missing scheme: {url}")
    raise UsageError(f"invalid proxy URL scheme (must be https, http, file): {url}")


def join_url(base: str, path: str) -> str:
    """base + "/" + path with exactly one slash between, as the go command's web.Join."""
    return base.rstrip("/") + "/" + path.lstrip("/")
