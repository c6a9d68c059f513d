"""The real-world corpus: its findings match the reviewed snapshot, and every place is exact."""

from __future__ import annotations

from pathlib import Path

import pytest

from gomodcheck.lint import lint_paths, parse_file
from gomodcheck.lint.discover import discover

LINT_ASSETS = Path(__file__).resolve().parents[2] / "assets" / "lint"
CORPUS = LINT_ASSETS / "corpus"
SNAPSHOT = LINT_ASSETS / "corpus_findings.txt"


def _snapshot_lines() -> list[str]:
    report = lint_paths([CORPUS])
    return [
        f"{f.rule_id} {f.location.file}:{f.location.line}:{f.location.column} {f.severity.value} {f.message}"
        for f in report.findings
        if f.location is not None
    ]


def test_corpus_findings_match_the_reviewed_snapshot() -> None:
    expected = [
        line
        for line in SNAPSHOT.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert _snapshot_lines() == expected


def test_corpus_holds_at_least_40_real_files_each_with_a_recorded_source() -> None:
    files = [rel for _, rel, _ in discover(CORPUS)]
    assert len(files) >= 40
    sources = {
        line.split("\t", 1)[0]
        for line in (CORPUS / "SOURCES").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    }
    assert set(files) <= sources


def _loose(text: str) -> str:
    # Quotes and escapes are removed by the shell; Makefile $(VAR) is read as ${VAR}.
    for mark in ('"', "'", "\\", "(", ")", "{", "}"):
        text = text.replace(mark, "")
    return text.replace("$$", "$")


@pytest.mark.parametrize("entry", list(discover(CORPUS)), ids=lambda e: e[1])
def test_every_command_word_and_setting_points_at_its_text(entry: tuple[Path, str, object]) -> None:
    full, rel, kind = entry
    text = full.read_text(encoding="utf-8", errors="replace")
    lines = text.split("\n")
    parsed = parse_file(text, rel, kind)  # type: ignore[arg-type]
    # GoReleaser builds[].flags are modelled as a `go build` the file never spells out.
    synthetic = ("go", "build") if parsed.kind.value == "goreleaser" else ()
    places = [(w.text, w.span) for c in parsed.commands for w in c.words if w.text not in synthetic]
    places += [(s.name, s.span) for s in parsed.settings]
    wrong = []
    for word, span in places:
        at = _loose(lines[span.line - 1][span.column - 1 :])
        # A quoted word that opens with a line break starts on the quote's line: nothing to see.
        if word.strip() and not word[0].isspace() and not at.startswith(_loose(word)[:3]):
            wrong.append((word, span.line, span.column))
    assert wrong == []
