"""The fetcher's local behaviours: file:// URLs as GOPROXY allows, size caps, redaction, settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from gomodcheck.errors import NotFoundError
from gomodcheck.fetcher import (
    FetchPolicy,
    TooLargeError,
    _split_origin,
    read_file_url,
    redact,
)


def test_file_url_reads_and_missing_file_is_not_found(tmp_path: Path) -> None:
    (tmp_path / "x.mod").write_bytes(b"module x\n")
    assert read_file_url((tmp_path / "x.mod").as_uri(), max_size=100) == b"module x\n"
    with pytest.raises(NotFoundError):
        read_file_url((tmp_path / "missing").as_uri(), max_size=100)


def test_file_url_larger_than_the_cap_is_refused(tmp_path: Path) -> None:
    (tmp_path / "big").write_bytes(b"x" * 101)
    with pytest.raises(TooLargeError):
        read_file_url((tmp_path / "big").as_uri(), max_size=100)


def test_passwords_never_appear_in_messages() -> None:
    assert redact("https://user:secret@proxy.example:8443/x") == (
        "https://user:xxxxx@proxy.example:8443/x"
    )
    assert redact("https://proxy.example/x") == "https://proxy.example/x"


def test_timeouts_and_retries_come_from_the_environment() -> None:
    policy = FetchPolicy.from_environ(
        {"GOMODCHECK_HTTP_TIMEOUT": "2", "GOMODCHECK_HTTP_RETRIES": "0"}
    )
    assert (policy.read_timeout, policy.deadline, policy.attempts) == (2.0, 8.0, 1)
    assert FetchPolicy.from_environ({"GOMODCHECK_HTTP_TIMEOUT": "soon"}) == FetchPolicy()


@pytest.mark.parametrize(
    ("url", "origin", "target"),
    [
        ("http://127.0.0.1:8080/lookup/a@v1.0.0", "http://127.0.0.1:8080", "/lookup/a@v1.0.0"),
        ("http://h/tile/8/0/001?x=1#frag", "http://h", "/tile/8/0/001?x=1"),
        ("http://h", "http://h", "/"),
        ("http://h?q=/x", "http://h", "/?q=/x"),
        ("http://h#a/b", "http://h", "/"),
    ],
)
def test_bulk_fetches_split_each_url_into_origin_and_request_target(
    url: str, origin: str, target: str
) -> None:
    assert _split_origin(url) == (origin, target)
