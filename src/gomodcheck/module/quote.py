"""Go's %q quoting (strconv.Quote, strconv.QuoteRune), so our messages read like the go command's.

Strings that came from bytes decoded with "surrogateescape" keep their invalid bytes as lone
surrogates U+DC80..U+DCFF; they quote as ``\\xNN``, as Go quotes invalid UTF-8.
"""

from __future__ import annotations

import re

__all__ = ["go_quote", "go_quote_rune", "has_invalid_utf8"]

_NAMED = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def _is_escaped_byte(c: str) -> bool:
    return "\udc80" <= c <= "\udcff"


_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def has_invalid_utf8(s: str) -> bool:
    """Whether s holds a lone surrogate, i.e. was not valid UTF-8 (or is not encodable)."""
    return _SURROGATE_RE.search(s) is not None


def _is_print(c: str) -> bool:
    # Go's strconv.IsPrint: letters, marks, numbers, punctuation, symbols and ASCII space;
    # Python's isprintable() excludes exactly the other categories (C*, Z*) except space.
    return c.isprintable()


def _escape(c: str, quote: str) -> str:
    if c in (quote, "\\"):
        return "\\" + c
    if _is_escaped_byte(c):
        return f"\\x{ord(c) - 0xDC00:02x}"
    if _is_print(c):
        return c
    if c in _NAMED:
        return _NAMED[c]
    r = ord(c)
    if r < 0x20 or r == 0x7F:
        return f"\\x{r:02x}"
    if 0xD800 <= r <= 0xDFFF:
        r = 0xFFFD  # not a valid rune: Go prints the replacement character's escape
    if r < 0x10000:
        return f"\\u{r:04x}"
    return f"\\U{r:08x}"


def go_quote(s: str) -> str:
    """s as Go's %q prints a string: double-quoted with Go escapes."""
    return '"' + "".join(_escape(c, '"') for c in s) + '"'


def go_quote_rune(c: str) -> str:
    """c as Go's %q prints a rune: single-quoted with Go escapes."""
    return "'" + _escape(c, "'") + "'"
