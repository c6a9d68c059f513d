"""Tree heads and records as the checksum database formats them (x/mod tlog note_test.go)."""

from __future__ import annotations

import pytest

from gomodcheck.tlog import (
    MalformedError,
    Tree,
    format_record,
    format_tree,
    parse_record,
    parse_tree,
    record_hash,
)

GOLDEN = b"go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n"


def test_tree_head_formats_as_the_go_command_expects() -> None:
    assert format_tree(Tree(123456789012, record_hash(b"hello world"))) == GOLDEN


@pytest.mark.parametrize("suffix", [b"", b"JOE", b"JOE\n", b"JOE\n" * 1000])
def test_tree_head_parses_and_ignores_extra_lines(suffix: bytes) -> None:
    assert parse_tree(GOLDEN + suffix) == Tree(123456789012, record_hash(b"hello world"))


@pytest.mark.parametrize(
    "bad",
    [
        b"not-" + GOLDEN,
        b"go.sum database tree\n0xabcdef\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n",
        b"go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBTOOBIG=\n",
        b"go.sum database tree\n0123\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n",
        b"go.sum database tree\n-1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n",
        b"go.sum database tree\n12\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=",
    ],
)
def test_malformed_tree_heads_are_rejected(bad: bytes) -> None:
    with pytest.raises(MalformedError):
        parse_tree(bad)


def test_record_formats_with_id_and_blank_line() -> None:
    assert format_record(123456789012, b"hello, world\n") == b"123456789012\nhello, world\n\n"


@pytest.mark.parametrize("bad", [b"", b"hello\nworld", b"hello\n\nworld\n", b"hello\x01world\n"])
def test_invalid_record_text_is_refused(bad: bytes) -> None:
    with pytest.raises(MalformedError):
        format_record(1, bad)


def test_record_parses_and_returns_the_rest() -> None:
    msg = b"123456789012\nhello, world\n\njunk on end\x01\xff"
    assert parse_record(msg) == (123456789012, b"hello, world\n", b"junk on end\x01\xff")
    assert parse_record(b"123456789012\nhello, world\n\n") == (123456789012, b"hello, world\n", b"")


@pytest.mark.parametrize(
    "bad",
    [
        b"not-123456789012\nhello, world\n\n",
        b"123\nhello\x01world\n\n",
        b"123\nhello\xffworld\n\n",
        b"123\nhello world\n",
        b"0x123\nhello world\n\n",
    ],
)
def test_malformed_records_are_rejected(bad: bytes) -> None:
    with pytest.raises(MalformedError):
        parse_record(bad)
