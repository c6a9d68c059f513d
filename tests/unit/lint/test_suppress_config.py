"""Inline suppressions and the [lint] table of gomodcheck.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from gomodcheck.errors import ParseError
from gomodcheck.findings import Severity
from gomodcheck.lint import lint_paths
from gomodcheck.lint.settings import lint_settings


def _dockerfile(tmp_path: Path, text: str) -> Path:
    (tmp_path / "Dockerfile").write_text(text, encoding="utf-8")
    return tmp_path


def _rules(folder: Path, **table: object) -> list[tuple[str, int]]:
    settings = lint_settings(table, "gomodcheck.toml")
    return [
        (f.rule_id, f.location.line if f.location else 0)
        for f in lint_paths([folder], settings).findings
    ]


def test_suppression_on_the_same_line_or_the_line_above_hides_the_finding(tmp_path: Path) -> None:
    folder = _dockerfile(
        tmp_path,
        "FROM golang:1.23\n# gomodcheck: ignore[GMC-L001] offline image, modules are vendored\nENV GOSUMDB=off\n"
        "RUN GOSUMDB=off go vet ./... # gomodcheck: ignore[GMC-L001, GMC-L007] vet only\n",
    )
    assert _rules(folder) == []


def test_suppression_two_lines_above_or_for_another_rule_does_not_apply(tmp_path: Path) -> None:
    folder = _dockerfile(
        tmp_path,
        "FROM golang:1.23\n# gomodcheck: ignore[GMC-L001] too far away\n\nENV GOSUMDB=off\n"
        "# gomodcheck: ignore[GMC-L007] wrong rule\nENV GOPRIVATE=*\n",
    )
    assert _rules(folder) == [("GMC-L001", 4), ("GMC-L002", 6)]


def test_suppression_without_a_reason_is_itself_a_finding(tmp_path: Path) -> None:
    folder = _dockerfile(
        tmp_path, "FROM golang:1.23\nENV GOSUMDB=off # gomodcheck: ignore[GMC-L001]\n"
    )
    assert _rules(folder) == [("GMC-L018", 2)]


def test_config_disables_rules_and_overrides_severity(tmp_path: Path) -> None:
    folder = _dockerfile(tmp_path, "FROM golang:1.23\nENV GOSUMDB=off GOPROXY=direct\n")
    assert _rules(folder, disable=["GMC-L006"]) == [("GMC-L001", 2)]
    settings = lint_settings({"severity": {"GMC-L006": "note"}}, "gomodcheck.toml")
    levels = {f.rule_id: f.severity for f in lint_paths([folder], settings).findings}
    assert levels == {"GMC-L001": Severity.ERROR, "GMC-L006": Severity.NOTE}


def test_config_allows_reviewed_private_patterns(tmp_path: Path) -> None:
    folder = _dockerfile(tmp_path, "FROM golang:1.23\nENV GONOSUMDB=github.com/acme\n")
    assert _rules(folder) == []  # narrow already
    folder = _dockerfile(tmp_path, "FROM golang:1.23\nENV GONOSUMDB=*.acme.io,github.com\n")
    assert _rules(folder, allow_private=["github.com"]) == []
    assert _rules(folder) == [("GMC-L002", 2)]


def test_config_excludes_paths(tmp_path: Path) -> None:
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "Dockerfile").write_text(
        "FROM golang\nENV GOSUMDB=off\n", encoding="utf-8"
    )
    assert _rules(tmp_path) == [("GMC-L001", 2)]
    assert _rules(tmp_path, exclude=["examples"]) == []


@pytest.mark.parametrize(
    "table",
    [
        {"disable": "GMC-L001"},
        {"disable": ["GMC-L999"]},
        {"severity": {"GMC-L001": "fatal"}},
        {"colour": 1},
    ],
)
def test_malformed_lint_table_is_a_parse_error_naming_the_file(table: dict[str, object]) -> None:
    with pytest.raises(ParseError) as info:
        lint_settings(table, "ci/gomodcheck.toml")
    assert "ci/gomodcheck.toml" in str(info.value)
