"""go.sum parsing: real files, the go command's rules, and the problems it overlooks."""

from __future__ import annotations

import csv
import gzip
import json
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gomodcheck.errors import InputError, ParseError
from gomodcheck.gosum import (
    EMPTY_GOMOD_HASH,
    MAX_GOSUM_BYTES,
    ProblemKind,
    gosum_to_json,
    parse_gosum,
)

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "gosum"
REAL = sorted((ASSETS / "real").iterdir())
H1 = "h1:KjVWqrZ5U0wa3CxY2AxlH6/UcB+PK2td1DcsYhA+HRs="
H2 = "h1:jFneRYjIvLMLhDLCzuTuU4rSJUjRplcJQ7pD7MnhC04="


def kinds(data: bytes) -> list[tuple[ProblemKind, int]]:
    return [(p.kind, p.line) for p in parse_gosum(data, "go.sum").problems]


def test_every_line_of_the_real_corpus_parses_into_its_three_fields() -> None:
    data = gzip.decompress((ASSETS / "gosum_lines_corpus.txt.gz").read_bytes())
    text_lines = data.decode().splitlines()
    gosum = parse_gosum(data, "corpus")
    assert len(gosum.lines) == len(text_lines) == 34786
    for raw, entry in zip(text_lines, gosum.lines, strict=True):
        path, version, hash_ = raw.split(" ")
        assert (entry.path, entry.go_version, entry.hash) == (path, version, hash_)
        assert entry.is_gomod == version.endswith("/go.mod")
    # The corpus merges years of history: the only problems are real hash changes.
    assert {p.kind for p in gosum.problems} == {ProblemKind.CONFLICT}


@pytest.mark.parametrize("path", REAL, ids=[p.name for p in REAL])
def test_real_go_sum_files_parse_without_problems(path: Path) -> None:
    data = path.read_bytes()
    gosum = parse_gosum(data, path.name)
    assert gosum.problems == ()
    assert len(gosum.lines) == len([ln for ln in data.splitlines() if ln.strip()])
    first = gosum.lines[0]
    assert gosum.hashes(first.path, first.version, first.is_gomod) == (first.hash,)
    gosum.raise_if_malformed()


def test_module_versions_that_were_retagged_are_reported_as_conflicting_hashes() -> None:
    with (ASSETS / "conflicting_go_sum_lines.tsv").open() as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    by_key: dict[tuple[str, str], set[str]] = {}
    for row in rows:
        by_key.setdefault((row["module"], row["version_or_version/go.mod"]), set()).add(
            row["h1_hash"]
        )
    expected = {k for k, hashes in by_key.items() if len(hashes) > 1}
    assert len(expected) >= 10
    data = "".join(f"{m} {v} {h}\n" for m, v in sorted(by_key) for h in sorted(by_key[m, v]))
    gosum = parse_gosum(data.encode(), "go.sum")
    conflicts = {
        (ln.path, ln.go_version)
        for p in gosum.problems
        if p.kind is ProblemKind.CONFLICT
        for ln in gosum.lines
        if ln.line == p.line
    }
    assert conflicts == expected


def test_wrong_number_of_fields_is_fatal_with_the_go_commands_message() -> None:
    data = f"a.com/m v1.0.0 {H1}\na.com/m v1.0.0\n\na.com/m v1.0.0 {H1} extra\n".encode()
    gosum = parse_gosum(data, "go.sum")
    assert [(p.line, p.message) for p in gosum.malformed] == [
        (2, "wrong number of fields 2"),
        (4, "wrong number of fields 4"),
    ]
    with pytest.raises(ParseError) as info:
        gosum.raise_if_malformed()
    assert str(info.value) == "go.sum:2: wrong number of fields 2\ngo.sum:4: wrong number of fields 4"


def test_merge_conflict_markers_are_reported_at_their_lines() -> None:
    data = (
        f"<<<<<<< HEAD\na.com/m v1.0.0 {H1}\n||||||| base\n=======\n"
        f"a.com/m v1.0.0 {H2}\n>>>>>>> feature/x\n"
    ).encode()
    gosum = parse_gosum(data, "go.sum")
    markers = [p.line for p in gosum.problems if p.kind is ProblemKind.MERGE_CONFLICT]
    assert markers == [1, 3, 4, 6]
    assert [p.line for p in gosum.malformed] == [1, 3, 4, 6]
    assert (ProblemKind.CONFLICT, 5) in kinds(data)


def test_a_marker_line_with_three_fields_is_still_flagged_though_go_accepts_it() -> None:
    gosum = parse_gosum(b"<<<<<<< HEAD extra\n", "go.sum")
    assert gosum.malformed == ()
    assert gosum.problems[0].kind is ProblemKind.MERGE_CONFLICT


def test_duplicates_unknown_algorithms_and_empty_gomod_hashes() -> None:
    data = (
        f"a.com/m v1.0.0 {H1}\na.com/m v1.0.0 {H1}\na.com/m v1.0.0 h2:abc=\n"
        f"b.com/m v1.0.0/go.mod {EMPTY_GOMOD_HASH}\n"
    ).encode()
    gosum = parse_gosum(data, "go.sum")
    assert kinds(data) == [
        (ProblemKind.DUPLICATE, 2),
        (ProblemKind.UNKNOWN_ALGORITHM, 3),
        (ProblemKind.EMPTY_GOMOD_HASH, 4),
    ]
    # Like the go command: duplicates and unknown algorithms kept, the empty go.mod hash dropped.
    assert gosum.hashes("a.com/m", "v1.0.0") == (H1, "h2:abc=")
    assert ("b.com/m", "v1.0.0", True) not in gosum
    assert gosum.malformed == ()


def test_crlf_line_endings_read_as_the_go_command_reads_them() -> None:
    gosum = parse_gosum(f"a.com/m v1.0.0 {H1}\r\na.com/m v1.0.0/go.mod {H2}\r\n".encode(), "go.sum")
    assert gosum.problems == ()
    assert gosum.hashes("a.com/m", "v1.0.0", True) == (H2,)


def test_a_lone_carriage_return_joins_two_entries_into_one_bad_line() -> None:
    data = f"a.com/m v1.0.0 {H1}\ra.com/n v1.0.0 {H2}\n".encode()
    assert [(p.line, p.message) for p in parse_gosum(data, "go.sum").malformed] == [
        (1, "wrong number of fields 6")
    ]


def test_fields_split_at_go_white_space_only() -> None:
    # U+001C is white space to Python's str.split but not to Go's strings.Fields.
    gosum = parse_gosum(f"a.com/m\u00a0v1.0.0 {H1}\n".encode(), "go.sum")
    assert gosum.lines[0].version == "v1.0.0"
    gosum = parse_gosum(f"a.com/m\x1cv1.0.0 {H1}\n".encode(), "go.sum")
    assert [p.message for p in gosum.malformed] == ["wrong number of fields 2"]


def test_a_byte_order_mark_is_reported_and_kept_in_the_first_path_as_go_does() -> None:
    gosum = parse_gosum(f"\ufeffa.com/m v1.0.0 {H1}\n".encode(), "go.sum")
    assert [p.kind for p in gosum.problems] == [ProblemKind.BOM]
    assert gosum.lines[0].path == "\ufeffa.com/m"
    assert gosum.lookup("a.com/m", "v1.0.0") == ()


def test_invalid_utf8_is_reported_and_the_bytes_are_kept_distinct() -> None:
    gosum = parse_gosum(f"a.com/m\xff v1.0.0 {H1}\n".encode("latin-1"), "go.sum")
    assert (ProblemKind.INVALID_UTF8, 1) in [(p.kind, p.line) for p in gosum.problems]
    assert gosum.lines[0].path == "a.com/m\udcff"
    assert json.dumps(gosum_to_json(gosum))  # serialisable despite the bad byte


def test_an_empty_file_has_no_lines_and_no_problems() -> None:
    for data in (b"", b"\n\n", b"   \n\t\n"):
        gosum = parse_gosum(data, "go.sum")
        assert (gosum.lines, gosum.problems) == ((), ())


def test_binary_garbage_is_malformed_not_a_crash() -> None:
    data = bytes(range(256)) * 64
    gosum = parse_gosum(data, "go.sum")
    assert gosum.malformed
    with pytest.raises(ParseError, match=r"go.sum:1(:\d+)?: wrong number of fields"):
        gosum.raise_if_malformed()


def test_a_100_mb_file_is_refused_quickly_with_a_clear_message() -> None:
    data = b"a" * (100 << 20)
    start = time.perf_counter()
    with pytest.raises(InputError, match="more than the 64 MiB"):
        parse_gosum(data, "go.sum")
    assert time.perf_counter() - start < 1.0
    assert len(data) > MAX_GOSUM_BYTES


def test_invalid_module_paths_and_versions_are_warned_about() -> None:
    data = f"A.com/m v1.0.0 {H1}\na.com/m 1.0 {H1}\n".encode()
    assert kinds(data) == [(ProblemKind.INVALID_PATH, 1), (ProblemKind.INVALID_VERSION, 2)]


def test_json_shape_is_versioned_and_keeps_lines_and_problems() -> None:
    data = f"a.com/m v1.0.0 {H1}\na.com/m v1.0.0/go.mod {H2}\nbad\n".encode()
    out = gosum_to_json(parse_gosum(data, "go.sum"))
    assert out["schema_version"] == "gomodcheck.gosum/v1"
    assert out["lines"][1] == {
        "path": "a.com/m", "version": "v1.0.0", "gomod": True, "hash": H2,
        "algorithm": "h1", "line": 2, "column": 1,
    }
    assert out["problems"] == [{
        "kind": "wrong-number-of-fields", "severity": "error", "line": 3, "column": 1,
        "message": "wrong number of fields 1", "go_rejects": True,
    }]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    gosum = parse_gosum(data, "go.sum")
    try:
        gosum.raise_if_malformed()
    except ParseError as e:
        assert all(p.line >= 1 for p in e.problems)
    json.dumps(gosum_to_json(gosum))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([
    f"a.com/m v1.0.0 {H1}", f"a.com/m v1.0.0 {H2}", "a.com/m v1.0.0/go.mod h1:x=", "",
    "<<<<<<< HEAD", "=======", ">>>>>>> b", "  x  ", "\r", "\ufeff",
]), max_size=12), st.sampled_from(["\n", "\r\n"]))
def test_line_numbers_of_problems_point_at_the_offending_line(lines: list[str], nl: str) -> None:
    gosum = parse_gosum(nl.join(lines).encode(), "go.sum")
    for p in gosum.problems:
        assert 1 <= p.line <= len(lines)
        if p.kind is ProblemKind.FIELDS:
            assert len(lines[p.line - 1].split()) != 3
