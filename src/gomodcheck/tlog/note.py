"""The text a checksum database signs (its tree head) and the records it serves."""

from __future__ import annotations

import re
from dataclasses import dataclass

from gomodcheck.tlog.hashes import MalformedError, format_hash, parse_hash

_TREE_PREFIX = b"go.sum database tree\n"
_DECIMAL = re.compile(r"0|[1-9][0-9]*")
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f]")


@dataclass(frozen=True)
class Tree:
    """A tree head: the number of records and the root hash."""

    n: int
    hash: bytes


def format_tree(tree: Tree) -> bytes:
    """Three lines: ``go.sum database tree``, N in decimal, the hash in base64."""
    return b"go.sum database tree\n%d\n%s\n" % (tree.n, format_hash(tree.hash).encode())


def parse_tree(text: bytes) -> Tree:
    """Parse a tree head; lines after the third are ignored for forward compatibility."""
    if not text.startswith(_TREE_PREFIX) or text.count(b"\n") < 3 or len(text) > 1_000_000:
        raise MalformedError("malformed tree note")
    lines = text.split(b"\n", 3)
    count = lines[1].decode("ascii", "replace")
    # Only canonical decimal (no sign, no leading zeros) that fits an int64.
    if not _DECIMAL.fullmatch(count) or int(count) >= 1 << 63:
        raise MalformedError("malformed tree note")
    try:
        h = parse_hash(lines[2].decode("ascii"))
    except (MalformedError, UnicodeDecodeError):
        raise MalformedError("malformed tree note") from None
    return Tree(int(count), h)


def is_valid_record_text(text: bytes) -> bool:
    """UTF-8, no control characters but newline, no blank lines, ending in a newline."""
    try:
        s = text.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if not s.endswith("\n") or "\n\n" in s:
        return False
    return _CONTROL.search(s) is None


def format_record(record_id: int, text: bytes) -> bytes:
    """A lookup response body: the record id, the record text, and a blank line."""
    if not is_valid_record_text(text):
        raise MalformedError("malformed record data")
    return b"%d\n%s\n" % (record_id, text)


def parse_record(msg: bytes) -> tuple[int, bytes, bytes]:
    """Split a lookup response into (id, record text, the rest after the blank line)."""
    head, sep, body = msg.partition(b"\n")
    if not sep:
        raise MalformedError("malformed record data")
    try:
        record_id = _parse_int64(head)
    except ValueError:
        raise MalformedError("malformed record data") from None
    end = body.find(b"\n\n")
    if end < 0:
        raise MalformedError("malformed record data")
    text, rest = body[: end + 1], body[end + 2 :]
    if not is_valid_record_text(text):
        raise MalformedError("malformed record data")
    return record_id, text, rest


def _parse_int64(raw: bytes) -> int:
    # strconv.ParseInt(s, 10, 64): optional sign, ASCII digits, within int64.
    s = raw.decode("ascii")
    body = s[1:] if s[:1] in "+-" else s
    if not body.isdigit() or not body.isascii():
        raise ValueError(s)
    value = int(s)
    if not -(1 << 63) <= value < 1 << 63:
        raise ValueError(s)
    return value
