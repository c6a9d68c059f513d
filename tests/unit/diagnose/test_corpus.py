"""Recognition and cause accuracy over the whole corpus: real logs, go-generated logs, clean logs."""

from __future__ import annotations

from collections import Counter

from gomodcheck.diagnose import diagnose
from tests.unit.diagnose.helpers import ASSETS, corpus, corpus_table


def _score() -> tuple[Counter[str], Counter[str], Counter[str], list[str], list[str]]:
    cases: Counter[str] = Counter()
    families: Counter[str] = Counter()
    causes: Counter[str] = Counter()
    false_alarms: list[str] = []
    wrong: list[str] = []
    for row in corpus():
        with (ASSETS / row["file"]).open("rb") as handle:
            found = [
                (f.properties["family"], f.properties["cause"])
                for f in diagnose(handle, log_name=row["file"], environ={}).findings
            ]
        if row["family"] == "none":
            if found:
                false_alarms.append(f"{row['file']}: {found}")
            continue
        cases[row["family"]] += 1
        if any(fam == row["family"] for fam, _ in found):
            families[row["family"]] += 1
        if (row["family"], row["cause"]) in found:
            causes[row["family"]] += 1
        else:
            wrong.append(f"{row['file']}: expected {row['cause']}, got {found}")
    return cases, families, causes, false_alarms, wrong


def test_corpus_is_large_enough_and_mixes_real_generated_and_clean_logs() -> None:
    rows = corpus()
    kinds = Counter(r["kind"] for r in rows)
    assert len(rows) >= 80
    assert kinds["real"] >= 30 and kinds["generated"] >= 40
    assert sum(1 for r in rows if r["family"] == "none") >= 20
    assert all(r["source"] for r in rows)
    assert all((ASSETS / r["file"]).is_file() for r in rows)


def test_every_family_is_recognised_and_causes_are_at_least_95_percent_right() -> None:
    cases, families, causes, false_alarms, wrong = _score()
    assert not false_alarms, false_alarms
    assert families == cases, {f: (families[f], n) for f, n in cases.items()}
    total = sum(cases.values())
    assert sum(causes.values()) / total >= 0.95, wrong
    assert len(cases) == 16  # every family has at least one logged case


def test_the_accuracy_table_in_the_docs_is_the_one_the_corpus_gives_today() -> None:
    doc = (ASSETS.parents[2] / "docs" / "diagnose.md").read_text()
    table = doc.split("<!-- corpus-table:start -->\n", 1)[1].split(
        "\n<!-- corpus-table:end -->", 1
    )[0]
    assert table == corpus_table()
