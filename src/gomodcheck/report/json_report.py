"""JSON report: a versioned, stable shape for machines."""

from __future__ import annotations

import json
from typing import Any, TextIO

from gomodcheck import __version__
from gomodcheck.findings import Finding, Report

SCHEMA_VERSION = 1


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    loc = finding.location
    out: dict[str, Any] = {
        "rule": finding.rule_id,
        "severity": finding.severity.value,
        "message": finding.message,
        "file": loc.file if loc else None,
        "line": loc.line if loc and loc.line else None,
        "column": loc.column if loc and loc.column else None,
        "evidence": list(finding.evidence),
        "fix": finding.fix,
        "fix_commands": list(finding.fix_commands),
        "do_not": list(finding.do_not),
    }
    if finding.confidence:
        out["confidence"] = finding.confidence
    if finding.properties:
        out["properties"] = dict(finding.properties)
    return out


def report_to_dict(report: Report) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "gomodcheck", "version": __version__},
        "command": report.command,
        "summary": {
            **report.summary,
            "findings": len(report.findings),
            "errors": sum(f.severity.value == "error" for f in report.findings),
            "warnings": sum(f.severity.value == "warning" for f in report.findings),
        },
        "findings": [finding_to_dict(f) for f in report.findings],
    }


def render(report: Report, stream: TextIO) -> None:
    # One write: json.dump would make tens of thousands of small ones for a large report.
    stream.write(json.dumps(report_to_dict(report), indent=2, sort_keys=False))
    stream.write("\n")
