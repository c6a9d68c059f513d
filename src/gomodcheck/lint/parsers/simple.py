"""Shell scripts, .envrc, dotenv files, and .dockerignore/.gitignore pattern lists."""

from __future__ import annotations

import re

from gomodcheck.lint.model import IgnorePattern, Kind, ParsedFile, Setting, Span, TextMap
from gomodcheck.lint.shell import parse_script

_DOTENV = re.compile(r"^(\s*(?:export\s+)?)([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$")


def parse_shell(text: str, path: str) -> ParsedFile:
    parsed = ParsedFile(path, Kind.SHELL)
    lines = text.split("\n")
    facts = parse_script(TextMap.of_lines([(line, i + 1, 1) for i, line in enumerate(lines)]))
    parsed.commands.extend(facts.commands)
    parsed.settings.extend(facts.settings)
    return parsed


def parse_dotenv(text: str, path: str) -> ParsedFile:
    """KEY=VALUE lines as docker compose and direnv's dotenv read them."""
    parsed = ParsedFile(path, Kind.ENVFILE)
    for index, line in enumerate(text.split("\n")):
        match = _DOTENV.match(line)
        if not match or line.lstrip().startswith("#"):
            continue
        value = match.group(3).strip()
        if value[:1] in ("'", '"') and value.endswith(value[0]) and len(value) >= 2:
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        span = Span(index + 1, len(match.group(1)) + 1, index + 1, len(line.rstrip()) + 1)
        via = "export" if "export" in match.group(1) else "dotenv"
        parsed.settings.append(Setting(match.group(2), value, span, via))
    return parsed


def parse_ignore(text: str, path: str, kind: Kind) -> ParsedFile:
    parsed = ParsedFile(path, kind)
    for index, line in enumerate(text.split("\n")):
        pattern = line.rstrip("\r").rstrip() if kind is Kind.GITIGNORE else line.strip()
        if not pattern or pattern.startswith("#"):
            continue
        column = line.find(pattern) + 1
        parsed.ignores.append(
            IgnorePattern(pattern, Span(index + 1, column, index + 1, column + len(pattern)))
        )
    return parsed
