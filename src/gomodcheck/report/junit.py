"""JUnit XML for Jenkins and GitLab: one failing test case per finding."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TextIO

from gomodcheck.findings import Finding, Report, Severity
from gomodcheck.report.paths import display_path


def _case_name(finding: Finding) -> str:
    loc = finding.location
    where = ""
    if loc is not None and loc.file:
        where = display_path(loc.file) + (f":{loc.line}" if loc.line else "")
    return f"{finding.rule_id} {where}".strip()


def _details(finding: Finding) -> str:
    lines = [finding.message, *finding.evidence]
    if finding.fix:
        lines.append(f"Fix: {finding.fix}")
    lines.extend(f"  {c}" for c in finding.fix_commands)
    lines.extend(f"Do not: {d}" for d in finding.do_not)
    return "\n".join(lines)


def report_to_junit(report: Report) -> ET.Element:
    failing = [f for f in report.findings if f.severity is not Severity.NOTE]
    suites = ET.Element("testsuites", name="gomodcheck")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=f"gomodcheck {report.command}",
        tests=str(max(len(report.findings), 1)),
        failures=str(len(failing)),
        errors="0",
        skipped="0",
    )
    for finding in report.findings:
        case = ET.SubElement(
            suite, "testcase", classname=f"gomodcheck.{report.command}", name=_case_name(finding)
        )
        if finding.severity is Severity.NOTE:
            ET.SubElement(case, "system-out").text = _details(finding)
            continue
        failure = ET.SubElement(
            case, "failure", message=finding.message, type=finding.severity.value
        )
        failure.text = _details(finding)
    if not report.findings:
        classname = f"gomodcheck.{report.command}"
        ET.SubElement(suite, "testcase", classname=classname, name="no findings")
    return suites


def render(report: Report, stream: TextIO) -> None:
    root = report_to_junit(report)
    ET.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(root, encoding="unicode"))
    stream.write("\n")
