"""The text report: plain text for logs and pipes, the same words as the coloured terminal view."""

from __future__ import annotations

import io

import pytest

from gomodcheck.findings import Finding, Location, Report, Severity
from gomodcheck.report import text
from tests.unit.report.test_renderers import sample_report


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _tricky_report() -> Report:
    report = sample_report()
    report.add(
        Finding(
            "GMC-MARKUP",
            Severity.ERROR,
            "[bold]not markup[/bold] \\[x] :smile: example.com/m@v1.0.0",
            Location("dir with space/go.sum", 3, 0),
            evidence=("go.sum:   h1:abc+/=", "[red]still text[/red]"),
            fix="run `go mod download` \\ then :+1:",
            confidence="high",
        ),
    )
    return report


def test_plain_text_equals_what_rich_prints_without_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    plain, via_rich = io.StringIO(), io.StringIO()
    text.render(_tricky_report(), plain)
    text._render_rich(_tricky_report(), via_rich)
    assert plain.getvalue() == via_rich.getvalue()
    assert "[bold]not markup[/bold]" in plain.getvalue()
    assert "\x1b[" not in plain.getvalue()


def test_a_terminal_or_force_color_gets_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    terminal = _Terminal()
    text.render(sample_report(), terminal)
    assert "\x1b[" in terminal.getvalue()
    monkeypatch.setenv("FORCE_COLOR", "1")
    forced = io.StringIO()
    text.render(sample_report(), forced)
    assert "\x1b[" in forced.getvalue()
