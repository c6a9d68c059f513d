"""The mirror proves everything before serving it, keeps its verified state against a lying
upstream, and serves from its store when the upstream is gone (in process, no HTTP)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gomodcheck import note, tlog
from gomodcheck.errors import VerificationError
from gomodcheck.mirror.alerts import AlertLog
from gomodcheck.mirror.service import BadRequestError, Mirror, MirrorSettings, open_store
from gomodcheck.sumdb import OfflineError
from tests.unit.sumdb_mirror.fakelog import VKEY, XTEXT_RECORD, FakeLog, LogRemote, filler

XTEXT = "golang.org/x/text@v0.14.0"


def honest(n: int = 300) -> FakeLog:
    return FakeLog([filler(i) for i in range(n)] + [XTEXT_RECORD])


def open_mirror(db: Path, remote: LogRemote | None) -> Mirror:
    settings = MirrorSettings(VKEY, latest_interval=0.0)
    return Mirror(settings, open_store(db), remote, AlertLog(db))


def test_lookup_is_passed_on_byte_for_byte_once_proved(tmp_path: Path) -> None:
    log = honest()
    mirror = open_mirror(tmp_path / "m.db", LogRemote(log))
    assert mirror.lookup(XTEXT) == log.answer(f"/lookup/{XTEXT}")
    assert mirror.tree() == log.tree
    assert open_store(tmp_path / "m.db").read_latest(mirror.name) == log.note()


@pytest.mark.parametrize(
    "path", ["tile/8/0/000", "tile/8/0/001.p/45", "tile/8/1/000.p/1", "tile/8/0/000.p/7"]
)
def test_served_tiles_equal_the_tiles_of_the_verified_tree(tmp_path: Path, path: str) -> None:
    log = honest()
    mirror = open_mirror(tmp_path / "m.db", LogRemote(log))
    mirror.latest()
    assert mirror.tile(path) == log.answer("/" + path)


def test_a_tile_that_does_not_hash_to_the_tree_is_refused_and_not_stored(tmp_path: Path) -> None:
    log = honest()
    remote = LogRemote(log)
    mirror = open_mirror(tmp_path / "m.db", remote)
    mirror.latest()

    def flip(path: str, body: bytes) -> bytes:
        return bytes([body[0] ^ 1]) + body[1:] if path.startswith("/tile/8/0/000") else body

    remote.tamper = flip
    with pytest.raises(VerificationError):
        mirror.tile("tile/8/0/000")
    assert mirror.alerts.count == 1
    assert mirror.state.read_cache(f"{mirror.name}/tile/8/0/000") is None
    remote.tamper = lambda path, body: body
    assert mirror.tile("tile/8/0/000") == log.answer("/tile/8/0/000")


def test_forked_upstream_is_reported_with_both_notes_and_verified_head_kept(
    tmp_path: Path,
) -> None:
    log = honest()
    remote = LogRemote(log)
    mirror = open_mirror(tmp_path / "m.db", remote)
    verified = mirror.latest()
    # Same key, same size plus one, but record 5 differs: not an extension of what we verified.
    fork = FakeLog([filler(i, "fork" if i == 5 else "") for i in range(300)] + [XTEXT_RECORD] * 2)
    remote.log = fork
    assert mirror.latest() == verified
    alert = mirror.alerts.recent[-1]
    assert alert["alert"] == "fork"
    evidence = "\n".join(alert["evidence"])
    assert "301" in evidence and "302" in evidence  # both tree heads
    assert mirror.alerts.stored()[-1]["evidence"] == alert["evidence"]
    # The fork's lookups are refused too; the verified answer stays.
    remote.log = log
    assert mirror.lookup(XTEXT) == log.answer(f"/lookup/{XTEXT}").replace(log.note(), verified)


def test_smaller_tree_with_another_hash_is_a_fork(tmp_path: Path) -> None:
    log = honest()
    remote = LogRemote(log)
    mirror = open_mirror(tmp_path / "m.db", remote)
    verified = mirror.latest()
    shrunk = FakeLog([filler(i, "x") for i in range(100)])
    # Without the tiles that would prove it either way, the smaller tree is just not accepted.
    remote.log = shrunk
    assert mirror.latest() == verified
    assert mirror.alerts.count == 0
    # Holding them (tile/8/0/000 covers records 0-255), the mirror proves the fork.
    remote.log = log
    mirror.tile("tile/8/0/000")
    remote.log = shrunk
    assert mirror.latest() == verified
    assert mirror.alerts.recent[-1]["alert"] == "fork"


def test_bad_signature_on_latest_is_an_alert_and_the_verified_note_stays(tmp_path: Path) -> None:
    log = honest()
    remote = LogRemote(log)
    mirror = open_mirror(tmp_path / "m.db", remote)
    verified = mirror.latest()
    log.append(filler(999))

    def corrupt(path: str, body: bytes) -> bytes:
        if path != "/latest":
            return body
        text, sig = body.rsplit(b" ", 1)
        return text + b" " + (b"A" if sig[:1] != b"A" else b"B") + sig[1:]

    remote.tamper = corrupt
    assert mirror.latest() == verified
    assert mirror.alerts.recent[-1]["alert"] == "verification"


def test_note_signed_by_another_key_is_refused(tmp_path: Path) -> None:
    log = honest()
    remote = LogRemote(log)
    mirror = open_mirror(tmp_path / "m.db", remote)
    verified = mirror.latest()
    other, _ = note.generate_key("fake.sumdb.test")
    remote.log = FakeLog([*log.records, filler(1000)], skey=other)
    assert mirror.latest() == verified
    assert mirror.alerts.count == 1


def test_store_answers_when_the_upstream_is_down(tmp_path: Path) -> None:
    log = honest()
    warm = open_mirror(tmp_path / "m.db", LogRemote(log))
    answer = warm.lookup(XTEXT)
    tiles = {p: warm.tile(p) for p in ("tile/8/0/001.p/45", "tile/8/1/000.p/1")}
    warm.state.flush()
    down = LogRemote(log)
    down.down = True
    cold = open_mirror(tmp_path / "m.db", down)
    assert cold.lookup(XTEXT) == answer
    assert cold.latest() == log.note()
    for path, data in tiles.items():
        assert cold.tile(path) == data
    offline = open_mirror(tmp_path / "m.db", None)
    assert offline.lookup(XTEXT) == answer
    with pytest.raises(OfflineError):
        offline.lookup("example.com/filler3@v1.0.3")


def test_offline_mirror_with_empty_store_serves_nothing(tmp_path: Path) -> None:
    mirror = open_mirror(tmp_path / "m.db", None)
    with pytest.raises(OfflineError):
        mirror.latest()
    with pytest.raises(OfflineError):
        mirror.tile("tile/8/0/000")


def test_data_tile_records_must_hash_to_the_tree(tmp_path: Path) -> None:
    log = honest()
    remote = LogRemote(log)
    mirror = open_mirror(tmp_path / "m.db", remote)
    mirror.latest()
    assert mirror.tile("tile/8/data/000") == log.answer("/tile/8/data/000")
    remote.tamper = lambda path, body: body.replace(b"filler299", b"filler298")
    assert b"filler299" in log.answer("/tile/8/data/001.p/45")
    with pytest.raises(VerificationError):
        mirror.tile("tile/8/data/001.p/45")


@pytest.mark.parametrize(
    "mod",
    ["golang.org/x/text", "../etc/passwd@v1.0.0", "Example.com/m@v1.0.0", "example.com/m@v1"],
)
def test_malformed_lookups_are_bad_requests(tmp_path: Path, mod: str) -> None:
    mirror = open_mirror(tmp_path / "m.db", LogRemote(honest(3)))
    with pytest.raises(BadRequestError):
        mirror.lookup(mod)


def test_tile_beyond_the_verified_tree_is_not_found(tmp_path: Path) -> None:
    from gomodcheck.errors import NotFoundError  # noqa: PLC0415

    mirror = open_mirror(tmp_path / "m.db", LogRemote(honest(3)))
    mirror.latest()
    with pytest.raises(NotFoundError):
        mirror.tile("tile/8/0/000.p/200")
    assert tlog.parse_tile_path("tile/8/0/000.p/200").W == 200


def test_parallel_lookups_of_one_new_module_ask_the_upstream_once(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415

    log = honest()
    remote = LogRemote(log)
    mirror = open_mirror(tmp_path / "m.db", remote)
    mirror.latest()
    slow = remote.read

    def read(path: str, *, max_size: int) -> bytes:
        import time  # noqa: PLC0415

        time.sleep(0.05)  # hold the first caller so the others arrive while it is in flight
        return slow(path, max_size=max_size)

    remote.read = read  # type: ignore[method-assign]
    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(lambda _: mirror.lookup(XTEXT), range(32)))
    assert set(answers) == {log.answer(f"/lookup/{XTEXT}")}
    assert remote.paths.count(f"/lookup/{XTEXT}") == 1
