"""Dockerfiles: ENV/ARG, RUN (shell, exec and heredoc forms, --mount), FROM stages, COPY order.

Follows BuildKit's reading: the `# escape=` directive, continuation lines joined without the
escape and newline, comment lines inside a continuation dropped, heredocs after `<<EOF`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from gomodcheck.lint.model import Command, CopyStep, Kind, ParsedFile, Setting, Span, TextMap, Word
from gomodcheck.lint.parsers.common import golang_image_version
from gomodcheck.lint.shell import parse_script

_DIRECTIVE = re.compile(r"^#\s*escape\s*=\s*(\S)\s*$", re.IGNORECASE)
_INSTRUCTION = re.compile(r"^\s*([A-Za-z]+)(\s+|$)")
_HEREDOC = re.compile(r"<<(-?)\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\2")
_VAR = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)(?::?-[^}]*)?\}?")


@dataclass
class _Instruction:
    keyword: str
    args: TextMap  # the arguments after the keyword, continuations joined
    line: int
    heredocs: list[TextMap]


def parse(text: str, path: str) -> ParsedFile:
    parsed = ParsedFile(path, Kind.DOCKERFILE)
    stage = -1
    stage_name = ""
    args: dict[str, str] = {}
    for order, ins in enumerate(_instructions(text.split("\n")), start=1):
        kw = ins.keyword
        if kw == "FROM":
            stage += 1
            stage_name = _from(parsed, ins, args, stage)
        # "stage N" first so rules can tell stages apart; the AS name helps a reader.
        context = f"stage {max(stage, 0)}" + (f" ({stage_name})" if stage_name else "")
        if kw in ("ENV", "ARG"):
            for setting in _pairs(ins.args, kw, context, order):
                parsed.settings.append(setting)
                if kw == "ARG":
                    args[setting.name] = setting.value
        elif kw == "RUN":
            _run(parsed, ins, context, order, max(stage, 0))
        elif kw in ("COPY", "ADD"):
            _copy(parsed, ins, order, max(stage, 0))
    return parsed


def _instructions(lines: list[str]) -> list[_Instruction]:
    escape = "\\"
    found: list[_Instruction] = []
    i = 0
    # Parser directives come first, before any instruction or other comment.
    while i < len(lines) and (m := _DIRECTIVE.match(lines[i].strip())):
        escape = m.group(1)
        i += 1
    while i < len(lines):
        raw = lines[i]
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            i += 1
            continue
        first = i
        mapped = TextMap()
        while True:
            line = lines[i]
            body = line.rstrip()
            continued = body.endswith(escape) and not body.endswith(escape * 2)
            piece = body[:-1] if continued else line
            if i == first:
                head = _INSTRUCTION.match(piece)
                skip = head.end() if head else 0
                mapped.add(piece[skip:], i + 1, skip + 1)
            else:
                mapped.add(piece, i + 1, 1)
            i += 1
            if not continued:
                break
            while i < len(lines) and (not lines[i].strip() or lines[i].lstrip().startswith("#")):
                i += 1
            if i >= len(lines):
                break
        head = _INSTRUCTION.match(lines[first])
        keyword = head.group(1).upper() if head else ""
        heredocs: list[TextMap] = []
        if keyword in ("RUN", "COPY", "ADD") and "<<" in mapped.text:
            for match in _HEREDOC.finditer(mapped.text):
                strip_tabs, delim = match.group(1) == "-", match.group(3)
                body_lines: list[tuple[str, int, int]] = []
                while (
                    i < len(lines) and (lines[i].lstrip("\t") if strip_tabs else lines[i]) != delim
                ):
                    piece = lines[i].lstrip("\t") if strip_tabs else lines[i]
                    body_lines.append((piece, i + 1, len(lines[i]) - len(piece) + 1))
                    i += 1
                i += 1
                heredocs.append(TextMap.of_lines(body_lines))
        found.append(_Instruction(keyword, mapped, first + 1, heredocs))
    return found


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int


def _split(text: str, start: int = 0) -> list[_Token]:
    """Whitespace-separated words with quotes removed, as Dockerfile arguments are read."""
    tokens: list[_Token] = []
    i, n = start, len(text)
    while i < n:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            break
        begin = i
        out: list[str] = []
        quote = ""
        while i < n and (quote or not text[i].isspace()):
            ch = text[i]
            if quote:
                if ch == quote:
                    quote = ""
                elif ch == "\\" and quote == '"' and i + 1 < n:
                    i += 1
                    out.append(text[i])
                else:
                    out.append(ch)
            elif ch in "'\"":
                quote = ch
            elif ch == "\\" and i + 1 < n:
                i += 1
                out.append(text[i])
            else:
                out.append(ch)
            i += 1
        tokens.append(_Token("".join(out), begin, i))
    return tokens


def _pairs(args: TextMap, via: str, context: str, order: int) -> list[Setting]:
    tokens = _split(args.text)
    if not tokens:
        return []
    if via == "ENV" and "=" not in tokens[0].text:
        # Legacy `ENV NAME value with spaces`: the rest of the line is the value.
        value_start = tokens[1].start if len(tokens) > 1 else tokens[0].end
        value = args.text[value_start:].strip()
        return [
            Setting(
                tokens[0].text,
                value,
                args.span(tokens[0].start, len(args.text.rstrip())),
                via,
                context,
                order,
            )
        ]
    found = []
    for token in tokens:
        name, sep, value = token.text.partition("=")
        if sep and name:
            found.append(
                Setting(name, value, args.span(token.start, token.end), via, context, order)
            )
    return found


def _from(parsed: ParsedFile, ins: _Instruction, args: dict[str, str], stage: int) -> str:
    tokens = [t for t in _split(ins.args.text) if not t.text.startswith("--")]
    if not tokens:
        return ""
    image = _VAR.sub(lambda m: args.get(m.group(1), m.group(0)), tokens[0].text)
    version = golang_image_version(image)
    context = tokens[2].text if len(tokens) >= 3 and tokens[1].text.upper() == "AS" else ""
    if version:
        from gomodcheck.lint.model import VersionPin  # noqa: PLC0415 - keeps the import list short

        where = ins.args.span(tokens[0].start, tokens[0].end)
        parsed.pins.append(VersionPin(version, where, "FROM golang image", f"stage {stage}"))
    return context


def _run(parsed: ParsedFile, ins: _Instruction, context: str, order: int, stage: int) -> None:
    text = ins.args.text
    tokens = _split(text)
    k = 0
    while k < len(tokens) and tokens[k].text.startswith("--"):
        flag = tokens[k]
        if flag.text == "--network=none":
            parsed.offline_hints.append(ins.args.span(flag.start, flag.end))
        if flag.text.startswith("--mount=") and "type=bind" in flag.text:
            options = dict(part.partition("=")[::2] for part in flag.text[8:].split(","))
            source = options.get("source") or options.get("src") or ""
            if source:
                parsed.copies.append(
                    CopyStep((source,), ins.args.span(flag.start, flag.end), stage, order)
                )
        k += 1
    rest_start = tokens[k].start if k < len(tokens) else len(text)
    rest = text[rest_start:].strip()
    if rest.startswith("["):
        _exec_form(parsed, ins.args, rest_start, context, order)
        return
    only_heredoc = _HEREDOC.fullmatch(rest.split(None, 1)[0]) if rest else None
    # `RUN <<EOF` alone runs the heredoc as the script; otherwise it is the command's input.
    scripts = ins.heredocs[:1] if only_heredoc and ins.heredocs else [ins.args.tail(rest_start)]
    for script in scripts:
        facts = parse_script(script, context, order)
        parsed.commands.extend(facts.commands)
        parsed.settings.extend(facts.settings)


def _exec_form(parsed: ParsedFile, args: TextMap, start: int, context: str, order: int) -> None:
    try:
        argv = json.loads(args.text[start:])
    except ValueError:
        return
    if not isinstance(argv, list) or not all(isinstance(a, str) for a in argv) or not argv:
        return
    words = []
    cursor = start
    for arg in argv:
        at = args.text.find(json.dumps(arg)[1:-1], cursor)
        at = cursor if at < 0 else at
        words.append(Word(arg, args.span(at, at + len(arg))))
        cursor = at + len(arg)
    if argv[0] in ("sh", "/bin/sh", "bash", "/bin/bash") and len(argv) > 2 and argv[1] == "-c":
        line, column = words[2].span.line, words[2].span.column
        facts = parse_script(TextMap.of_lines([(argv[2], line, column)]), context, order)
        parsed.commands.extend(facts.commands)
        parsed.settings.extend(facts.settings)
        return
    span = Span(
        words[0].span.line, words[0].span.column, words[-1].span.end_line, words[-1].span.end_column
    )
    parsed.commands.append(Command(tuple(words), (), span, context, order))


def _copy(parsed: ParsedFile, ins: _Instruction, order: int, stage: int) -> None:
    text = ins.args.text
    tokens = _split(text)
    from_stage = any(t.text.startswith("--from=") for t in tokens)
    tokens = [t for t in tokens if not t.text.startswith("--")]
    rest = text[tokens[0].start :].strip() if tokens else ""
    sources: list[str]
    if rest.startswith("["):
        try:
            values = json.loads(rest)
        except ValueError:
            values = []
        sources = [v for v in values[:-1] if isinstance(v, str)] if isinstance(values, list) else []
    else:
        sources = [t.text for t in tokens[:-1] if not t.text.startswith("<<")]
    if not tokens:
        return
    span = ins.args.span(tokens[0].start, tokens[-1].end)
    parsed.copies.append(CopyStep(tuple(sources), span, stage, order, from_stage))
