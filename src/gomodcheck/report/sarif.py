"""SARIF 2.1.0 as GitHub code scanning reads it: rules with metadata, results with regions."""

from __future__ import annotations

import json
from typing import Any, TextIO

from gomodcheck import __version__
from gomodcheck.findings import Finding, Report, Rule, Severity
from gomodcheck.report.paths import display_path

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/gomodcheck/gomodcheck"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}


def _rule_to_dict(rule: Rule) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.short_description},
        "fullDescription": {"text": rule.full_description or rule.short_description},
        "defaultConfiguration": {"level": _LEVEL[rule.default_severity]},
    }
    if rule.help_text or rule.help_uri:
        out["help"] = {"text": rule.help_text or rule.short_description}
    if rule.help_uri:
        out["helpUri"] = rule.help_uri
    props: dict[str, Any] = {}
    if rule.tags:
        props["tags"] = list(rule.tags)
    if rule.security_severity is not None:
        props["security-severity"] = f"{rule.security_severity:.1f}"
        # GitHub ranks a result as security only with this tag; the schema forbids repeats.
        if "security" not in props.setdefault("tags", []):
            props["tags"].append("security")
    if props:
        out["properties"] = props
    return out


def _region(finding: Finding) -> dict[str, int] | None:
    loc = finding.location
    if loc is None or loc.line < 1:
        return None
    region = {"startLine": loc.line}
    if loc.column >= 1:
        region["startColumn"] = loc.column
    if loc.end_line >= loc.line:
        region["endLine"] = loc.end_line
        if loc.end_column >= 1:
            region["endColumn"] = loc.end_column
    return region


def _message(finding: Finding) -> str:
    parts = [finding.message]
    if finding.fix:
        parts.append(f"Fix: {finding.fix}")
    parts.extend(f"  {c}" for c in finding.fix_commands)
    return "\n".join(parts)


def _result(finding: Finding, rule_index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index[finding.rule_id],
        "level": _LEVEL[finding.severity],
        "message": {"text": _message(finding)},
    }
    loc = finding.location
    if loc is not None and loc.file:
        physical: dict[str, Any] = {"artifactLocation": {"uri": display_path(loc.file)}}
        region = _region(finding)
        if region is not None:
            physical["region"] = region
        result["locations"] = [{"physicalLocation": physical}]
    props: dict[str, Any] = dict(finding.properties)
    if finding.evidence:
        props["evidence"] = list(finding.evidence)
    if finding.confidence:
        props["confidence"] = finding.confidence
    if props:
        result["properties"] = props
    return result


def report_to_sarif(report: Report) -> dict[str, Any]:
    rules = dict(report.rules)
    for finding in report.findings:
        # Every result must point at a rule; give ad-hoc ids a minimal description.
        rules.setdefault(
            finding.rule_id,
            Rule(
                finding.rule_id,
                finding.rule_id,
                finding.rule_id,
                default_severity=finding.severity,
            ),
        )
    ordered = sorted(rules.values(), key=lambda r: r.id)
    rule_index = {rule.id: i for i, rule in enumerate(ordered)}
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "gomodcheck",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule_to_dict(r) for r in ordered],
                    }
                },
                "automationDetails": {"id": f"gomodcheck/{report.command}/"},
                "results": [_result(f, rule_index) for f in report.findings],
            }
        ],
    }


def render(report: Report, stream: TextIO) -> None:
    json.dump(report_to_sarif(report), stream, indent=2)
    stream.write("\n")
