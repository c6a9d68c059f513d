"""Small helpers shared by the diagnose tests."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path

from gomodcheck.diagnose import diagnose
from gomodcheck.findings import Finding, Report

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "diagnose"


def run(text: str, *, directory: Path | None = None, environ: Mapping[str, str] | None = None) -> Report:
    """Diagnose a log given as text, with an empty environment unless one is given."""
    return diagnose(io.BytesIO(text.encode()), log_name="ci.log", directory=directory,
                    environ=environ if environ is not None else {})


def only(report: Report) -> Finding:
    assert len(report.findings) == 1, [f.message for f in report.findings]
    return report.findings[0]


def corpus() -> list[dict[str, str]]:
    with (ASSETS / "index.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))
