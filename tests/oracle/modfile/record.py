"""Records what the go command does with each hand-written edge case, for the unit tests that
run without Go. The oracle test checks the record is still what the go command does.

Run: .venv/bin/python -m tests.oracle.modfile.record
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.oracle.modfile.mutations import EDGE_CASES
from tests.oracle.modfile.oracle import go_outcome

RECORD = Path(__file__).resolve().parents[2] / "assets" / "modfile" / "edge_cases_go.json"


def live() -> dict[str, list[object]]:
    return {name: list(go_outcome(kind, data)) for name, kind, data in EDGE_CASES}


def main() -> None:
    RECORD.write_text(json.dumps(live(), indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {RECORD}")


if __name__ == "__main__":
    main()
