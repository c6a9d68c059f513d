"""devcontainer.json (JSON with comments): containerEnv, remoteEnv, build args, lifecycle commands.

The standard json module forgets positions, so a small JSONC reader keeps each value's offsets.
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass
from typing import Any

from gomodcheck.errors import ParseError
from gomodcheck.lint.model import Command, Kind, ParsedFile, Setting, Span, TextMap, Word
from gomodcheck.lint.shell import parse_script

_COMMANDS = (
    "initializeCommand",
    "onCreateCommand",
    "updateContentCommand",
    "postCreateCommand",
    "postStartCommand",
    "postAttachCommand",
)


@dataclass(frozen=True)
class _Value:
    value: Any  # str, float, bool, None, list[_Value], dict[str, tuple[_Value, _Value]]
    start: int
    end: int


class _Reader:
    def __init__(self, text: str, path: str) -> None:
        self.text, self.path, self.i = text, path, 0
        self.starts = [0] + [k + 1 for k, ch in enumerate(text) if ch == "\n"]

    def place(self, offset: int) -> tuple[int, int]:
        row = bisect.bisect_right(self.starts, offset) - 1
        return row + 1, offset - self.starts[row] + 1

    def span(self, start: int, end: int) -> Span:
        line, column = self.place(start)
        end_line, end_column = self.place(end)
        return Span(line, column, end_line, end_column)

    def fail(self, message: str) -> ParseError:
        line, column = self.place(min(self.i, len(self.text)))
        return ParseError.at(self.path, line, column, message)

    def skip(self) -> None:
        text = self.text
        while self.i < len(text):
            if text[self.i].isspace():
                self.i += 1
            elif text.startswith("//", self.i):
                nl = text.find("\n", self.i)
                self.i = len(text) if nl < 0 else nl
            elif text.startswith("/*", self.i):
                close = text.find("*/", self.i + 2)
                self.i = len(text) if close < 0 else close + 2
            else:
                return

    def value(self) -> _Value:
        self.skip()
        if self.i >= len(self.text):
            raise self.fail("unexpected end of JSON")
        start = self.i
        ch = self.text[start]
        if ch == "{":
            return self.container("}", start)
        if ch == "[":
            return self.container("]", start)
        if ch == '"':
            decoder = json.JSONDecoder()
            try:
                value, end = decoder.raw_decode(self.text, start)
            except ValueError as exc:
                raise self.fail("malformed JSON string") from exc
            self.i = end
            return _Value(value, start, end)
        end = start
        while end < len(self.text) and self.text[end] not in ",]}\n \t\r/":
            end += 1
        word = self.text[start:end]
        self.i = end
        try:
            return _Value(json.loads(word), start, end)
        except ValueError as exc:
            raise self.fail(f"unexpected {word[:20]!r}") from exc

    def container(self, close: str, start: int) -> _Value:
        self.i += 1
        items: list[_Value] = []
        fields: dict[str, tuple[_Value, _Value]] = {}
        while True:
            self.skip()
            if self.i >= len(self.text):
                raise self.fail("unexpected end of JSON")
            if self.text[self.i] == close:
                self.i += 1
                return _Value(fields if close == "}" else items, start, self.i)
            if close == "}":
                key = self.value()
                self.skip()
                if self.text[self.i : self.i + 1] != ":":
                    raise self.fail("expected ':'")
                self.i += 1
                fields[str(key.value)] = (key, self.value())
            else:
                items.append(self.value())
            self.skip()
            if self.text[self.i : self.i + 1] == ",":
                self.i += 1


def parse(text: str, path: str) -> ParsedFile:
    parsed = ParsedFile(path, Kind.DEVCONTAINER)
    reader = _Reader(text, path)
    root = reader.value()
    if not isinstance(root.value, dict):
        return parsed
    for section in ("containerEnv", "remoteEnv"):
        _env(parsed, reader, root.value.get(section), section)
    build = root.value.get("build")
    if build is not None and isinstance(build[1].value, dict):
        _env(parsed, reader, build[1].value.get("args"), "build.args")
    order = 0
    for name in _COMMANDS:
        entry = root.value.get(name)
        if entry is None:
            continue
        value = entry[1]
        commands = (
            [v for _, v in value.value.values()] if isinstance(value.value, dict) else [value]
        )
        for command in commands:
            order += 1
            _command(parsed, reader, command, name, order)
    return parsed


def _env(
    parsed: ParsedFile, reader: _Reader, entry: tuple[_Value, _Value] | None, via: str
) -> None:
    if entry is None or not isinstance(entry[1].value, dict):
        return
    for name, (key, value) in entry[1].value.items():
        if isinstance(value.value, str):
            parsed.settings.append(
                Setting(name, value.value, reader.span(key.start, value.end), via)
            )


def _command(parsed: ParsedFile, reader: _Reader, value: _Value, context: str, order: int) -> None:
    if isinstance(value.value, str):
        line, column = reader.place(value.start + 1)
        facts = parse_script(TextMap.of_lines([(value.value, line, column)]), context, order)
        parsed.commands.extend(facts.commands)
        parsed.settings.extend(facts.settings)
    elif (
        isinstance(value.value, list)
        and value.value
        and all(isinstance(v.value, str) for v in value.value)
    ):
        words = tuple(Word(v.value, reader.span(v.start + 1, v.end - 1)) for v in value.value)
        parsed.commands.append(
            Command(words, (), reader.span(value.start, value.end), context, order)
        )
