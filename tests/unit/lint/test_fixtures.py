"""Every rule fires on its positive fixtures, at the expected line and column, and only there."""

from __future__ import annotations

from pathlib import Path

import pytest

from gomodcheck.lint import lint_paths
from gomodcheck.lint.catalog import RULES

FIXTURES = Path(__file__).resolve().parents[2] / "assets" / "lint" / "fixtures"
CASES = sorted(p for rule in FIXTURES.iterdir() for p in rule.iterdir() if p.is_dir())


def _expected(case: Path) -> set[str]:
    lines = (case / "EXPECT").read_text(encoding="utf-8").splitlines()
    return {line for line in lines if line and not line.startswith("#")}


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_rule_fires_exactly_where_its_fixture_expects(case: Path) -> None:
    rule = case.parent.name
    report = lint_paths([case])
    got = {
        f"{f.rule_id} {f.location.file}:{f.location.line}:{f.location.column}"
        for f in report.findings
        if f.rule_id == rule and f.location is not None
    }
    assert got == _expected(case)


def test_every_rule_has_a_positive_and_a_negative_fixture() -> None:
    kinds: dict[str, set[str]] = {rule: set() for rule in RULES}
    for case in CASES:
        kinds[case.parent.name].add(case.name.split("-", 1)[0])
    assert {rule for rule, seen in kinds.items() if seen != {"pos", "neg"}} == set()


def test_every_finding_carries_its_rule_metadata_and_a_safe_fix() -> None:
    report = lint_paths([case for case in CASES if case.name.startswith("pos")])
    assert report.findings
    for finding in report.findings:
        assert finding.rule_id in report.rules
        assert finding.fix
        assert finding.location is not None
        assert finding.location.line > 0 and finding.location.column > 0
        assert finding.location.end_line >= finding.location.line
        assert all("GOSUMDB=off" not in c for c in finding.fix_commands)
