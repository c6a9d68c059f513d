"""Shared pieces of the checks: settings, the Finding builder, and go command helpers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from gomodcheck.findings import Finding, Location, Severity
from gomodcheck.lint.catalog import RULES
from gomodcheck.lint.model import Command, ParsedFile, Setting, Span

_GO_HEAD = re.compile(
    r"^(?:\S*/)?go(?:1\.\d+(?:\.\d+)?)?$|^\$[({]?GO(?:CMD|_CMD|BIN|_BIN|EXE)?[)}]?$"
)


BUILD_COMMANDS = frozenset({"build", "test", "run", "install", "vet", "list", "generate"})


DO_NOT = "Do not turn verification off (GOSUMDB=off, GONOSUMDB=*, -mod=mod) to pass the build."


@dataclass(frozen=True)
class LintSettings:
    """The [lint] table of gomodcheck.toml, already validated."""

    disable: frozenset[str] = frozenset()
    severity: dict[str, Severity] = field(default_factory=dict)
    allow_private: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    air_gapped: bool = False


def finding(
    rule_id: str,
    f: ParsedFile,
    span: Span,
    message: str,
    evidence: Iterable[str] = (),
    *,
    fix: str = "",
    fix_commands: Sequence[str] = (),
    do_not: Sequence[str] = (),
    severity: Severity | None = None,
) -> Finding:
    rule = RULES[rule_id]
    return Finding(
        rule_id=rule_id,
        severity=severity or rule.default_severity,
        message=message,
        location=Location(f.path, span.line, span.column, span.end_line, span.end_column),
        evidence=tuple(evidence),
        fix=fix or rule.help_text.split("Safe fix: ", 1)[-1],
        fix_commands=tuple(fix_commands),
        do_not=tuple(do_not) or (DO_NOT,),
        properties={"kind": f.kind.value},
    )


def all_settings(f: ParsedFile) -> list[Setting]:
    found = list(f.settings)
    for command in f.commands:
        found.extend(command.inline)
    return found


def go_args(command: Command) -> tuple[str, ...] | None:
    """The arguments after `go` when the command runs the go tool, else None."""
    if not command.words or not _GO_HEAD.match(command.words[0].text):
        return None
    return command.argv[1:]


def subcommand(args: Sequence[str]) -> tuple[str, ...]:
    words = [a for a in args if not a.startswith("-")]
    if not words:
        return ()
    if words[0] in ("mod", "work", "env", "tool") and len(words) > 1:
        return (words[0], words[1])
    return (words[0],)


def mod_flag(args: Sequence[str]) -> str:
    """The value of -mod in go arguments or a GOFLAGS value ('' when absent)."""
    for i, arg in enumerate(args):
        bare = arg.lstrip("-")
        if arg.startswith("-") and bare.startswith("mod="):
            return bare[4:]
        if arg in ("-mod", "--mod") and i + 1 < len(args):
            return args[i + 1]
    return ""


def literal(value: str) -> bool:
    """Whether a value is written out, not an expression we cannot evaluate."""
    return (
        "${{" not in value and "$(" not in value and "${" not in value and not value.startswith("$")
    )


def version_key(version: str) -> tuple[int, int, int]:
    parts = [int(p) for p in version.split(".")[:3] if p.isdigit()]
    while len(parts) < 3:
        parts.append(-1)
    return parts[0], parts[1], parts[2]


def older_than(pin: str, required: str) -> bool:
    """Whether a pinned Go ('1.22' meaning the newest 1.22.x) cannot satisfy `required`."""
    p, r = version_key(pin), version_key(required)
    if p[2] < 0:  # a family pin: its newest patch release satisfies any patch of the family
        return p[:2] < r[:2]
    return p < (r[0], r[1], max(r[2], 0))
