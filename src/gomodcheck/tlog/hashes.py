"""Hashes of a tamper-evident log (RFC 6962): records, nodes, storage order, tree hashes, proofs.

Hashes are plain 32-byte ``bytes``. Storage order follows Crosby and Wallach, "Efficient Data
Structures for Tamper-Evident Logging", section 3.3: each record appends its leaf hash followed by
the hashes of the subtrees it completes, so a log's hashes can live in one append-only array.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence
from typing import Protocol

from gomodcheck.errors import InputError, VerificationError

HASH_SIZE = 32
# The hash of the empty tree (RFC 6962 section 2.1): SHA-256 of the empty string.
EMPTY_HASH = hashlib.sha256(b"").digest()


class ProofError(VerificationError):
    """A proof, tile or hash does not verify against the tree it claims to belong to."""


class MalformedError(InputError):
    """Bytes that should be a tree note, record, hash or tile path are not."""


class HashReader(Protocol):
    """Reads hashes by stored-hash index; must return exactly one hash per index."""

    def read_hashes(self, indexes: Sequence[int], /) -> list[bytes]: ...


def format_hash(h: bytes) -> str:
    return base64.b64encode(h).decode("ascii")


def parse_hash(text: str) -> bytes:
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise MalformedError("malformed hash") from exc
    if len(data) != HASH_SIZE:
        raise MalformedError("malformed hash")
    return data


def record_hash(data: bytes) -> bytes:
    """SHA-256(0x00 || data): the leaf hash of a record."""
    h = _LEAF_STATE.copy()
    h.update(data)
    return h.digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right): the hash of an interior node."""
    # From a copy of a state that has absorbed the prefix: a third cheaper than hashing a new
    # concatenated string (this runs for every step of every proof).
    h = _NODE_STATE.copy()
    h.update(left)
    h.update(right)
    return h.digest()


_LEAF_STATE = hashlib.sha256(b"\x00")
_NODE_STATE = hashlib.sha256(b"\x01")


def _maxpow2(n: int) -> tuple[int, int]:
    """The largest power of two k < n (for n >= 2), and log2 k."""
    level = max((n - 1).bit_length() - 1, 0)
    return 1 << level, level


def _trailing_zeros(x: int) -> int:
    return (x & -x).bit_length() - 1 if x else 64


def stored_hash_index(level: int, n: int) -> int:
    """Position of hash (level, n) in the dense storage order."""
    # Level L's n'th hash follows level L+1's (2n+1)'th hash; descend to level 0, where record
    # m's hash sits at m + m/2 + m/4 + ... = 2m - popcount(m).
    m = ((n + 1) << level) - 1
    return 2 * m - m.bit_count() + level


def split_stored_hash_index(index: int) -> tuple[int, int]:
    """Inverse of stored_hash_index: the (level, n) stored at ``index``."""
    # stored_hash_index(0, n) < 2n, so the record we want is in [index/2, index/2 + log2 index].
    n = index // 2
    index_n = stored_hash_index(0, n)
    if index_n > index:
        raise AssertionError("bad math in split_stored_hash_index")
    while True:
        # Record n adds 1 + trailing_zeros(n+1) hashes.
        x = index_n + 1 + _trailing_zeros(n + 1)
        if x > index:
            break
        n += 1
        index_n = x
    level = index - index_n
    return level, n >> level


def stored_hash_count(n: int) -> int:
    """How many hashes a tree with n records stores."""
    if n == 0:
        return 0
    count = stored_hash_index(0, n - 1) + 1
    i = n - 1
    while i & 1:
        count += 1
        i >>= 1
    return count


def stored_hashes(n: int, data: bytes, reader: HashReader) -> list[bytes]:
    """The hashes to append (from stored_hash_index(0, n)) when writing record n."""
    return stored_hashes_for_record_hash(n, record_hash(data), reader)


def stored_hashes_for_record_hash(n: int, h: bytes, reader: HashReader) -> list[bytes]:
    hashes = [h]
    # Each trailing 1 bit of n completes a subtree and uses the hash of its left sibling.
    m = _trailing_zeros(n + 1)
    indexes = [stored_hash_index(i, (n >> i) - 1) for i in reversed(range(m))]
    old = _read(reader, indexes)
    for i in range(m):
        h = node_hash(old[m - 1 - i], h)
        hashes.append(h)
    return hashes


def _read(reader: HashReader, indexes: Sequence[int]) -> list[bytes]:
    if not indexes:
        return []
    hashes = reader.read_hashes(indexes)
    if len(hashes) != len(indexes):
        raise ProofError(f"read_hashes({len(indexes)} indexes) returned {len(hashes)} hashes")
    return hashes


def tree_hash(n: int, reader: HashReader) -> bytes:
    """Root hash of the tree with n records, from at most 1 + log2 n stored hashes."""
    if n == 0:
        return EMPTY_HASH
    indexes = subtree_index(0, n, [])
    h, rest = _subtree_hash(0, n, _read(reader, indexes))
    if rest:
        raise AssertionError("bad index math in tree_hash")
    return h


def subtree_index(lo: int, hi: int, need: list[int]) -> list[int]:
    """Append the stored indexes needed to hash records [lo, hi): its maximal complete subtrees."""
    while lo < hi:
        k, level = _maxpow2(hi - lo + 1)
        if lo & (k - 1):
            raise AssertionError("bad math in subtree_index")
        need.append(stored_hash_index(level, lo >> level))
        lo += k
    return need


def _subtree_hash(lo: int, hi: int, hashes: list[bytes]) -> tuple[bytes, list[bytes]]:
    count = 0
    while lo < hi:
        k, _ = _maxpow2(hi - lo + 1)
        count += 1
        lo += k
    if len(hashes) < count:
        raise AssertionError("bad index math in subtree hash")
    h = hashes[count - 1]
    for i in range(count - 2, -1, -1):
        h = node_hash(hashes[i], h)
    return h, hashes[count:]


def prove_record(t: int, n: int, reader: HashReader) -> list[bytes]:
    """Proof that the tree of size t contains record n (RFC 6962 audit path)."""
    if t < 0 or n < 0 or n >= t:
        raise ValueError("invalid inputs in prove_record")
    indexes = _leaf_proof_index(0, t, n, [])
    if not indexes:
        return []
    proof, rest = _leaf_proof(0, t, n, _read(reader, indexes))
    if rest:
        raise AssertionError("bad index math in prove_record")
    return proof


def _leaf_proof_index(lo: int, hi: int, n: int, need: list[int]) -> list[int]:
    if lo + 1 == hi:
        return need
    k, _ = _maxpow2(hi - lo)
    if n < lo + k:
        _leaf_proof_index(lo, lo + k, n, need)
        subtree_index(lo + k, hi, need)
    else:
        subtree_index(lo, lo + k, need)
        _leaf_proof_index(lo + k, hi, n, need)
    return need


def _leaf_proof(lo: int, hi: int, n: int, hashes: list[bytes]) -> tuple[list[bytes], list[bytes]]:
    if lo + 1 == hi:
        return [], hashes
    k, _ = _maxpow2(hi - lo)
    if n < lo + k:
        proof, hashes = _leaf_proof(lo, lo + k, n, hashes)
        th, hashes = _subtree_hash(lo + k, hi, hashes)
    else:
        th, hashes = _subtree_hash(lo, lo + k, hashes)
        proof, hashes = _leaf_proof(lo + k, hi, n, hashes)
    return [*proof, th], hashes


def check_record(proof: Sequence[bytes], t: int, th: bytes, n: int, h: bytes) -> None:
    """Raise ProofError unless ``proof`` shows tree (t, th) has record n with hash h."""
    if t < 0 or n < 0 or n >= t:
        raise ProofError("invalid inputs in check_record")
    if _run_record_proof(list(proof), 0, t, n, h) != th:
        raise ProofError("invalid transparency proof")


def _run_record_proof(p: list[bytes], lo: int, hi: int, n: int, leaf: bytes) -> bytes:
    if lo + 1 == hi:
        # The proof must not carry unneeded hashes.
        if p:
            raise ProofError("invalid transparency proof")
        return leaf
    if not p:
        raise ProofError("invalid transparency proof")
    k, _ = _maxpow2(hi - lo)
    if n < lo + k:
        return node_hash(_run_record_proof(p[:-1], lo, lo + k, n, leaf), p[-1])
    return node_hash(p[-1], _run_record_proof(p[:-1], lo + k, hi, n, leaf))


def prove_tree(t: int, n: int, reader: HashReader) -> list[bytes]:
    """Proof that the tree of size t has the tree of size n as a prefix (RFC 6962 consistency)."""
    if t < 1 or n < 1 or n > t:
        raise ValueError("invalid inputs in prove_tree")
    indexes = _tree_proof_index(0, t, n, [])
    if not indexes:
        return []
    proof, rest = _tree_proof(0, t, n, _read(reader, indexes))
    if rest:
        raise AssertionError("bad index math in prove_tree")
    return proof


def _tree_proof_index(lo: int, hi: int, n: int, need: list[int]) -> list[int]:
    if n == hi:
        return need if lo == 0 else subtree_index(lo, hi, need)
    k, _ = _maxpow2(hi - lo)
    if n <= lo + k:
        _tree_proof_index(lo, lo + k, n, need)
        subtree_index(lo + k, hi, need)
    else:
        subtree_index(lo, lo + k, need)
        _tree_proof_index(lo + k, hi, n, need)
    return need


def _tree_proof(lo: int, hi: int, n: int, hashes: list[bytes]) -> tuple[list[bytes], list[bytes]]:
    if n == hi:
        if lo == 0:
            return [], hashes
        th, hashes = _subtree_hash(lo, hi, hashes)
        return [th], hashes
    k, _ = _maxpow2(hi - lo)
    if n <= lo + k:
        proof, hashes = _tree_proof(lo, lo + k, n, hashes)
        th, hashes = _subtree_hash(lo + k, hi, hashes)
    else:
        th, hashes = _subtree_hash(lo, lo + k, hashes)
        proof, hashes = _tree_proof(lo + k, hi, n, hashes)
    return [*proof, th], hashes


def check_tree(proof: Sequence[bytes], t: int, th: bytes, n: int, h: bytes) -> None:
    """Raise ProofError unless ``proof`` shows tree (t, th) extends tree (n, h)."""
    if t < 1 or n < 1 or n > t:
        raise ProofError("invalid inputs in check_tree")
    old, new = _run_tree_proof(list(proof), 0, t, n, h)
    if old != h or new != th:
        raise ProofError("invalid transparency proof")


def _run_tree_proof(p: list[bytes], lo: int, hi: int, n: int, old: bytes) -> tuple[bytes, bytes]:
    if n == hi:
        if lo == 0:
            if p:
                raise ProofError("invalid transparency proof")
            return old, old
        if len(p) != 1:
            raise ProofError("invalid transparency proof")
        return p[0], p[0]
    if not p:
        raise ProofError("invalid transparency proof")
    k, _ = _maxpow2(hi - lo)
    if n <= lo + k:
        oh, th = _run_tree_proof(p[:-1], lo, lo + k, n, old)
        return oh, node_hash(th, p[-1])
    oh, th = _run_tree_proof(p[:-1], lo + k, hi, n, old)
    return node_hash(p[-1], oh), node_hash(p[-1], th)
