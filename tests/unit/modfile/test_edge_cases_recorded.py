"""Hand-written edge cases against the go command's recorded answers (no Go needed here; the
oracle suite checks the record against the live go command)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.oracle.modfile.mutations import EDGE_CASES
from tests.oracle.modfile.oracle import our_outcome

RECORD = json.loads(
    (Path(__file__).resolve().parents[2] / "assets" / "modfile" / "edge_cases_go.json").read_text()
)


@pytest.mark.parametrize(("name", "kind", "data"), EDGE_CASES, ids=[c[0] for c in EDGE_CASES])
def test_edge_case_matches_the_go_command(name: str, kind: str, data: bytes) -> None:
    assert list(our_outcome(kind, data)) == RECORD[name]
