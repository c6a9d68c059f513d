"""JSON exactly as Go's encoding/json writes it, so our output can be compared byte for byte.

Go escapes <, > and & (HTML safety), U+2028 and U+2029, writes \\b \\f \\n \\r \\t and other
control characters as \\u00XX, and replaces each invalid UTF-8 byte with \\ufffd. Strings here
come from surrogateescape decoding, where an invalid byte is a lone surrogate.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

__all__ = ["JSONValue", "go_json_string", "marshal_indent"]

JSONValue = None | bool | int | str | Sequence["JSONValue"] | Mapping[str, "JSONValue"]

_NAMED = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_NEEDS_ESCAPE = re.compile('["\\\\\x00-\x1f<>&\u2028\u2029\ud800-\udfff]')


def _escape(m: re.Match[str]) -> str:
    c = m.group()
    named = _NAMED.get(c)
    if named is not None:
        return named
    if "\ud800" <= c <= "\udfff":
        return "\\ufffd"
    return f"\\u{ord(c):04x}"


def go_json_string(s: str) -> str:
    """s as a JSON string literal, escaped as Go's json.Marshal escapes it."""
    return '"' + _NEEDS_ESCAPE.sub(_escape, s) + '"'


def _encode(value: JSONValue, indent: str, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(str(value))
    elif isinstance(value, str):
        out.append(go_json_string(value))
    elif isinstance(value, Mapping):
        if not value:
            out.append("{}")
            return
        inner = indent + "\t"
        out.append("{")
        for i, (key, item) in enumerate(value.items()):
            out.append(("," if i else "") + "\n" + inner + go_json_string(key) + ": ")
            _encode(item, inner, out)
        out.append("\n" + indent + "}")
    else:
        if not value:
            out.append("[]")
            return
        inner = indent + "\t"
        out.append("[")
        for i, item in enumerate(value):
            out.append(("," if i else "") + "\n" + inner)
            _encode(item, inner, out)
        out.append("\n" + indent + "]")


def marshal_indent(value: JSONValue) -> str:
    """json.MarshalIndent(value, "", "\\t"); mappings keep their key order (Go field order)."""
    out: list[str] = []
    _encode(value, "", out)
    return "".join(out)
