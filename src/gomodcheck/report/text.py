"""Human report: one block per finding, colour only when writing to a terminal."""

from __future__ import annotations

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
    from rich.console import Console  # noqa: PLC0415 - rich is heavy; load it only to print
    from rich.markup import escape  # noqa: PLC0415

    console = Console(file=stream, highlight=False, soft_wrap=True)
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


def _summary_line(report: Report) -> str:
    counts = {s: sum(f.severity is s for f in report.findings) for s in Severity}
    facts = ", ".join(f"{k}: {v}" for k, v in report.summary.items())
    if not report.findings:
        head = "no findings"
    else:
        parts = [f"{n} {s.value}{'s' if n != 1 else ''}" for s, n in counts.items() if n]
        head = ", ".join(parts)
    return f"gomodcheck {report.command}: {head}" + (f" ({facts})" if facts else "")
