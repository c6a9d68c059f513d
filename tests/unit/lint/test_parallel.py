"""Parsing on several processes gives exactly the report parsing in this process gives."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from gomodcheck.lint import lint_paths, runner
from gomodcheck.report import json_report

CORPUS = Path(__file__).resolve().parents[2] / "assets" / "lint" / "corpus"


def _report_json(monkeypatch: pytest.MonkeyPatch, min_files: int, root: Path) -> str:
    monkeypatch.setattr(runner, "_PARALLEL_MIN_FILES", min_files)
    return json.dumps(json_report.report_to_dict(lint_paths([root])), sort_keys=True)


def test_parallel_and_serial_parsing_report_the_same(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The real corpus plus a malformed file, which a worker reports back as a value.
    root = tmp_path / "tree"
    shutil.copytree(CORPUS, root / "corpus")
    (root / "bad" / ".github" / "workflows").mkdir(parents=True)
    (root / "bad" / ".github" / "workflows" / "ci.yml").write_text("jobs: [\n", encoding="utf-8")
    (root / "bad" / "Dockerfile").write_text("FROM golang\nENV GOSUMDB=off\n", encoding="utf-8")
    serial = _report_json(monkeypatch, 10**9, root)
    parallel = _report_json(monkeypatch, 1, root)
    assert parallel == serial
    assert '"GMC-L000"' in serial  # the malformed workflow is reported, not dropped
