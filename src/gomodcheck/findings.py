"""The Finding model every command reports through, and the Report that carries them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "note": 1}[self.value]


@dataclass(frozen=True)
class Location:
    """A place in a file; lines and columns are 1-based, 0 means unknown."""

    file: str
    line: int = 0
    column: int = 0
    end_line: int = 0
    end_column: int = 0


@dataclass(frozen=True)
class Rule:
    """What a rule checks, for SARIF rule metadata and documentation."""

    id: str
    name: str
    short_description: str
    full_description: str = ""
    help_text: str = ""
    help_uri: str = ""
    default_severity: Severity = Severity.ERROR
    # SARIF "security-severity" (0.0-10.0) for rules GitHub code scanning should rank as security.
    security_severity: float | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    """One thing wrong, where it is, why we believe it, and what fixes it."""

    rule_id: str
    severity: Severity
    message: str
    location: Location | None = None
    evidence: tuple[str, ...] = ()
    fix: str = ""
    fix_commands: tuple[str, ...] = ()
    # Things a user might be tempted to do that would only hide the problem.
    do_not: tuple[str, ...] = ()
    confidence: str = ""  # "high" | "medium" | "low" where a command guesses (diagnose)
    properties: Mapping[str, str | int | float | bool] = field(default_factory=dict)


@dataclass
class Report:
    """The outcome of one command: findings plus the rules they refer to."""

    command: str
    findings: list[Finding] = field(default_factory=list)
    rules: dict[str, Rule] = field(default_factory=dict)
    # Files or inputs examined, for renderers that list them (JUnit test cases, SARIF artifacts).
    inputs: list[str] = field(default_factory=list)
    # Counts and facts shown in summaries: {"modules checked": 412}.
    summary: dict[str, int | str] = field(default_factory=dict)

    def add(self, finding: Finding, rule: Rule | None = None) -> None:
        self.findings.append(finding)
        if rule is not None:
            self.rules.setdefault(rule.id, rule)

    def extend(self, findings: Iterable[Finding]) -> None:
        self.findings.extend(findings)

    def failing(self, fail_on: Severity = Severity.WARNING) -> list[Finding]:
        return [f for f in self.findings if f.severity.rank >= fail_on.rank]

    def exit_code(self, fail_on: Severity = Severity.WARNING) -> int:
        return 1 if self.failing(fail_on) else 0


def dump_report(report: Report) -> dict[str, object]:
    """The report as plain JSON data that load_report() turns back into an equal Report."""
    from dataclasses import asdict  # noqa: PLC0415 - only the check verdict cache needs it

    return {
        "command": report.command,
        "findings": [asdict(f) for f in report.findings],
        "rules": [asdict(r) for r in report.rules.values()],
        "inputs": list(report.inputs),
        "summary": dict(report.summary),
    }


def load_report(data: Mapping[str, object]) -> Report:
    """The Report dump_report() gave this data for (ValueError, KeyError or TypeError if the
    data is not such a dump)."""

    def finding(d: Mapping[str, object]) -> Finding:
        loc = d["location"]
        return Finding(
            rule_id=str(d["rule_id"]),
            severity=Severity(str(d["severity"])),
            message=str(d["message"]),
            location=Location(**loc) if isinstance(loc, Mapping) else None,
            evidence=tuple(_strings(d["evidence"])),
            fix=str(d["fix"]),
            fix_commands=tuple(_strings(d["fix_commands"])),
            do_not=tuple(_strings(d["do_not"])),
            confidence=str(d["confidence"]),
            properties=dict(d["properties"]),  # type: ignore[call-overload]
        )

    def rule(d: Mapping[str, object]) -> Rule:
        fields = dict(d)
        fields["default_severity"] = Severity(str(fields["default_severity"]))
        fields["tags"] = tuple(_strings(fields["tags"]))
        return Rule(**fields)  # type: ignore[arg-type]

    report = Report(str(data["command"]))
    for d in _mappings(data["findings"]):
        report.findings.append(finding(d))
    for d in _mappings(data["rules"]):
        r = rule(d)
        report.rules[r.id] = r
    report.inputs.extend(_strings(data["inputs"]))
    summary = data["summary"]
    if not isinstance(summary, Mapping):
        raise TypeError("summary")
    report.summary.update(summary)
    return report


def _strings(value: object) -> list[str]:
    if not isinstance(value, list):
        raise TypeError("expected a list")
    return [str(v) for v in value]


def _mappings(value: object) -> list[Mapping[str, object]]:
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise TypeError("expected a list of objects")
    return value
