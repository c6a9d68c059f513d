"""The log is read as a stream: line numbers survive chunking, memory stays bounded."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gomodcheck.diagnose import scan as scan_mod
from gomodcheck.diagnose.scan import scan

FAILURE = (
    "verifying example.com/lib@v1.0.0: checksum mismatch\n"
    "\tdownloaded: h1:AAAA=\n"
    "\tgo.sum:     h1:BBBB=\n"
)


def _log(noise_before: int, noise_after: int) -> str:
    noise = "".join(f"ok  \texample.com/pkg{i}\t0.01s\n" for i in range(noise_before))
    tail = "".join(f"=== RUN   TestX{i}\n" for i in range(noise_after))
    return noise + FAILURE + tail


@given(before=st.integers(0, 300), after=st.integers(0, 60), chunk=st.integers(7, 200))
@settings(max_examples=60, deadline=None)
def test_failure_line_numbers_are_exact_whatever_the_chunk_size(
    before: int, after: int, chunk: int
) -> None:
    original = scan_mod.CHUNK_SIZE
    scan_mod.CHUNK_SIZE = chunk
    try:
        lines = list(scan(io.BytesIO(_log(before, after).encode())))
    finally:
        scan_mod.CHUNK_SIZE = original
    hits = [line for line in lines if line.hit]
    assert hits[0].number == before + 1
    assert hits[0].text.startswith("verifying example.com/lib@v1.0.0")
    following = {line.number: line.text for line in lines}
    assert following[before + 2] == "\tdownloaded: h1:AAAA="
    assert following[before + 3] == "\tgo.sum:     h1:BBBB="


def test_lines_far_from_any_failure_are_never_decoded() -> None:
    lines = list(scan(io.BytesIO(_log(5000, 5000).encode())))
    # The hit and its bounded window only, not the 10,000 lines of noise.
    assert len(lines) <= 1 + scan_mod.WINDOW_AFTER


def test_a_log_without_newlines_does_not_grow_memory_without_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(scan_mod, "MAX_LINE", 4096)
    monkeypatch.setattr(scan_mod, "CHUNK_SIZE", 1024)
    data = (
        b"x" * 100_000 + b" missing go.sum entry for module providing package a/b" + b"y" * 100_000
    )
    lines = list(scan(io.BytesIO(data)))
    assert lines  # the hit is still found, inside a cut line
    assert all(len(line.text) <= 4096 + 1024 for line in lines)
