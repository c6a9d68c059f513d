"""GOSUMDB, GONOSUMDB and GOPROXY read with the go command's rules."""

from __future__ import annotations

import pytest

from gomodcheck.errors import UsageError
from gomodcheck.proxy import ProxySpec, parse_proxy_list
from gomodcheck.sumdb import SUM_GOLANG_ORG_KEY, nosumdb_pattern, parse_gosumdb, uses_sumdb

from .fakedb import VKEY


def test_default_database_uses_the_built_in_key() -> None:
    cfg = parse_gosumdb("sum.golang.org")
    assert cfg is not None
    assert (cfg.name, cfg.key, cfg.url) == ("sum.golang.org", SUM_GOLANG_ORG_KEY, None)
    assert cfg.direct_url == "https://sum.golang.org"


def test_china_alias_is_the_same_log_at_another_url() -> None:
    cfg = parse_gosumdb("sum.golang.google.cn")
    assert cfg is not None
    assert (cfg.name, cfg.key, cfg.url) == (
        "sum.golang.org",
        SUM_GOLANG_ORG_KEY,
        "https://sum.golang.google.cn",
    )


def test_name_plus_key_and_explicit_url() -> None:
    cfg = parse_gosumdb(VKEY)
    assert cfg is not None and cfg.name == "localhost.test" and cfg.url is None
    cfg = parse_gosumdb(f"{VKEY} http://127.0.0.1:8080/db")
    assert cfg is not None and cfg.url == "http://127.0.0.1:8080/db"
    cfg = parse_gosumdb("sum.golang.org https://mirror.example")
    assert cfg is not None and cfg.key == SUM_GOLANG_ORG_KEY


def test_off_disables_the_database() -> None:
    assert parse_gosumdb("off") is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "missing GOSUMDB"),
        (f"{VKEY} a b", "invalid GOSUMDB: too many fields"),
        ("example.com", "invalid GOSUMDB"),
        ("sum.golang.org+033de0ae+AAAA", "invalid GOSUMDB"),
    ],
)
def test_bad_gosumdb_is_a_usage_error_in_go_words(value: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_gosumdb(value)


def test_gonosumdb_reports_the_pattern_that_matched() -> None:
    globs = "*.corp.example,github.com/acme/private"
    assert nosumdb_pattern(globs, "git.corp.example/team/x") == "*.corp.example"
    assert nosumdb_pattern(globs, "github.com/acme/private/sub") == "github.com/acme/private"
    assert nosumdb_pattern(globs, "github.com/acme/privateer") is None
    assert not uses_sumdb("sum.golang.org", globs, "git.corp.example/x")
    assert uses_sumdb("sum.golang.org", globs, "golang.org/x/mod")
    assert not uses_sumdb("off", "", "golang.org/x/mod")


def test_proxy_list_separators_and_terminators() -> None:
    assert parse_proxy_list("https://a.example,https://b.example|https://c.example,direct") == (
        ProxySpec("https://a.example", False),
        ProxySpec("https://b.example", True),
        ProxySpec("https://c.example", False),
        ProxySpec("direct"),
    )
    # Entries after "direct" or "off" are ignored, as by the go command.
    assert parse_proxy_list("off,https://a.example") == (ProxySpec("off"),)
    assert parse_proxy_list("direct,https://a.example") == (ProxySpec("direct"),)
    # Bare host names get https://; GONOPROXY adds the implicit noproxy entry first.
    assert parse_proxy_list("proxy.example", "corp.example") == (
        ProxySpec("noproxy"),
        ProxySpec("https://proxy.example"),
    )
    assert parse_proxy_list("file:///srv/proxy") == (ProxySpec("file:///srv/proxy"),)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (",", "contains no entries"),
        (" | ", "contains no entries"),
        ("ftp://x.example", "must be https, http, file"),
        ("file://host/srv", "non-path elements"),
    ],
)
def test_bad_proxy_lists_are_usage_errors(value: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_proxy_list(value)
