"""Our JSON must be byte-identical to Go's encoding/json, escapes included."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from gomodcheck.gojson import go_json_string, marshal_indent


def test_strings_are_escaped_as_go_escapes_them() -> None:
    assert go_json_string('a"b\\c') == '"a\\"b\\\\c"'
    assert go_json_string("<a&b>") == '"\\u003ca\\u0026b\\u003e"'
    assert go_json_string("\b\f\n\r\t\x00\x1f\x7f") == '"\\b\\f\\n\\r\\t\\u0000\\u001f\x7f"'
    assert go_json_string("\u2028\u2029é") == '"\\u2028\\u2029é"'


def test_invalid_utf8_bytes_become_replacement_characters() -> None:
    text = b"a\xff\xfeb".decode("utf-8", "surrogateescape")
    assert go_json_string(text) == '"a\\ufffd\\ufffdb"'


def test_indentation_matches_marshal_indent_with_tabs() -> None:
    assert marshal_indent({"A": [], "B": None, "C": [{"D": True}], "E": {}}) == (
        '{\n\t"A": [],\n\t"B": null,\n\t"C": [\n\t\t{\n\t\t\t"D": true\n\t\t}\n\t],\n\t"E": {}\n}'
    )


@given(st.text())
def test_any_string_round_trips_through_a_json_reader(s: str) -> None:
    decoded = json.loads(go_json_string(s))
    assert decoded == "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in s)
