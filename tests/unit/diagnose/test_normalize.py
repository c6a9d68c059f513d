"""CI decoration is stripped so the go command's own text is what gets recognised."""

from __future__ import annotations

import pytest

from gomodcheck.diagnose.normalize import normalize_line


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-03-04T10:11:12.6234567Z go: downloading x v1", "go: downloading x v1"),
        ("2024-03-04T10:11:12.6234567Z \tdownloaded: h1:abc=", "\tdownloaded: h1:abc="),
        ("##[error]go: inconsistent vendoring in /w:", "go: inconsistent vendoring in /w:"),
        ("\x1b[0;33mgo: updates to go.mod needed\x1b[0m", "go: updates to go.mod needed"),
        ("section_start:1764064800:step_script\r\x1b[0K\x1b[36;1mExecuting\x1b[0;m", "Executing"),
        ("[2026-11-25T10:00:01.001Z] \tgo mod tidy", "\tgo mod tidy"),
        ("10:00:01  go: malformed go.sum:", "go: malformed go.sum:"),
        ("#8 16.60 verifying a@v1: checksum mismatch", "verifying a@v1: checksum mismatch"),
        ("1.425   go.sum:     h1:x=", "  go.sum:     h1:x="),
        ("caddy> go: inconsistent vendoring in /b:", "go: inconsistent vendoring in /b:"),
        ("       > go: inconsistent vendoring in /b:", "go: inconsistent vendoring in /b:"),
        ("[   47s] go: inconsistent vendoring in /b:", "go: inconsistent vendoring in /b:"),
        ("Downloading 10%\rDownloading 50%\rgo: downloading x v1\n", "go: downloading x v1"),
    ],
)
def test_ci_prefixes_and_colours_are_removed_but_tabs_kept(raw: str, expected: str) -> None:
    assert normalize_line(raw) == expected


def test_plain_go_output_is_left_untouched() -> None:
    line = "\tgithub.com/a/b@v1.0.0: is explicitly required in go.mod, but not marked as explicit"
    assert normalize_line(line) == line
