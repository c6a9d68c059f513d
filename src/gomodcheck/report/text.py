"""Human report: one block per finding, colour only when writing to a terminal."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TextIO

from gomodcheck.findings import Finding, Report, Severity
from gomodcheck.report.paths import display_path

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.NOTE: "cyan"}


def _where(finding: Finding) -> str:
    loc = finding.location
    if loc is None or not loc.file:
        return ""
    where = display_path(loc.file)
    if loc.line:
        where += f":{loc.line}"
        if loc.column:
            where += f":{loc.column}"
    return where + ": "


def render(report: Report, stream: TextIO) -> None:
    if not _colour_wanted(stream):
        # Logs and pipes get the same text without markup; rich would cost more to import
        # than a whole warm `check` spends on some projects.
        stream.write("".join(f"{line}\n" for line in _plain_lines(report)))
        return
    _render_rich(report, stream)


def _render_rich(report: Report, stream: TextIO) -> None:
    from rich.console import Console  # noqa: PLC0415 - rich is heavy; load it only to print
    from rich.markup import escape  # noqa: PLC0415

    console = Console(file=stream, highlight=False, soft_wrap=True, emoji=False)
    for finding in report.findings:
        style = _STYLE[finding.severity]
        head = f"{escape(_where(finding))}[{style}]{finding.severity.value}[/{style}]"
        confidence = f" (confidence: {finding.confidence})" if finding.confidence else ""
        console.print(
            f"{head} [dim]\\[{escape(finding.rule_id)}][/dim] {escape(finding.message)}{confidence}"
        )
        for line in finding.evidence:
            console.print(f"    [dim]|[/dim] {escape(line)}")
        if finding.fix:
            console.print(f"    [green]fix:[/green] {escape(finding.fix)}")
        for command in finding.fix_commands:
            console.print(f"      $ {escape(command)}")
        for item in finding.do_not:
            console.print(f"    [red]do not:[/red] {escape(item)}")
    console.print(_summary_line(report))


def _colour_wanted(stream: TextIO) -> bool:
    """As rich decides: a terminal, or FORCE_COLOR set (CI logs that render colour)."""
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def _plain_lines(report: Report) -> Iterator[str]:
    for finding in report.findings:
        confidence = f" (confidence: {finding.confidence})" if finding.confidence else ""
        yield (
            f"{_where(finding)}{finding.severity.value} [{finding.rule_id}] "
            f"{finding.message}{confidence}"
        )
        for line in finding.evidence:
            yield f"    | {line}"
        if finding.fix:
            yield f"    fix: {finding.fix}"
        for command in finding.fix_commands:
            yield f"      $ {command}"
        for item in finding.do_not:
            yield f"    do not: {item}"
    yield _summary_line(report)


def _summary_line(report: Report) -> str:
    counts = {s: sum(f.severity is s for f in report.findings) for s in Severity}
    facts = ", ".join(f"{k}: {v}" for k, v in report.summary.items())
    if not report.findings:
        head = "no findings"
    else:
        parts = [f"{n} {s.value}{'s' if n != 1 else ''}" for s, n in counts.items() if n]
        head = ", ".join(parts)
    return f"gomodcheck {report.command}: {head}" + (f" ({facts})" if facts else "")
