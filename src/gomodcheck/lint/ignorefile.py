"""Which .dockerignore or .gitignore pattern, if any, excludes a given file (last match wins)."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Sequence

from gomodcheck.lint.model import IgnorePattern


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """Glob to regex: `*` and `?` stay within one path element, `**` spans any number."""
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[":
            close = pattern.find("]", i)
            if close < 0:
                out.append(re.escape(pattern[i]))
                i += 1
            else:
                out.append(fnmatch.translate(pattern[i : close + 1])[4:-3])
                i = close + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out))


def _matches(pattern: str, path: str, gitignore: bool) -> bool:
    if pattern.endswith("/"):
        return False  # directories only; go.sum is a file at the top of the context
    body = pattern.lstrip("/") if not gitignore else pattern
    if gitignore and "/" not in body.rstrip("/"):
        return bool(_glob_regex(body).fullmatch(path.rsplit("/", 1)[-1]))
    body = body.lstrip("/").removeprefix("./")
    regex = _glob_regex(body)
    # A pattern that matches a parent folder excludes everything in it.
    parts = path.split("/")
    return any(regex.fullmatch("/".join(parts[: k + 1])) for k in range(len(parts)))


def excluding_pattern(
    patterns: Sequence[IgnorePattern], path: str, *, gitignore: bool
) -> IgnorePattern | None:
    """The pattern that leaves path excluded, or None when path is kept."""
    verdict: IgnorePattern | None = None
    for entry in patterns:
        text = entry.pattern
        negate = text.startswith("!")
        body = text[1:] if negate else text
        if body.startswith("\\"):
            body = body[1:]
        if _matches(body.strip(), path, gitignore):
            verdict = None if negate else entry
    return verdict
