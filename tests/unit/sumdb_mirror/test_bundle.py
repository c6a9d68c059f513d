"""Export and import of bundles over a log we sign ourselves: what is proved is loaded, what is
not is refused with nothing written, and the stored tree only ever grows consistently."""

from __future__ import annotations

from pathlib import Path

import pytest

from gomodcheck import note
from gomodcheck.errors import SecurityError, VerificationError
from gomodcheck.gosum import parse_gosum
from gomodcheck.mirror.bundle import Bundle, read_bundle, write_bundle
from gomodcheck.mirror.export import export_bundle
from gomodcheck.mirror.importer import import_bundle
from gomodcheck.sumdb import Client, MemoryState, SqliteState
from tests.unit.sumdb_mirror.fakelog import VKEY, XTEXT_RECORD, FakeLog, LogRemote, filler


def _gosum(*records: bytes) -> bytes:
    return b"".join(records)


def _export(log: FakeLog, *records: bytes, since: FakeLog | None = None) -> Bundle:
    client = Client(VKEY, LogRemote(log), MemoryState())
    gosum = parse_gosum(_gosum(*records), "go.sum")
    bundle, _ = export_bundle([gosum], client, since=since.tree if since else None)
    return bundle


def _log(n: int) -> FakeLog:
    return FakeLog([filler(i) for i in range(n)] + [XTEXT_RECORD])


def test_bundle_round_trips_through_its_file_and_loads_every_record(tmp_path: Path) -> None:
    log = _log(300)
    bundle = _export(log, XTEXT_RECORD, filler(3), filler(299))
    write_bundle(bundle, tmp_path / "b.sqlite")
    again = read_bundle(tmp_path / "b.sqlite")
    assert again == bundle
    store = SqliteState(tmp_path / "store.db")
    summary = import_bundle(again, VKEY, store)
    assert summary.records == 3 and summary.advanced
    assert store.read_latest("fake.sumdb.test") == log.note()
    # The client's offline path now proves these lines from the store alone.
    offline = Client(VKEY, None, store)
    assert offline.lookup("example.com/filler3", "v1.0.3/go.mod") == [
        filler(3).decode().splitlines()[1]
    ]


def test_import_proves_newer_bundle_extends_stored_tree_given_since(tmp_path: Path) -> None:
    old, new = _log(40), _log(40)
    for i in range(300):
        new.append(filler(1000 + i))
    store = SqliteState(tmp_path / "store.db")
    import_bundle(_export(old, XTEXT_RECORD), VKEY, store)
    # Without the tiles proving new extends old, the import cannot prove it: refused.
    with pytest.raises(VerificationError, match="incomplete"):
        import_bundle(_export(new, filler(1299)), VKEY, store)
    assert store.read_latest("fake.sumdb.test") == old.note()
    summary = import_bundle(_export(new, filler(1299), since=old), VKEY, store)
    assert summary.advanced
    assert store.read_latest("fake.sumdb.test") == new.note()


def test_bundle_from_a_fork_of_the_stored_tree_is_a_security_error(tmp_path: Path) -> None:
    store = SqliteState(tmp_path / "store.db")
    honest = _log(40)
    import_bundle(_export(honest, XTEXT_RECORD), VKEY, store)
    fork = FakeLog([filler(i, "fork") for i in range(60)] + [XTEXT_RECORD])
    with pytest.raises(SecurityError):
        import_bundle(_export(fork, XTEXT_RECORD, since=FakeLog(fork.records[:41])), VKEY, store)
    assert store.read_latest("fake.sumdb.test") == honest.note()


def test_bundle_signed_with_another_key_is_refused(tmp_path: Path) -> None:
    other_skey, other_vkey = note.generate_key("fake.sumdb.test")
    log = FakeLog(_log(10).records, skey=other_skey)
    client = Client(other_vkey, LogRemote(log), MemoryState())
    bundle, _ = export_bundle([parse_gosum(XTEXT_RECORD, "go.sum")], client)
    store = SqliteState(tmp_path / "store.db")
    with pytest.raises(VerificationError):
        import_bundle(bundle, VKEY, store)
    assert store.read_latest("fake.sumdb.test") == b""


def test_tile_no_record_needs_is_refused(tmp_path: Path) -> None:
    log = _log(300)
    bundle = _export(log, filler(3))
    extra = dict(bundle.tiles)
    extra["tile/8/0/001.p/10"] = log.answer("/tile/8/0/001.p/10")
    store = SqliteState(tmp_path / "store.db")
    with pytest.raises(VerificationError, match="not proved"):
        import_bundle(Bundle(bundle.name, bundle.note, bundle.records, extra), VKEY, store)
    assert store.cache_keys("") == []


def test_record_for_another_module_under_a_module_name_is_refused(tmp_path: Path) -> None:
    log = _log(10)
    bundle = _export(log, filler(3), filler(4))
    a, b = bundle.records
    swapped = (a, type(b)(b.id, a.path, b.version, b.text))
    with pytest.raises(VerificationError):
        import_bundle(Bundle(bundle.name, bundle.note, swapped, bundle.tiles), VKEY,
                      SqliteState(tmp_path / "store.db"))  # fmt: skip


def test_export_refuses_lines_the_database_does_not_prove(tmp_path: Path) -> None:
    log = _log(10)
    wrong = filler(3).replace(b"h1:", b"h1:X", 1)
    with pytest.raises(VerificationError, match="filler3"):
        _export(log, wrong)


def test_importing_again_or_an_older_bundle_later_keeps_the_newest_tree(tmp_path: Path) -> None:
    old, new = _log(40), _log(40)
    for i in range(300):
        new.append(filler(1000 + i))
    store = SqliteState(tmp_path / "store.db")
    first = _export(old, XTEXT_RECORD, filler(7))
    import_bundle(first, VKEY, store)
    again = import_bundle(first, VKEY, store)
    assert not again.advanced
    import_bundle(_export(new, filler(1299), since=old), VKEY, store)
    older = import_bundle(first, VKEY, store)  # proved against the newer stored tree
    assert not older.advanced
    assert store.read_latest("fake.sumdb.test") == new.note()
