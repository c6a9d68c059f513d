"""The server's log store: append-only, one signed head per append, answers never change."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest

from gomodcheck import note, tlog
from gomodcheck.errors import InputError, SecurityError
from gomodcheck.server.logstore import LogStore, bulk_append

SKEY, VKEY = note.generate_key("log.example", seed=bytes(range(32)))
SIGNER = note.parse_signer_key(SKEY)
VERIFIER = note.parse_verifier_key(VKEY)


def sign(text: bytes) -> bytes:
    return note.sign(text.decode(), [SIGNER])


def rec(i: int) -> tuple[str, str, bytes]:
    path = f"corp.example.com/m{i}"
    return path, "v1.0.0", f"{path} v1.0.0 h1:{i}=\n{path} v1.0.0/go.mod h1:{i}m=\n".encode()


class MemHashes:
    def __init__(self) -> None:
        self.hashes: list[bytes] = []

    def read_hashes(self, indexes: Sequence[int], /) -> list[bytes]:
        return [self.hashes[i] for i in indexes]


def reference_root(texts: list[bytes]) -> bytes:
    mem = MemHashes()
    for i, t in enumerate(texts):
        mem.hashes.extend(tlog.stored_hashes(i, t, mem))
    return tlog.tree_hash(len(texts), mem)


def test_appends_get_sequential_ids_and_a_signed_head_matching_the_tree(tmp_path: Path) -> None:
    store = LogStore(tmp_path / "log.db")
    entries = [rec(i) for i in range(37)]
    ids, head = store.append(entries[:10], sign)
    ids2, head2 = store.append(entries[10:], sign)
    assert [ids[(p, v)] for p, v, _ in entries[:10]] == list(range(10))
    assert [ids2[(p, v)] for p, v, _ in entries[10:]] == list(range(10, 37))
    assert head is not None and head2 is not None
    assert head2.n == 37
    assert head2.hash == reference_root([t for *_, t in entries])
    tree = tlog.parse_tree(note.open_note(head2.signed, [VERIFIER]).text.encode())
    assert tree == tlog.Tree(37, head2.hash)
    assert store.check_consistent() == head2
    assert store.read_records(5, 2) == [entries[5][2], entries[6][2]]


def test_an_existing_module_version_keeps_its_first_record(tmp_path: Path) -> None:
    store = LogStore(tmp_path / "log.db")
    path, version, text = rec(1)
    store.append([(path, version, text)], sign)
    ids, head = store.append([(path, version, b"something else\n"), rec(2)], sign)
    assert ids[(path, version)] == 0
    assert head is not None and head.n == 2
    assert store.read_records(0, 1) == [text]
    _, nothing = store.append([(path, version, text)], sign)
    assert nothing is None


def test_records_hashes_and_heads_cannot_be_updated_or_deleted(tmp_path: Path) -> None:
    store = LogStore(tmp_path / "log.db")
    store.append([rec(1), rec(2)], sign)
    for sql in ("UPDATE records SET data = x'00'", "DELETE FROM records",
                "UPDATE hashes SET hash = x'00'", "DELETE FROM hashes",
                "UPDATE heads SET n = 5", "DELETE FROM heads"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            store.conn.execute(sql)


def test_malformed_record_text_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    store = LogStore(tmp_path / "log.db")
    with pytest.raises(InputError):
        store.append([rec(1), ("corp.example.com/x", "v1.0.0", b"no newline")], sign)
    assert store.record_count() == 0
    assert store.latest() is None


def test_a_log_whose_hashes_were_altered_is_refused_at_start(tmp_path: Path) -> None:
    store = LogStore(tmp_path / "log.db")
    store.append([rec(i) for i in range(5)], sign)
    store.conn.execute("DROP TRIGGER hashes_append_only")
    store.conn.execute("UPDATE hashes SET hash = zeroblob(32)")
    with pytest.raises(SecurityError, match="do not match the signed tree head"):
        store.check_consistent()


def test_a_log_cannot_be_reopened_with_another_key(tmp_path: Path) -> None:
    store = LogStore(tmp_path / "log.db")
    store.bind_key(VKEY)
    store.bind_key(VKEY)
    with pytest.raises(InputError, match="cannot change its key"):
        store.bind_key(note.generate_key("log.example")[1])


def test_bulk_append_in_batches_builds_the_same_tree(tmp_path: Path) -> None:
    store = LogStore(tmp_path / "log.db")
    entries = [rec(i) for i in range(300)]
    head = bulk_append(store, entries, sign, batch=64)
    assert head is not None and head.n == 300
    assert head.hash == reference_root([t for *_, t in entries])
    assert len(store.heads()) == 5  # one signed head per batch
