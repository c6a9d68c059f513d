"""Whatever bytes arrive, the parser either returns a file or raises ParseError with positions."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from gomodcheck.errors import ParseError
from gomodcheck.modfile import gomod_to_edit_json, gowork_to_edit_json, parse_gomod, parse_gowork

_PIECES = st.sampled_from(
    [
        "module",
        "go",
        "require",
        "replace",
        "exclude",
        "retract",
        "tool",
        "ignore",
        "use",
        "godebug",
        "toolchain",
        "(",
        ")",
        "[",
        "]",
        ",",
        "=>",
        "//",
        "/*",
        "\n",
        " ",
        "\t",
        "\r",
        '"',
        "`",
        "\\",
        "v1.2.3",
        "1.21",
        "a.b/c",
        "a.b/c/v2",
        "../d",
        "x=y",
        "indirect",
        "\udcff",
        "\x00",
        "\ufeff",
        "é",
        "Deprecated:",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=200),
        # "\udcff" encodes to the invalid UTF-8 byte 0xff.
        st.lists(_PIECES, max_size=40).map(lambda p: "".join(p).encode("utf-8", "surrogateescape")),
    )
)
def test_parse_never_fails_with_anything_but_a_positioned_parse_error(data: bytes) -> None:
    lines = data.count(b"\n") + 1
    for kind in ("gomod", "gowork"):
        try:
            if kind == "gomod":
                json.loads(gomod_to_edit_json(parse_gomod(data, "f")))
            else:
                json.loads(gowork_to_edit_json(parse_gowork(data, "f")))
        except ParseError as e:
            assert e.problems
            for p in e.problems:
                assert p.file == "f" and 1 <= p.line <= lines and p.column >= 1
                assert str(p).startswith(f"f:{p.line}")
