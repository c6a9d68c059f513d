"""GOPROXY list fall-through (',' vs '|') for modules and for reaching the checksum database."""

from __future__ import annotations

import pytest

from gomodcheck.errors import FetchError, NotFoundError
from gomodcheck.proxy import DirectUnavailableError, ProxyClient, ProxyOffError, parse_proxy_list
from gomodcheck.sumdb import HttpRemote, parse_gosumdb


class Fetcher:
    def __init__(self, answers: dict[str, bytes | Exception]) -> None:
        self.answers = answers
        self.urls: list[str] = []

    def fetch(self, url: str, *, max_size: int) -> bytes:
        self.urls.append(url)
        for prefix, answer in self.answers.items():
            if url.startswith(prefix):
                if isinstance(answer, Exception):
                    raise answer
                return answer
        raise NotFoundError(f"{url}: 404")


MOD = b"module example.com/m\n"


def _client(
    goproxy: str, answers: dict[str, bytes | Exception], gonoproxy: str = ""
) -> ProxyClient:
    return ProxyClient(parse_proxy_list(goproxy, gonoproxy), Fetcher(answers), gonoproxy)


def test_comma_moves_on_after_not_found() -> None:
    c = _client("https://a.example,https://b.example", {"https://b.example/": MOD})
    assert c.mod("example.com/m", "v1.0.0") == MOD


def test_comma_stops_at_a_server_error() -> None:
    c = _client(
        "https://a.example,https://b.example",
        {"https://a.example/": FetchError("500"), "https://b.example/": MOD},
    )
    with pytest.raises(FetchError, match="500"):
        c.mod("example.com/m", "v1.0.0")


def test_pipe_moves_on_after_any_error() -> None:
    c = _client(
        "https://a.example|https://b.example",
        {"https://a.example/": FetchError("timeout"), "https://b.example/": MOD},
    )
    assert c.mod("example.com/m", "v1.0.0") == MOD


def test_paths_and_versions_are_case_escaped_in_urls() -> None:
    fetcher = Fetcher({"https://a.example/": MOD})
    ProxyClient(parse_proxy_list("https://a.example"), fetcher).mod("github.com/Azure/x", "v1.0.0")
    assert fetcher.urls == ["https://a.example/github.com/!azure/x/@v/v1.0.0.mod"]


def test_direct_is_reported_as_unavailable_not_skipped() -> None:
    c = _client("https://a.example,direct", {})
    with pytest.raises(DirectUnavailableError, match="version control"):
        c.mod("example.com/m", "v1.0.0")


def test_off_refuses() -> None:
    with pytest.raises(ProxyOffError, match="GOPROXY=off"):
        _client("off", {}).mod("example.com/m", "v1.0.0")


def test_gonoproxy_module_needs_version_control() -> None:
    c = _client("https://a.example", {"https://a.example/": MOD}, gonoproxy="example.com")
    with pytest.raises(DirectUnavailableError, match="GONOPROXY"):
        c.mod("example.com/m", "v1.0.0")
    assert c.mod("example.org/m", "v1.0.0") == MOD


KEY = "sum.golang.org"


def _remote(goproxy: str, answers: dict[str, bytes | Exception]) -> tuple[HttpRemote, Fetcher]:
    cfg = parse_gosumdb(KEY)
    assert cfg is not None
    fetcher = Fetcher(answers)
    return HttpRemote(cfg, parse_proxy_list(goproxy), fetcher), fetcher


def test_database_is_reached_through_the_first_proxy_that_supports_it() -> None:
    remote, fetcher = _remote(
        "https://a.example,https://b.example",
        {"https://b.example/sumdb/sum.golang.org/supported": b""},
    )
    assert remote.base == "https://b.example/sumdb/sum.golang.org"
    assert fetcher.urls == [
        "https://a.example/sumdb/sum.golang.org/supported",
        "https://b.example/sumdb/sum.golang.org/supported",
    ]


def test_database_falls_back_to_its_own_host_when_no_proxy_supports_it() -> None:
    remote, _ = _remote("https://a.example,direct", {})
    assert remote.base == "https://sum.golang.org"


def test_database_fails_closed_when_a_proxy_errors_before_a_comma() -> None:
    remote, _ = _remote("https://a.example,direct", {"https://a.example/": FetchError("502")})
    with pytest.raises(FetchError, match="cannot reach it through GOPROXY"):
        _ = remote.base


def test_explicit_gosumdb_url_skips_the_proxies() -> None:
    cfg = parse_gosumdb("sum.golang.org https://mirror.example/db")
    assert cfg is not None
    fetcher = Fetcher({"https://mirror.example/db/latest": b"x"})
    remote = HttpRemote(cfg, parse_proxy_list("https://a.example"), fetcher)
    assert remote.read("/latest", max_size=10) == b"x"
    assert fetcher.urls == ["https://mirror.example/db/latest"]
