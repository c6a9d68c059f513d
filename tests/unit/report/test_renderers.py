"""Every report format renders the same findings correctly for the tool that reads it."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from gomodcheck.findings import Finding, Location, Report, Rule, Severity
from gomodcheck.report import render
from gomodcheck.report.github import annotation

SCHEMA = Path(__file__).resolve().parents[2] / "assets" / "sarif" / "sarif-schema-2.1.0.json"

MISSING = Rule(
    "GMC-TEST1",
    "missing-go-sum-entry",
    "go.sum lacks a line the go command needs",
    help_uri="https://example.invalid/rules#GMC-TEST1",
    security_severity=7.5,
    tags=("supply-chain", "security"),
)


def sample_report() -> Report:
    report = Report("check", summary={"modules": 3})
    report.add(
        Finding(
            "GMC-TEST1",
            Severity.ERROR,
            "missing go.sum entry for module providing package golang.org/x/text/language",
            Location("go.sum", 12, 3, 12, 40),
            evidence=("require golang.org/x/text v0.3.7",),
            fix="add the missing lines",
            fix_commands=("go mod download golang.org/x/text",),
            do_not=("GOSUMDB=off hides the problem",),
        ),
        MISSING,
    )
    report.add(Finding("GMC-ADHOC", Severity.WARNING, "100% sure: a, b\nsecond line"))
    report.add(Finding("GMC-NOTE", Severity.NOTE, "pipes | and <xml> & stuff", Location("go.mod")))
    return report


def rendered(fmt: str, report: Report | None = None) -> str:
    out = io.StringIO()
    render(report or sample_report(), fmt, out)
    return out.getvalue()


def test_sarif_output_is_valid_against_the_official_2_1_0_schema() -> None:
    schema = json.loads(SCHEMA.read_text())
    doc = json.loads(rendered("sarif"))
    jsonschema.Draft4Validator(schema).validate(doc)
    empty = json.loads(rendered("sarif", Report("lint")))
    jsonschema.Draft4Validator(schema).validate(empty)


def test_sarif_results_point_at_the_exact_region_and_their_rule() -> None:
    run = json.loads(rendered("sarif"))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    first = run["results"][0]
    assert rules[first["ruleIndex"]]["id"] == "GMC-TEST1"
    region = first["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 12, "startColumn": 3, "endLine": 12, "endColumn": 40}
    assert first["level"] == "error"
    security = next(r for r in rules if r["id"] == "GMC-TEST1")
    assert security["properties"]["security-severity"] == "7.5"
    assert security["properties"]["tags"] == ["supply-chain", "security"]
    # A finding without a file has no location; one with a file but no line has no region.
    assert "locations" not in run["results"][1]
    assert "region" not in run["results"][2]["locations"][0]["physicalLocation"]


def test_github_annotations_escape_percent_newlines_and_property_delimiters() -> None:
    line = annotation(
        Finding("R1", Severity.ERROR, "50% done\r\nnext", Location("dir,x/go:sum", 4, 2))
    )
    assert line == "::error file=dir%2Cx/go%3Asum,line=4,col=2,title=gomodcheck R1::50%25 done%0D%0Anext"
    lines = rendered("github").splitlines()
    assert lines[0].startswith("::error file=go.sum,line=12,endLine=12,col=3,endColumn=40,")
    assert lines[1].startswith("::warning title=")
    assert lines[2].startswith("::notice file=go.mod,title=")


def test_junit_has_one_failing_case_per_error_or_warning_and_escapes_xml() -> None:
    root = ET.fromstring(rendered("junit"))
    suite = root.find("testsuite")
    assert suite is not None
    assert suite.get("failures") == "2"
    cases = suite.findall("testcase")
    assert len(cases) == 3
    assert cases[0].find("failure") is not None
    assert "GOSUMDB=off" in (cases[0].findtext("failure") or "")
    assert cases[2].find("failure") is None
    assert "<xml> & stuff" in (cases[2].findtext("system-out") or "")


def test_junit_without_findings_has_one_passing_case() -> None:
    root = ET.fromstring(rendered("junit", Report("check")))
    cases = root.findall("./testsuite/testcase")
    assert [c.get("name") for c in cases] == ["no findings"]
    assert cases[0].find("failure") is None


def test_markdown_table_escapes_pipes_and_lists_fix_commands() -> None:
    text = rendered("markdown")
    assert "pipes \\| and" in text
    assert "go mod download golang.org/x/text" in text
    assert text.startswith("## gomodcheck check")


def test_json_report_is_versioned_and_carries_every_field() -> None:
    doc = json.loads(rendered("json"))
    assert doc["schema_version"] == 1
    assert doc["summary"]["errors"] == 1
    assert doc["summary"]["modules"] == 3
    first = doc["findings"][0]
    assert (first["file"], first["line"], first["column"]) == ("go.sum", 12, 3)
    assert first["fix_commands"] == ["go mod download golang.org/x/text"]


def test_text_report_has_no_colour_codes_when_not_writing_to_a_terminal() -> None:
    text = rendered("text")
    assert "\x1b[" not in text
    assert "go.sum:12:3: error [GMC-TEST1] missing go.sum entry" in text
    assert "$ go mod download golang.org/x/text" in text
    assert text.rstrip().endswith("(modules: 3)")


@pytest.mark.parametrize(
    ("fail_on", "expected"), [(Severity.ERROR, 1), (Severity.WARNING, 1), (Severity.NOTE, 1)]
)
def test_exit_code_follows_the_lowest_failing_severity(fail_on: Severity, expected: int) -> None:
    assert sample_report().exit_code(fail_on) == expected


def test_notes_alone_do_not_fail_by_default() -> None:
    report = Report("lint")
    report.add(Finding("N", Severity.NOTE, "fyi"))
    assert report.exit_code() == 0
    assert report.exit_code(Severity.NOTE) == 1
