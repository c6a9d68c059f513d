"""Small helpers shared by the diagnose tests."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from gomodcheck.diagnose import diagnose
from gomodcheck.findings import Finding, Report

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "diagnose"


def run(
    text: str, *, directory: Path | None = None, environ: Mapping[str, str] | None = None
) -> Report:
    """Diagnose a log given as text, with an empty environment unless one is given."""
    return diagnose(
        io.BytesIO(text.encode()),
        log_name="ci.log",
        directory=directory,
        environ=environ if environ is not None else {},
    )


def only(report: Report) -> Finding:
    assert len(report.findings) == 1, [f.message for f in report.findings]
    return report.findings[0]


def corpus() -> list[dict[str, str]]:
    with (ASSETS / "index.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def corpus_table() -> str:
    """The docs/diagnose.md table: per (family, cause), cases by kind and how many were right."""
    cases: Counter[tuple[str, str]] = Counter()
    right: Counter[tuple[str, str]] = Counter()
    kinds: dict[tuple[str, str], Counter[str]] = {}
    for row in corpus():
        with (ASSETS / row["file"]).open("rb") as handle:
            report = diagnose(handle, log_name=row["file"], environ={})
        found = [(f.properties["family"], f.properties["cause"]) for f in report.findings]
        key = (row["family"], row["cause"])
        cases[key] += 1
        kinds.setdefault(key, Counter())[row["kind"]] += 1
        right[key] += (not found) if row["family"] == "none" else key in found
    lines = [
        "| Family | Cause | Cases (real / generated / synthetic) | Correctly diagnosed |",
        "|---|---|---|---|",
    ]
    for key in sorted(cases):
        k = kinds[key]
        lines.append(
            f"| {key[0]} | {key[1]} | {cases[key]} ({k['real']} / {k['generated']} / {k['clean']}) | {right[key]} |"
        )
    lines.append(f"| **total** | | {sum(cases.values())} | {sum(right.values())} |")
    return "\n".join(lines)
