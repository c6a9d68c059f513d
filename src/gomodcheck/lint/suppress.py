"""Inline suppressions: `# gomodcheck: ignore[GMC-L006] reason` on the line or the line above."""

from __future__ import annotations

import re
from dataclasses import dataclass

from gomodcheck.lint.model import Span

_COMMENT = re.compile(r"(?:#|//)\s*gomodcheck:\s*ignore\[([^\]]*)\](.*)$")


@dataclass(frozen=True)
class Suppression:
    rules: frozenset[str]
    reason: str
    span: Span

    def covers(self, rule_id: str, line: int) -> bool:
        return rule_id in self.rules and line in (self.span.line, self.span.line + 1)


def find_suppressions(text: str) -> list[Suppression]:
    found: list[Suppression] = []
    if "gomodcheck:" not in text:
        return found
    for index, line in enumerate(text.split("\n")):
        match = _COMMENT.search(line)
        if match:
            rules = frozenset(r.strip().upper() for r in match.group(1).split(",") if r.strip())
            reason = match.group(2).strip().lstrip("-:—").strip()
            span = Span(index + 1, match.start() + 1, index + 1, len(line.rstrip()) + 1)
            found.append(Suppression(rules, reason, span))
    return found
