"""The [lint] table of gomodcheck.toml, checked and turned into LintSettings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gomodcheck.errors import ParseError
from gomodcheck.findings import Severity
from gomodcheck.lint.catalog import RULES
from gomodcheck.lint.checks import LintSettings

_KEYS = ("disable", "severity", "allow_private", "exclude", "air_gapped")


def lint_settings(table: Mapping[str, Any], source: str) -> LintSettings:
    """Validate [lint]; a wrong key or type is a ParseError naming the config file."""

    def bad(message: str) -> ParseError:
        return ParseError.at(source, 0, 0, f"[lint] {message}")

    unknown = sorted(set(table) - set(_KEYS))
    if unknown:
        raise bad(f"unknown key {unknown[0]!r} (known: {', '.join(_KEYS)})")

    def strings(key: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad(f"{key} must be a list of strings")
        return tuple(value)

    disable = frozenset(r.upper() for r in strings("disable"))
    for rule_id in disable:
        if rule_id not in RULES:
            raise bad(f"disable: unknown rule {rule_id}")
    raw = table.get("severity", {})
    if not isinstance(raw, Mapping):
        raise bad('severity must be a table of rule = "error"|"warning"|"note"')
    severity: dict[str, Severity] = {}
    for rule_id, level in raw.items():
        if rule_id.upper() not in RULES:
            raise bad(f"severity: unknown rule {rule_id}")
        if level not in [s.value for s in Severity]:
            raise bad(f"severity: {rule_id} must be error, warning or note, not {level!r}")
        severity[rule_id.upper()] = Severity(level)
    air_gapped = table.get("air_gapped", False)
    if not isinstance(air_gapped, bool):
        raise bad("air_gapped must be true or false")
    return LintSettings(disable, severity, strings("allow_private"), strings("exclude"), air_gapped)
