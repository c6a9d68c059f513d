"""GitHub Actions workflow commands: one ::error/::warning/::notice annotation per finding."""

from __future__ import annotations

from typing import TextIO

from gomodcheck.findings import Finding, Report, Severity
from gomodcheck.report.paths import display_path

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def escape_data(text: str) -> str:
    """The message part: GitHub decodes %25, %0D and %0A."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Property values additionally escape ':' and ',', which delimit properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    props: list[str] = []
    loc = finding.location
    if loc is not None and loc.file:
        props.append(f"file={escape_property(display_path(loc.file))}")
        if loc.line:
            props.append(f"line={loc.line}")
            if loc.end_line >= loc.line:
                props.append(f"endLine={loc.end_line}")
            if loc.column:
                props.append(f"col={loc.column}")
                if loc.end_column and loc.end_line == loc.line:
                    props.append(f"endColumn={loc.end_column}")
    props.append(f"title={escape_property(f'gomodcheck {finding.rule_id}')}")
    body = finding.message
    if finding.fix:
        body += f"\nFix: {finding.fix}"
    body += "".join(f"\n  {c}" for c in finding.fix_commands)
    return f"::{_COMMAND[finding.severity]} {','.join(props)}::{escape_data(body)}"


def render(report: Report, stream: TextIO) -> None:
    for finding in report.findings:
        stream.write(annotation(finding) + "\n")
    if not report.findings:
        stream.write(f"::notice title=gomodcheck {report.command}::no findings\n")
