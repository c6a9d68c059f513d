"""Properties of proofs over random trees: every honest proof checks, any altered one fails."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gomodcheck.tlog import (
    ProofError,
    check_record,
    check_tree,
    parse_tile_path,
    prove_record,
    prove_tree,
    stored_hash_index,
    stored_hashes,
    tile_for_index,
    tree_hash,
)

SIZE = 300


class _Log:
    def __init__(self) -> None:
        self.hashes: list[bytes] = []

    def read_hashes(self, indexes: Sequence[int], /) -> list[bytes]:
        return [self.hashes[i] for i in indexes]


LOG = _Log()
for _i in range(SIZE):
    LOG.hashes.extend(stored_hashes(_i, b"record %d" % _i, LOG))
TREES = [tree_hash(n, LOG) for n in range(SIZE + 1)]


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_record_proofs_check_and_altered_ones_fail(data: st.DataObject) -> None:
    t = data.draw(st.integers(1, SIZE))
    n = data.draw(st.integers(0, t - 1))
    proof = prove_record(t, n, LOG)
    leaf = LOG.hashes[stored_hash_index(0, n)]
    check_record(proof, t, TREES[t], n, leaf)
    if proof:
        k = data.draw(st.integers(0, len(proof) - 1))
        bad = [*proof[:k], bytes([proof[k][0] ^ 1]) + proof[k][1:], *proof[k + 1 :]]
        with pytest.raises(ProofError):
            check_record(bad, t, TREES[t], n, leaf)
    with pytest.raises(ProofError):
        check_record([*proof, proof[0] if proof else leaf], t, TREES[t], n, leaf)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_tree_proofs_check_and_altered_ones_fail(data: st.DataObject) -> None:
    t = data.draw(st.integers(1, SIZE))
    n = data.draw(st.integers(1, t))
    proof = prove_tree(t, n, LOG)
    check_tree(proof, t, TREES[t], n, TREES[n])
    if n < t:
        # The old tree's hash is what a fork would have to fake.
        with pytest.raises(ProofError):
            check_tree(proof, t, TREES[t], n, TREES[n - 1] if n > 1 else TREES[t])
    if proof:
        k = data.draw(st.integers(0, len(proof) - 1))
        bad = [*proof[:k], bytes([proof[k][0] ^ 1]) + proof[k][1:], *proof[k + 1 :]]
        with pytest.raises(ProofError):
            check_tree(bad, t, TREES[t], n, TREES[n])


@given(st.integers(1, 30), st.integers(0, 10**12))
def test_tile_path_round_trips_for_any_tile_holding_an_index(h: int, index: int) -> None:
    tile = tile_for_index(h, index)
    assert parse_tile_path(tile.path()) == tile
