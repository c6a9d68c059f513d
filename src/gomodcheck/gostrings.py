"""Go's strings.Fields and strings.TrimSpace, whose idea of white space (unicode.IsSpace) the go
command's line-based formats depend on. Python's str.split() and strip() differ: they also treat
U+001C..U+001F as white space."""

from __future__ import annotations

import re

__all__ = ["GO_SPACE", "go_fields", "go_fields_with_columns", "go_trim_space"]

# unicode.IsSpace: the Latin-1 spaces plus the White_Space property of higher code points.
GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_FIELD_RE = re.compile(f"[^{GO_SPACE}]+")
_TRIM_RE = re.compile(f"^[{GO_SPACE}]+|[{GO_SPACE}]+$")


def go_fields_with_columns(line: str) -> list[tuple[int, str]]:
    """(0-based column, field) pairs, split as strings.Fields splits."""
    return [(m.start(), m.group()) for m in _FIELD_RE.finditer(line)]


def go_fields(line: str) -> list[str]:
    """The fields of line as strings.Fields splits it."""
    return _FIELD_RE.findall(line)


def go_trim_space(s: str) -> str:
    """s without leading and trailing white space, as strings.TrimSpace trims it."""
    return _TRIM_RE.sub("", s)
