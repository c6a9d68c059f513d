"""Our go.mod / go.work parsing against the go command's (`go mod edit -json`, `go work edit
-json`): the same JSON for files it accepts, the same messages and lines for files it rejects."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.oracle.modfile.corpus import build_corpus
from tests.oracle.modfile.mutations import EDGE_CASES, mutations, token_soup
from tests.oracle.modfile.oracle import (
    Outcome,
    error_lines,
    go_env,
    go_lax_outcome,
    go_outcome,
    our_lax_outcome,
    our_outcome,
)

pytestmark = pytest.mark.oracle

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "modfile"
Case = tuple[str, str, bytes]  # (name, kind, content)


def compare(cases: Iterable[Case]) -> tuple[int, list[str], int]:
    """(cases compared, descriptions of disagreements, cases the go command rejected)."""
    unique: dict[tuple[str, bytes], str] = {}
    for name, kind, data in cases:
        unique.setdefault((kind, data), name)

    def one(item: tuple[tuple[str, bytes], str]) -> tuple[str, Outcome, Outcome]:
        (kind, data), name = item
        return name, our_outcome(kind, data), go_outcome(kind, data)

    bad: list[str] = []
    rejected = 0
    with ThreadPoolExecutor(max_workers=4) as pool:
        for name, ours, go in pool.map(one, unique.items()):
            rejected += go[0] != 0
            if ours != go:
                bad.append(
                    f"{name}:\n  ours: {ours!r}\n  go:   {go!r}\n"
                    f"  lines ours {error_lines(ours[2])} go {error_lines(go[2])}"
                )
    return len(unique), bad, rejected


def test_real_go_mod_corpus_parses_exactly_as_the_go_command(
    go_bin: str, shared_gomodcache: Path
) -> None:
    files, problems = build_corpus(shared_gomodcache)
    assert len(files) >= 1000, f"corpus too small ({len(files)} files): {problems}"
    n, bad, _ = compare((str(f), "gomod", f.read_bytes()) for f in files)
    print(
        f"\nreal go.mod corpus: {len(files)} files ({n} distinct), "
        f"{n - len(bad)} of {n} agree with go mod edit -json"
    )
    assert not bad, f"{len(bad)} of {n} differ; first:\n" + "\n".join(bad[:5])


def _go_work_cases() -> list[Case]:
    cases = [(p.name, "gowork", p.read_bytes()) for p in sorted((ASSETS / "gowork").iterdir())]
    cases += [
        (p.name, "gowork", p.read_bytes()) for p in sorted((ASSETS / "xmod" / "work").iterdir())
    ]
    # Workspaces built from the real modules under assets: every module dir, plus replaces.
    uses = sorted(
        {p.name.rsplit("_", 1)[0].replace("_", "/") for p in (ASSETS / "gomod").iterdir()}
    )
    cases.append(
        (
            "built-all",
            "gowork",
            (
                "go 1.25.0\n\ntoolchain go1.25.3\n\ngodebug (\n\tdefault=go1.21\n)\n\nuse (\n"
                + "".join(f"\t./{u}\n" for u in uses)
                + ")\n\nreplace example.com/a v1.0.0 => ../a\nreplace example.com/b => example.com/c"
                " v1.2.3\n"
            ).encode(),
        )
    )
    cases += [c for c in EDGE_CASES if c[1] == "gowork"]
    return cases


def test_go_work_files_parse_exactly_as_the_go_command(go_bin: str) -> None:
    cases = _go_work_cases()
    n, bad, _ = compare(cases)
    print(f"\ngo.work files: {n - len(bad)} of {n} agree with go work edit -json")
    assert not bad, "\n".join(bad[:5])


def test_malformed_files_are_rejected_exactly_when_the_go_command_rejects_them(
    go_bin: str,
) -> None:
    cases = [*EDGE_CASES, *mutations(400), *token_soup(200)]
    n, bad, rejected = compare(cases)
    print(
        f"\nmalformed/mutated files: {n - len(bad)} of {n} agree "
        f"({rejected} rejected by the go command, same message and line)"
    )
    assert rejected >= 100
    assert not bad, f"{len(bad)} of {n} differ; first:\n" + "\n".join(bad[:5])


def test_xmod_testdata_parses_as_the_go_command_parses_it(go_bin: str) -> None:
    cases = [
        (p.name, "gomod", p.read_bytes())
        for p in sorted((ASSETS / "xmod").iterdir())
        if p.suffix in (".in", ".golden")
    ]
    _, bad, rejected = compare(cases)
    assert rejected == 5  # block and comment (.in, .golden) and rule1.golden
    assert not bad, "\n".join(bad[:5])


def test_parse_command_stdout_is_byte_identical_to_go_mod_edit(go_bin: str, tmp_path: Path) -> None:
    sources = sorted((ASSETS / "gomod").iterdir())[:6] + sorted((ASSETS / "gowork").iterdir())
    for src in sources:
        kind = "work" if src.name.endswith("go.work") else "mod"
        target = tmp_path / ("go.work" if kind == "work" else "go.mod")
        target.write_bytes(src.read_bytes())
        ours = subprocess.run(
            [sys.executable, "-m", "gomodcheck", "parse", str(target)],
            capture_output=True,
            check=False,
        )
        theirs = subprocess.run(
            ["go", kind, "edit", "-json", str(target)],
            capture_output=True,
            check=False,
            env=go_env(),
        )
        assert ours.returncode == theirs.returncode == 0, (src, ours.stderr, theirs.stderr)
        assert ours.stdout == theirs.stdout, src


def test_lax_parsing_reads_dependencies_as_the_go_command_reads_them(go_bin: str) -> None:
    # Each file becomes a dependency's go.mod; `go mod graph` shows what the go command took
    # from it (requirements, go line) or the errors that stopped it.
    cases = [c for c in [*EDGE_CASES, *mutations(300)] if c[1] == "gomod"]

    def one(case: Case) -> tuple[str, object, object]:
        return case[0], our_lax_outcome(case[2]), go_lax_outcome(case[2])

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = [r for r in pool.map(one, cases) if r[2] is not None]
    bad = [f"{name}:\n  ours: {ours!r}\n  go:   {go!r}" for name, ours, go in results if ours != go]
    print(
        f"\nlax (dependency) parsing: {len(results) - len(bad)} of {len(results)} agree with "
        f"go mod graph ({len(cases) - len(results)} skipped: the go command stopped for "
        "reasons other than parsing)"
    )
    assert len(results) >= 300
    assert not bad, "\n".join(bad[:5])


def test_recorded_edge_case_answers_are_still_the_go_commands(go_bin: str) -> None:
    from tests.oracle.modfile.record import RECORD, live  # noqa: PLC0415

    recorded = json.loads(RECORD.read_text())
    assert recorded == live(), "re-record with: python -m tests.oracle.modfile.record"


def test_printable_table_is_the_installed_go_commands(go_bin: str) -> None:
    from gomodcheck.modfile import goprint  # noqa: PLC0415

    gen = Path(__file__).with_name("goprint_gen.go")
    out = subprocess.run(
        ["go", "run", str(gen)], capture_output=True, text=True, check=True, env=go_env()
    ).stdout
    fresh: dict[str, object] = {}
    exec(compile(out, "goprint.py", "exec"), fresh)  # our own generator's output
    # Compared by value: the checked-in copy may have been reformatted.
    assert (fresh["UNICODE_VERSION"], fresh["_STARTS"], fresh["_ENDS"]) == (
        goprint.UNICODE_VERSION,
        goprint._STARTS,
        goprint._ENDS,
    ), f"regenerate: go run {gen} > src/gomodcheck/modfile/goprint.py"
