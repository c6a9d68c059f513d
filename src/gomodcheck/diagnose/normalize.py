"""Strips what CI systems add around the go command's output, so recognisers see what Go printed.

Handles GitHub Actions (timestamps, ``##[group]``/``##[error]`` markers), GitLab CI (section
markers, ANSI erase codes), Jenkins (``[Pipeline]`` lines, timestamper prefixes), docker build
(BuildKit ``#7 16.60`` and classic-builder output), nix (``pkg> `` and ``> ``), carriage-return
progress lines and ANSI colours. Tabs are kept: the go command indents continuation lines with them.
"""

from __future__ import annotations

import re

_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
_GITLAB_SECTION = re.compile(r"section_(?:start|end):\d+:[\w.\-]+(?:\[[^\]]*\])?\r?")
# Each prefix is removed once, in order; all are anchored at the start of the line.
_PREFIXES = (
    # GitHub Actions / Azure Pipelines: 2024-01-02T03:04:05.1234567Z
    re.compile(r"^\ufeff?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z? ?"),
    # Jenkins timestamper: [2024-01-02T03:04:05.123Z] or [03:04:05] or 03:04:05
    re.compile(r"^\[(?:\d{4}-\d\d-\d\d[T ])?\d\d:\d\d:\d\d(?:[.,]\d+)?Z?\] ?"),
    re.compile(r"^\d\d:\d\d:\d\d(?:[.,]\d+)?  "),
    # Open Build Service / rpmbuild: [   47s]
    re.compile(r"^\[\s*\d+s\] "),
    # GitHub Actions workflow commands shown in the raw log.
    re.compile(r"^##\[(?:error|warning|notice|debug|group|endgroup|command|section)\]"),
    re.compile(r"^::(?:error|warning|notice)(?: [^:]*)?::"),
    # BuildKit progress (#7 16.60 ) and the error summary buildx prints (16.60 go: ...).
    re.compile(r"^#\d+ \d+\.\d+ "),
    re.compile(r"^\d{1,5}\.\d{2,3} "),
    # nix: "caddy> go: ..." (nix 2.4+) and "       > go: ..." (last log lines of a failed build).
    re.compile(r"^\s*(?:[\w.+\-]+)?> ?"),
)


def normalize_line(raw: str) -> str:
    """The text the go command printed on this line, without CI decoration."""
    text = raw.rstrip("\n")
    if "section_" in text:
        text = _GITLAB_SECTION.sub("", text)
    if "\x1b" in text:
        text = _ANSI.sub("", text)
    if "\r" in text:
        # A progress line redrawn with CR: the terminal showed the last non-empty state.
        parts = [p for p in text.split("\r") if p.strip()]
        text = parts[-1] if parts else ""
    for prefix in _PREFIXES:
        match = prefix.match(text)
        if match:
            text = text[match.end() :]
    return text


def is_noise(text: str) -> bool:
    """Lines a CI system adds that never belong to a go command message."""
    return text.startswith(("[Pipeline]", "##[endgroup]", "section_end:"))
