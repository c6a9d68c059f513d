"""Every rule is documented at its help URI's anchor; GitLab local includes are linted too."""

from __future__ import annotations

from pathlib import Path

from gomodcheck.lint import lint_paths
from gomodcheck.lint.catalog import DOCS_URL, RULES

DOCS = Path(__file__).resolve().parents[3] / "docs" / "lint-rules.md"


def test_every_rule_has_an_anchor_and_section_in_the_docs() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for rule in RULES.values():
        assert rule.help_uri == f"{DOCS_URL}#{rule.id.lower()}"
        assert f'<a id="{rule.id.lower()}"></a>' in text
        assert f"## {rule.id} {rule.name}" in text


def test_gitlab_local_include_with_an_unusual_name_is_linted(tmp_path: Path) -> None:
    (tmp_path / ".gitlab-ci.yml").write_text(
        "include:\n  - local: /ci/go-jobs.yml\n", encoding="utf-8"
    )
    (tmp_path / "ci").mkdir()
    (tmp_path / "ci" / "go-jobs.yml").write_text(
        "test:\n  variables:\n    GOSUMDB: 'off'\n  script:\n    - go test ./...\n",
        encoding="utf-8",
    )
    report = lint_paths([tmp_path])
    assert [
        (f.rule_id, f.location.file, f.location.line) for f in report.findings if f.location
    ] == [("GMC-L001", "ci/go-jobs.yml", 3)]
