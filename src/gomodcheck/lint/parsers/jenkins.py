"""Jenkinsfiles (declarative or scripted): environment blocks, withEnv, and sh steps.

Groovy is not parsed in full: we find the string literals that reach a shell (sh steps in all
four Groovy quotings, and sh(script: ...)) and the environment assignments, keeping their places.
"""

from __future__ import annotations

import bisect
import re

from gomodcheck.lint.model import Kind, ParsedFile, Setting, TextMap
from gomodcheck.lint.shell import parse_script

_SH = re.compile(r"\bsh\b\s*(\()?\s*")
_SCRIPT_ARG = re.compile(r"\bscript\s*:\s*")
_ENV_BLOCK = re.compile(r"\benvironment\s*\{")
_ENV_LINE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(['\"])")
_WITH_ENV = re.compile(r"\bwithEnv\s*\(\s*\[")
_STAGE = re.compile(r"\bstage\s*\(\s*['\"]([^'\"]*)['\"]")


class _Source:
    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0]
        for i, ch in enumerate(text):
            if ch == "\n":
                self.starts.append(i + 1)

    def place(self, offset: int) -> tuple[int, int]:
        row = bisect.bisect_right(self.starts, offset) - 1
        return row + 1, offset - self.starts[row] + 1

    def string_at(self, pos: int) -> tuple[TextMap, int] | None:
        """The Groovy string literal starting at pos, unescaped and mapped, and its end."""
        text = self.text
        for delim in ("'''", '"""', "'", '"'):
            if text.startswith(delim, pos):
                break
        else:
            return None
        i = pos + len(delim)
        mapped = TextMap()
        piece_start = i
        piece: list[str] = []

        def flush(at: int) -> None:
            nonlocal piece, piece_start
            if piece:
                mapped.add("".join(piece), *self.place(piece_start))
            piece = []
            piece_start = at

        while i < len(text):
            if text.startswith(delim, i):
                flush(i)
                return mapped, i + len(delim)
            ch = text[i]
            if ch == "\n":
                if len(delim) == 1:
                    return None  # a single-quoted Groovy string cannot span lines
                flush(i + 1)
                mapped.newline()
            elif ch == "\\" and i + 1 < len(text):
                flush(i + 1)
                nxt = text[i + 1]
                piece = ["\\" + nxt if nxt not in "$'\"\\" else nxt]
                piece_start = i + 1
                i += 2
                flush(i)
                continue
            else:
                piece.append(ch)
            i += 1
        return None


def parse(text: str, path: str) -> ParsedFile:
    parsed = ParsedFile(path, Kind.JENKINSFILE)
    src = _Source(text)
    stages = [(m.start(), m.group(1)) for m in _STAGE.finditer(text)]

    def context_at(offset: int) -> str:
        k = bisect.bisect_right([s for s, _ in stages], offset) - 1
        return stages[k][1] if k >= 0 else ""

    for block in _ENV_BLOCK.finditer(text):
        end = _closing_brace(text, block.end())
        offset = block.end()
        for line in text[block.end() : end].split("\n"):
            if m := _ENV_LINE.match(line):
                found = src.string_at(offset + m.end() - 1)
                if found is not None:
                    value, stop = found
                    line_no, column = src.place(offset + m.start(1))
                    end_line, end_column = src.place(stop)
                    from gomodcheck.lint.model import Span  # noqa: PLC0415

                    span = Span(line_no, column, end_line, end_column)
                    parsed.settings.append(
                        Setting(m.group(1), value.text, span, "environment", context_at(offset))
                    )
            offset += len(line) + 1
    for block in _WITH_ENV.finditer(text):
        pos = block.end()
        while pos < len(text) and text[pos] != "]":
            if text[pos] in "'\"":
                found = src.string_at(pos)
                if found is None:
                    break
                value, pos = found
                name, sep, val = value.text.partition("=")
                if sep:
                    span = value.span(0, len(value.text))
                    parsed.settings.append(
                        Setting(name.strip(), val, span, "withEnv", context_at(block.start()))
                    )
                continue
            pos += 1
    order = 0
    for m in _SH.finditer(text):
        pos = m.end()
        if text[pos : pos + 1] not in ("'", '"'):
            arg = _SCRIPT_ARG.search(text, pos, min(len(text), pos + 400))
            if arg is None:
                continue
            pos = arg.end()
        found = src.string_at(pos)
        if found is None:
            continue
        order += 1
        facts = parse_script(found[0], context_at(m.start()), order)
        parsed.commands.extend(facts.commands)
        parsed.settings.extend(facts.settings)
    return parsed


def _closing_brace(text: str, start: int) -> int:
    depth = 1
    for i in range(start, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    return len(text)
