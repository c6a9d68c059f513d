"""Makefiles: variable assignments (with export and target-specific ones) and recipe commands."""

from __future__ import annotations

import re

from gomodcheck.lint.model import Kind, ParsedFile, Setting, Span, TextMap
from gomodcheck.lint.shell import parse_script

# `$(NAME)` in a recipe is a make variable, not a command substitution: `${NAME}` has the same
# length and meaning for the shell parser, and spares it a nested parse.
_MAKE_VAR = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")

_ASSIGN = re.compile(
    r"^(?P<export>(?:export|override|private)\s+)*(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*"
    r"(?P<op>:::=|::=|:=|\?=|\+=|!=|=)\s*(?P<value>.*)$"
)
_TARGET_ASSIGN = re.compile(
    r"^(?P<targets>[^:=#\t][^:=#]*?)\s*:\s*(?P<export>(?:export|override|private)\s+)*"
    r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*(?P<op>:=|\?=|\+=|=)\s*(?P<value>.*)$"
)
_RULE = re.compile(r"^(?P<targets>[^:=#\t][^=#]*?)\s*::?(?!=)(?P<rest>.*)$")


def parse(text: str, path: str) -> ParsedFile:
    parsed = ParsedFile(path, Kind.MAKEFILE)
    lines = text.split("\n")
    target = ""
    in_rule = False
    order = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("\t") and in_rule:
            first = i
            pieces = [line]
            while pieces[-1].endswith("\\") and i + 1 < len(lines):
                i += 1
                pieces.append(lines[i])
            i += 1
            order += 1
            _recipe(parsed, pieces, first, target, order)
            continue
        # Logical line for everything else: join continuations with a space, as make does.
        first = i
        logical = line
        while logical.endswith("\\") and i + 1 < len(lines):
            i += 1
            logical = logical[:-1] + " " + lines[i].lstrip()
        i += 1
        stripped = logical.split("#", 1)[0].rstrip() if "#" in logical else logical.rstrip()
        if not stripped.strip():
            continue
        if m := _TARGET_ASSIGN.match(stripped):
            _setting(parsed, m, lines[first], first, m.group("targets").strip())
            in_rule = False
            continue
        if m := _ASSIGN.match(stripped.strip()):
            _setting(parsed, m, lines[first], first, "")
            in_rule = False
            continue
        if m := _RULE.match(stripped):
            target = m.group("targets").split()[0] if m.group("targets").split() else ""
            in_rule = True
            inline = m.group("rest")
            if ";" in inline:
                # `target: deps ; command` puts the first recipe line on the rule line.
                at = lines[first].find(";") + 1
                order += 1
                mapped = TextMap.of_lines(
                    [(lines[first][at:].replace("$$", "$"), first + 1, at + 1)]
                )
                facts = parse_script(mapped, target, order)
                parsed.commands.extend(facts.commands)
                parsed.settings.extend(facts.settings)
            continue
        in_rule = in_rule and stripped.lstrip().startswith(
            ("ifeq", "ifneq", "ifdef", "ifndef", "else", "endif")
        )
    return parsed


def _setting(parsed: ParsedFile, m: re.Match[str], raw: str, index: int, context: str) -> None:
    name = m.group("name")
    column = raw.find(name) + 1
    via = "export" if m.group("export") and "export" in m.group("export") else "make"
    value = m.group("value").strip()
    parsed.settings.append(
        Setting(
            name, value, Span(index + 1, column, index + 1, len(raw.rstrip()) + 1), via, context
        )
    )


def _recipe(parsed: ParsedFile, pieces: list[str], first: int, target: str, order: int) -> None:
    mapped = TextMap()
    for k, piece in enumerate(pieces):
        if k:
            mapped.newline()
        column = 1
        body = piece
        if body.startswith("\t"):
            body, column = body[1:], 2
        if k == 0:
            prefix = len(body) - len(body.lstrip("@-+ \t"))
            body, column = body[prefix:], column + prefix
        # `$$` is make's escape for a shell `$`: map each part at its own column.
        parts = _MAKE_VAR.sub(r"${\1}", body).split("$$")
        for p, part in enumerate(parts):
            if p:
                mapped.add("$", first + k + 1, column)
                column += 2
            mapped.add(part, first + k + 1, column)
            column += len(part)
    facts = parse_script(mapped, target, order)
    parsed.commands.extend(facts.commands)
    parsed.settings.extend(facts.settings)
