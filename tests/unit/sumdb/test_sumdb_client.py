"""The checksum-database client: proofs, fork detection, caching only what verified."""

from __future__ import annotations

import threading

import pytest

from gomodcheck.errors import FetchError, SecurityError, VerificationError
from gomodcheck.note import parse_signer_key, sign
from gomodcheck.sumdb import Client, MemoryState, NotInDatabaseError, OfflineError, SqliteState
from gomodcheck.tlog import Tree, format_record, format_tree

from .fakedb import OTHER_SKEY, OTHER_VKEY, VKEY, FakeDB, h1


def _db(count: int = 20) -> FakeDB:
    db = FakeDB()
    db.fill(count)
    return db


def _client(db: FakeDB, state: MemoryState | None = None, key: str = VKEY) -> Client:
    return Client(key, db, state or MemoryState(), tile_height=db.height)


def test_lookup_returns_the_proved_lines_for_zip_and_gomod() -> None:
    db = _db()
    c = _client(db)
    assert c.lookup("example.com/m3", "v1.0.0") == [f"example.com/m3 v1.0.0 {h1('zip3')}"]
    assert c.lookup("example.com/m3", "v1.0.0/go.mod") == [
        f"example.com/m3 v1.0.0/go.mod {h1('mod3')}"
    ]
    # One lookup serves both lines.
    assert sum(p.startswith("/lookup/") for p in db.requests) == 1


def test_verified_tree_and_answers_are_stored_and_reused_offline() -> None:
    db = _db()
    state = MemoryState()
    _client(db, state).lookup("example.com/m5", "v1.0.0")
    assert state.latest["localhost.test"] == db.signed_tree()
    assert "localhost.test/lookup/example.com/m5@v1.0.0" in state.cache
    offline = Client(VKEY, None, state, tile_height=2)
    assert offline.lookup("example.com/m5", "v1.0.0") == [f"example.com/m5 v1.0.0 {h1('zip5')}"]
    with pytest.raises(OfflineError):
        offline.lookup("example.com/m6", "v1.0.0")


def test_a_growing_log_is_accepted_after_its_consistency_proof() -> None:
    db = _db(10)
    state = MemoryState()
    _client(db, state).lookup("example.com/m1", "v1.0.0")
    db.fill(30, prefix="example.org/n")
    c = _client(db, state)
    c.lookup("example.org/n7", "v1.0.0")
    assert c.latest[0] == db.tree()
    assert state.latest["localhost.test"] == db.signed_tree()


def test_module_not_in_database_is_reported_as_such() -> None:
    with pytest.raises(NotInDatabaseError):
        _client(_db()).lookup("example.com/absent", "v1.0.0")


def test_wrong_key_is_rejected_and_nothing_cached() -> None:
    db = _db()
    db.skey = OTHER_SKEY
    state = MemoryState()
    with pytest.raises(VerificationError, match="reading tree note"):
        _client(db, state).lookup("example.com/m1", "v1.0.0")
    assert not state.cache and not state.latest


def test_bad_signature_is_rejected() -> None:
    db = _db()
    good = db.read("/lookup/example.com/m1@v1.0.0", max_size=1 << 20)
    bad = good.replace(b"go.sum database tree\n20\n", b"go.sum database tree\n21\n")
    db.override["/lookup/example.com/m1@v1.0.0"] = bad
    state = MemoryState()
    with pytest.raises(VerificationError):
        _client(db, state).lookup("example.com/m1", "v1.0.0")
    assert not state.cache and not state.latest


def test_record_that_differs_from_the_log_is_rejected() -> None:
    db = _db()
    lie = f"example.com/m1 v1.0.0 {h1('evil')}\nexample.com/m1 v1.0.0/go.mod {h1('mod1')}\n"
    db.override["/lookup/example.com/m1@v1.0.0"] = format_record(1, lie.encode()) + db.signed_tree()
    state = MemoryState()
    with pytest.raises(VerificationError, match="cannot authenticate record"):
        _client(db, state).lookup("example.com/m1", "v1.0.0")
    assert not any("lookup" in k for k in state.cache)


def test_record_id_outside_the_tree_is_rejected() -> None:
    db = _db()
    msg = format_record(99, db.records[1]) + db.signed_tree()
    db.override["/lookup/example.com/m1@v1.0.0"] = msg
    with pytest.raises(VerificationError, match="cannot validate record 99"):
        _client(db).lookup("example.com/m1", "v1.0.0")


@pytest.mark.parametrize("damage", ["truncate", "flip", "oversize"])
def test_damaged_tile_is_rejected_and_not_cached(damage: str) -> None:
    db = _db(16)
    path = "/tile/2/0/001"
    data = db.read(path, max_size=1 << 20)
    db.requests.clear()
    if damage == "truncate":
        db.override[path] = data[:-1]
    elif damage == "flip":
        db.override[path] = bytes([data[0] ^ 1]) + data[1:]
    else:
        db.override[path] = data + data
    state = MemoryState()
    with pytest.raises((VerificationError, FetchError)):
        _client(db, state).lookup("example.com/m5", "v1.0.0")
    assert not any(k.endswith("tile/2/0/001") for k in state.cache)
    assert not any("lookup" in k for k in state.cache)


def test_shrinking_tree_is_checked_against_the_stored_one() -> None:
    db = _db(20)
    state = MemoryState()
    _client(db, state).lookup("example.com/m2", "v1.0.0")
    stored = state.latest["localhost.test"]
    db.size = 12  # an honest older view is fine: it is a prefix of what we know
    _client(db, state).lookup("example.com/m3", "v1.0.0")
    assert state.latest["localhost.test"] == stored


def _forked(db: FakeDB) -> FakeDB:
    fork = FakeDB()
    for text in db.records[:10]:
        path, version = text.decode().split()[:2]
        fork.add(path, version, h1("forked" + path), h1("mod"))
    fork.fill(15, prefix="example.net/f")
    return fork


def test_forked_tree_raises_security_error_with_both_notes_and_keeps_state() -> None:
    db = _db(20)
    state = MemoryState()
    _client(db, state).lookup("example.com/m2", "v1.0.0")
    stored = state.latest["localhost.test"]
    fork = _forked(db)
    with pytest.raises(SecurityError) as info:
        _client(fork, state).lookup("example.net/f3", "v1.0.0")
    text = info.value.diagnostics()
    assert "SECURITY ERROR" in text
    assert "old database:" in text and "new database:" in text
    assert "proof of misbehavior:" in text
    assert format_tree(db.tree()).decode().splitlines()[1] in text
    assert state.latest["localhost.test"] == stored
    assert not any(k.startswith("localhost.test/lookup/example.net") for k in state.cache)


def test_absorb_proves_the_helpers_tree_before_storing_its_entries() -> None:
    db = _db(20)
    state = MemoryState()
    _client(db, state).lookup("example.com/m2", "v1.0.0")
    stored = state.latest["localhost.test"]
    # The helper process was shown a forked log: its tree is not taken, nor its entries.
    fork = _forked(db)
    entry = {"localhost.test/lookup/example.net/f3@v1.0.0": b"from a forked log"}
    with pytest.raises(SecurityError):
        _client(fork, state).absorb(fork.signed_tree(), entry)
    assert state.latest["localhost.test"] == stored
    assert not any(k.startswith("localhost.test/lookup/example.net") for k in state.cache)
    # A tree that extends the stored one is accepted, and only this database's keys are kept.
    db.fill(30, prefix="example.org/n")
    _client(db, state).absorb(db.signed_tree(), {**entry, "other.db/lookup/x@v1.0.0": b"x"})
    assert state.latest["localhost.test"] == db.signed_tree()
    assert "localhost.test/lookup/example.net/f3@v1.0.0" in state.cache
    assert not any(k.startswith("other.db/") for k in state.cache)


def test_fork_is_detected_across_processes_through_sqlite(tmp_path: object) -> None:
    from pathlib import Path  # noqa: PLC0415

    path = Path(str(tmp_path)) / "state.sqlite3"
    db = _db(20)
    Client(VKEY, db, SqliteState(path), tile_height=2).lookup("example.com/m2", "v1.0.0")
    state = SqliteState(path)
    before = state.read_latest("localhost.test")
    with pytest.raises(SecurityError):
        Client(VKEY, _forked(db), state, tile_height=2).lookup("example.net/f3", "v1.0.0")
    assert SqliteState(path).read_latest("localhost.test") == before


def test_compare_and_swap_refuses_to_roll_back_a_newer_tree(tmp_path: object) -> None:
    from pathlib import Path  # noqa: PLC0415

    state = SqliteState(Path(str(tmp_path)) / "s.sqlite3")
    assert state.write_latest("db", b"", b"one")
    assert not state.write_latest("db", b"", b"stale")
    assert state.write_latest("db", b"one", b"two")
    assert not state.write_latest("db", b"one", b"three")
    assert state.read_latest("db") == b"two"


def test_two_clients_sharing_state_converge_on_the_newest_tree(tmp_path: object) -> None:
    from pathlib import Path  # noqa: PLC0415

    path = Path(str(tmp_path)) / "s.sqlite3"
    db = _db(30)
    db.size = 10
    old_note = db.signed_tree()
    db.size = None
    a = Client(VKEY, db, SqliteState(path), tile_height=2)
    b = Client(VKEY, db, SqliteState(path), tile_height=2)
    a.lookup("example.com/m20", "v1.0.0")
    # b answers from a stale mirror: an older tree, proved a prefix; the stored tree is kept.
    db.override["/lookup/example.com/m1@v1.0.0"] = format_record(1, db.records[1]) + old_note
    b.lookup("example.com/m1", "v1.0.0")
    assert SqliteState(path).read_latest("localhost.test") == db.signed_tree()


def test_concurrent_lookups_fetch_each_tile_once() -> None:
    db = _db(64)
    c = _client(db)
    threads = [
        threading.Thread(target=c.lookup, args=(f"example.com/m{i}", "v1.0.0")) for i in range(64)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    tiles = [p for p in db.requests if p.startswith("/tile/")]
    assert len(tiles) == len(set(tiles))


def test_transport_failure_is_a_fetch_error() -> None:
    db = _db()
    db.fail["/lookup/example.com/m1@v1.0.0"] = FetchError("connection refused")
    with pytest.raises(FetchError):
        _client(db).lookup("example.com/m1", "v1.0.0")


def test_missing_tile_is_a_server_failure_not_a_missing_module() -> None:
    db = _db(16)
    db.fail["/tile/2/0/001"] = __import__("gomodcheck.errors").errors.NotFoundError("404")
    with pytest.raises(FetchError) as info:
        _client(db).lookup("example.com/m5", "v1.0.0")
    assert not isinstance(info.value, NotInDatabaseError)


def test_note_signed_by_another_key_with_same_name_is_rejected() -> None:
    db = _db()
    other = sign(format_tree(db.tree()).decode(), [parse_signer_key(OTHER_SKEY)])
    db.override["/lookup/example.com/m1@v1.0.0"] = format_record(1, db.records[1]) + other
    with pytest.raises(VerificationError):
        _client(db).lookup("example.com/m1", "v1.0.0")
    # And the same answer verifies with that key.
    assert _client(db, key=OTHER_VKEY).lookup("example.com/m1", "v1.0.0")


def test_empty_tree_note_cannot_prove_any_record() -> None:
    db = _db()
    empty = Tree(0, __import__("hashlib").sha256(b"").digest())
    msg = sign(format_tree(empty).decode(), [parse_signer_key(db.skey)])
    db.override["/lookup/example.com/m1@v1.0.0"] = format_record(1, db.records[1]) + msg
    with pytest.raises(VerificationError, match="cannot validate record"):
        _client(db).lookup("example.com/m1", "v1.0.0")


def test_warm_lookups_use_the_stored_audit_path_and_need_no_leaf_tiles() -> None:
    db = FakeDB(height=2)
    db.fill(40)
    state = MemoryState()
    _client(db, state).lookup("example.com/m5", "v1.0.0")
    assert "localhost.test/path/2/5" in state.cache
    # Drop the record's leaf tile: the audit path alone proves it against the parent tile.
    leaf_keys = [k for k in state.cache if "/tile/2/0/" in k]
    assert leaf_keys
    for k in leaf_keys:
        del state.cache[k]
    offline = Client(VKEY, None, state, tile_height=2)
    assert offline.lookup("example.com/m5", "v1.0.0") == [f"example.com/m5 v1.0.0 {h1('zip5')}"]


def test_tampered_cache_is_caught_even_with_a_stored_audit_path() -> None:
    db = FakeDB(height=2)
    db.fill(40)
    state = MemoryState()
    _client(db, state).lookup("example.com/m5", "v1.0.0")
    key = "localhost.test/lookup/example.com/m5@v1.0.0"
    state.cache[key] = state.cache[key].replace(h1("zip5").encode(), h1("evil").encode())
    with pytest.raises(VerificationError, match="cannot authenticate record"):
        Client(VKEY, None, state, tile_height=2).lookup("example.com/m5", "v1.0.0")


def test_damaged_audit_path_falls_back_to_the_full_proof() -> None:
    db = FakeDB(height=2)
    db.fill(40)
    state = MemoryState()
    _client(db, state).lookup("example.com/m5", "v1.0.0")
    state.cache["localhost.test/path/2/5"] = bytes(64)
    offline = Client(VKEY, None, state, tile_height=2)
    assert offline.lookup("example.com/m5", "v1.0.0") == [f"example.com/m5 v1.0.0 {h1('zip5')}"]


def test_first_tree_is_stored_only_once_its_tiles_prove_its_signed_root() -> None:
    db = _db()
    # Correctly signed, but a root the log's tiles do not hash to.
    lie = sign(format_tree(Tree(db.n, bytes(32))).decode(), [parse_signer_key(db.skey)])
    db.override["/lookup/example.com/m1@v1.0.0"] = format_record(1, db.records[1]) + lie
    state = MemoryState()
    with pytest.raises(VerificationError, match="inconsistent tile"):
        _client(db, state).lookup("example.com/m1", "v1.0.0")
    assert not state.latest and not state.cache


def test_prefetch_reads_the_verified_cache_in_bulk_for_offline_runs() -> None:
    db = _db(40)
    state = MemoryState()
    online = _client(db, state)
    for i in range(30):
        online.lookup(f"example.com/m{i}", "v1.0.0")
    reads: list[str] = []

    class Counting(MemoryState):
        def read_cache(self, key: str) -> bytes | None:
            reads.append(key)
            return super().read_cache(key)

    counting = Counting()
    counting.latest, counting.cache = state.latest, state.cache
    offline = Client(VKEY, None, counting, tile_height=2)
    modules = [(f"example.com/m{i}", "v1.0.0") for i in range(30)]
    offline.prefetch(modules)
    for i, (path, version) in enumerate(modules):
        assert offline.lookup(path, version) == [f"{path} v1.0.0 {h1(f'zip{i}')}"]
    # Answers and audit paths came from the bulk read; only a few tiles were read one by one.
    assert not any("/lookup/" in k or "/path/" in k for k in reads)


def test_audit_path_spans_two_tiles_so_warm_runs_hash_neither_again() -> None:
    db = FakeDB(height=2)
    db.fill(40)  # record 5: in full leaf tile 1, itself in full level-1 tile 0 (records 0-15)
    state = MemoryState()
    _client(db, state).lookup("example.com/m5", "v1.0.0")
    assert len(state.cache["localhost.test/path/2/5"]) == 2 * 2 * 32
    # The record's tile and its parent go; the tiles that prove the tree's root stay.
    for k in [k for k in state.cache if "/tile/2/0/" in k or k.endswith("/tile/2/1/000")]:
        del state.cache[k]
    offline = Client(VKEY, None, state, tile_height=2)
    assert offline.lookup("example.com/m5", "v1.0.0") == [f"example.com/m5 v1.0.0 {h1('zip5')}"]
    # A path one bit off proves nothing: the full proof runs and, offline, cannot.
    path = state.cache["localhost.test/path/2/5"]
    state.cache["localhost.test/path/2/5"] = bytes([path[0] ^ 1]) + path[1:]
    with pytest.raises(OfflineError):
        Client(VKEY, None, state, tile_height=2).lookup("example.com/m5", "v1.0.0")


def test_sqlite_state_reads_its_writes_before_during_and_after_background_commits(
    tmp_path: object,
) -> None:
    from pathlib import Path  # noqa: PLC0415

    path = Path(str(tmp_path)) / "s.sqlite3"
    state = SqliteState(path)
    data = {f"db/tile/8/0/{i:03d}": bytes([i % 256]) * 64 for i in range(2500)}
    for key, value in data.items():
        state.write_cache(key, value)  # full batches go to the background writer
    assert state.read_many(list(data)) == data
    assert all(state.read_cache(k) == v for k, v in list(data.items())[::97])
    state.flush()
    assert SqliteState(path).read_many(list(data)) == data
