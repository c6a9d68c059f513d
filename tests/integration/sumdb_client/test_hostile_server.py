"""`verify --sumdb` against a checksum database that lies, breaks or stalls, over real HTTP.

Each case of the issue's list ends in its error class and exit code (1: the data is bad or a
server lies; 3: the data could not be had), and after every case the verified cache holds only
data an honest server would have sent: nothing unverified reaches it, and the stored tree head is
never replaced by a bad one.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from gomodcheck.note import parse_signer_key, sign
from gomodcheck.tlog import Tree, audit_path, format_record, format_tree, tile_levels
from tests.conftest import run_cli
from tests.unit.sumdb.fakedb import OTHER_SKEY, FakeDB, h1

from .harness import Behaviour, serve
from .harness import cli_env as _env

RECORDS = 600  # two full record tiles (0-255, 256-511) and a partial one (512-599), height 8
MODULES = (3, 300, 520)  # one module in each record tile
LOOKUP = "/lookup/example.com/m300@v1.0.0"
NAME = "localhost.test"


def _honest() -> FakeDB:
    db = FakeDB(height=8)
    db.fill(RECORDS)
    return db


HONEST = _honest()


def _lines(modules: tuple[int, ...] = MODULES) -> list[str]:
    return [
        line
        for i in modules
        for line in (
            f"example.com/m{i} v1.0.0 {h1(f'zip{i}')}",
            f"example.com/m{i} v1.0.0/go.mod {h1(f'mod{i}')}",
        )
    ]


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def report(self) -> dict[str, object]:
        return json.loads(self.stdout) if self.stdout.startswith("{") else {}


def _verify(
    tmp_path: Path,
    db: FakeDB,
    behaviour: Behaviour | None = None,
    modules: tuple[int, ...] = MODULES,
    env: dict[str, str] | None = None,
) -> Run:
    proj = tmp_path / "proj"
    proj.mkdir(exist_ok=True)
    (proj / "go.sum").write_text("".join(line + "\n" for line in _lines(modules)))
    with serve(db, behaviour) as (url, _):
        res = run_cli(
            "verify",
            "--sumdb",
            "--format",
            "json",
            str(proj),
            env=_env(tmp_path, url, **(env or {})),
        )
    return Run(res.returncode, res.stdout, res.stderr)


def _state(tmp_path: Path) -> tuple[bytes, dict[str, bytes]]:
    path = tmp_path / "state" / "sumdb.sqlite3"
    if not path.exists():
        return b"", {}
    with sqlite3.connect(path) as conn:
        latest = conn.execute("SELECT note FROM sumdb_latest").fetchall()
        cache = {str(k): bytes(v) for k, v in conn.execute("SELECT key, data FROM sumdb_cache")}
    return (bytes(latest[0][0]) if latest else b""), cache


def _honest_value(key: str, value: bytes) -> bytes:
    """What an honest server's data is for a cache key (KeyError for a key it never has)."""
    assert key.startswith(NAME + "/"), key
    rest = key.removeprefix(NAME)
    if rest.startswith("/lookup/"):
        # The honest record, with the honest signed tree head of the size the answer names (an
        # answer from an older, consistent view is verified data too).
        size = int(value.split(b"\n\n")[1].split(b"\n")[1])
        db = _honest()
        db.size = size
        return db.read(rest, max_size=1 << 30)
    if rest.startswith("/tile/"):
        return HONEST.read(rest, max_size=1 << 30)
    if rest.startswith("/path/8/"):
        record = int(rest.removeprefix("/path/8/"))
        full = HONEST.read(f"/tile/8/0/{record >> 8:03d}", max_size=1 << 30)
        return b"".join(audit_path(tile_levels(full), record & 255))
    raise KeyError(key)


def assert_only_verified_data_cached(tmp_path: Path) -> None:
    latest, cache = _state(tmp_path)
    assert latest in (b"", HONEST.signed_tree())
    for key, value in cache.items():
        assert value == _honest_value(key, value), f"unverified data cached under {key}"


class Hostile(FakeDB):
    """The honest log, with the signed tree head passed through a filter."""

    note_filter: Callable[[bytes], bytes] = staticmethod(lambda note: note)

    def signed_tree(self) -> bytes:
        return self.note_filter(super().signed_tree())


def _hostile(**overrides: bytes) -> Hostile:
    db = Hostile(height=8)
    db.fill(RECORDS)
    db.override.update(overrides)
    return db


def _tile(path: str) -> bytes:
    return HONEST.read(path, max_size=1 << 30)


def _flip(data: bytes, at: int = 0) -> bytes:
    return data[:at] + bytes([data[at] ^ 1]) + data[at + 1 :]


@dataclass
class Case:
    db: Callable[[], FakeDB]
    code: int
    says: tuple[str, ...]
    behaviour: Callable[[], Behaviour] = field(default=Behaviour)
    env: dict[str, str] = field(default_factory=dict)


def _wrong_key() -> FakeDB:
    db = _honest()
    db.skey = OTHER_SKEY
    return db


def _bad_signature() -> FakeDB:
    db = _hostile()
    # The signature line of the honest note under a changed tree size.
    db.note_filter = lambda note: note.replace(b"\n600\n", b"\n601\n", 1)
    return db


def _other_record_text() -> FakeDB:
    evil = f"example.com/m300 v1.0.0 {h1('evil')}\nexample.com/m300 v1.0.0/go.mod {h1('mod300')}\n"
    return _hostile(**{LOOKUP: format_record(300, evil.encode()) + HONEST.signed_tree()})


def _record_beyond_tree() -> FakeDB:
    return _hostile(**{LOOKUP: format_record(9999, HONEST.records[300]) + HONEST.signed_tree()})


def _note_for_another_tree() -> FakeDB:
    # A well-signed note whose root is not the tree the tiles make up: a lie a key holder could
    # tell, caught when the tiles do not hash to the signed root.
    wrong = format_tree(Tree(RECORDS, bytes(32))).decode()
    note = sign(wrong, [parse_signer_key(HONEST.skey)])
    db = _hostile()
    db.note_filter = lambda _: note
    return db


CASES: dict[str, Case] = {
    "wrong key": Case(_wrong_key, 1, ("reading tree note", "no verifiable signatures")),
    "bad signature": Case(_bad_signature, 1, ("reading tree note", "invalid signature")),
    "malformed lookup": Case(lambda: _hostile(**{LOOKUP: b"not a record\n"}), 1, ("malformed",)),
    "truncated full tile": Case(
        lambda: _hostile(**{"/tile/8/0/001": _tile("/tile/8/0/001")[:-1]}),
        1,
        ("tile/8/0/001", "bytes"),
    ),
    "truncated partial tile": Case(
        lambda: _hostile(**{"/tile/8/0/002.p/88": _tile("/tile/8/0/002.p/88")[:100]}),
        1,
        ("tile/8/0/002.p/88",),
    ),
    "oversized tile": Case(
        lambda: _hostile(**{"/tile/8/0/001": _tile("/tile/8/0/001") * 2}), 3, ("exceeds",)
    ),
    "record tile not hashing to its parent": Case(
        lambda: _hostile(**{"/tile/8/0/001": _flip(_tile("/tile/8/0/001"), 100)}),
        1,
        ("inconsistent tile",),
    ),
    "upper tile not hashing to the tree": Case(
        lambda: _hostile(**{"/tile/8/1/000.p/2": _flip(_tile("/tile/8/1/000.p/2"))}),
        1,
        ("inconsistent tile",),
    ),
    "signed root no tile hashes to": Case(_note_for_another_tree, 1, ("inconsistent tile",)),
    "record not the one in the tree": Case(_other_record_text, 1, ("cannot authenticate record",)),
    "record id beyond the tree": Case(_record_beyond_tree, 1, ("cannot validate record 9999",)),
    "tile 404": Case(_honest, 3, ("404",), lambda: Behaviour(status={"/tile/8/0/001": 404})),
    "tile 410": Case(_honest, 3, ("410",), lambda: Behaviour(status={"/tile/8/0/001": 410})),
    "lookup 500": Case(_honest, 3, ("500",), lambda: Behaviour(status={"/lookup/": 500})),
    "tile 500": Case(_honest, 3, ("500",), lambda: Behaviour(status={"/tile/": 500})),
    "lookup timeout": Case(
        _honest,
        3,
        ("timed out",),
        lambda: Behaviour(hang={LOOKUP}),
        {"GOMODCHECK_HTTP_RETRIES": "0", "GOMODCHECK_HTTP_TIMEOUT": "0.5"},
    ),
    "tile slow-loris": Case(
        _honest,
        3,
        ("not complete within",),
        lambda: Behaviour(trickle={"/tile/8/0/000"}),
        {"GOMODCHECK_HTTP_RETRIES": "0", "GOMODCHECK_HTTP_TIMEOUT": "0.5"},
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_server_ends_in_its_error_class_and_caches_nothing_unverified(
    tmp_path: Path, name: str
) -> None:
    case = CASES[name]
    run = _verify(tmp_path, case.db(), case.behaviour(), env=case.env)
    assert run.code == case.code, run.stderr
    for text in case.says:
        assert text in run.stderr, run.stderr
    assert_only_verified_data_cached(tmp_path)


@pytest.mark.parametrize("status", [404, 410])
def test_lookup_404_or_410_is_not_in_database_not_a_failure_to_complete(
    tmp_path: Path, status: int
) -> None:
    run = _verify(tmp_path, _honest(), Behaviour(status={LOOKUP: status}))
    assert run.code == 1, run.stderr
    summary = run.report["summary"]
    assert isinstance(summary, dict)
    assert summary["not-in-database"] == 2 and summary["verified"] == 4
    assert_only_verified_data_cached(tmp_path)


def test_honest_server_fills_the_cache_with_verified_data_only(tmp_path: Path) -> None:
    run = _verify(tmp_path, _honest())
    assert run.code == 0, run.stderr
    latest, cache = _state(tmp_path)
    assert latest == HONEST.signed_tree()
    # Each line's record is provable offline: its answer, and its audit path or partial tile.
    assert {k for k in cache if "/lookup/" in k} == {
        f"{NAME}/lookup/example.com/m{i}@v1.0.0" for i in MODULES
    }
    assert {f"{NAME}/path/8/3", f"{NAME}/path/8/300"} <= set(cache)
    assert f"{NAME}/tile/8/0/002.p/88" in cache
    assert_only_verified_data_cached(tmp_path)


def _fork(size: int) -> FakeDB:
    """A log that agrees with the honest one on nothing: every record hash differs."""
    fork = FakeDB(height=8)
    for i in range(size):
        fork.add(f"example.com/m{i}", "v1.0.0", h1(f"forked{i}"), h1(f"mod{i}"))
    return fork


@pytest.mark.parametrize("size", [RECORDS + 50, RECORDS, RECORDS - 100])
def test_forked_growing_same_size_or_shrunken_tree_is_a_security_error_keeping_state(
    tmp_path: Path, size: int
) -> None:
    assert _verify(tmp_path, _honest()).code == 0
    before = _state(tmp_path)
    # Modules not cached yet: their answers come with the fork's tree head.
    run = _verify(tmp_path, _fork(size), modules=(5, 301))
    assert run.code == 1
    err = run.stderr
    assert err.startswith("SECURITY ERROR"), err
    assert "old database:" in err and "new database:" in err and "proof of misbehavior:" in err
    # Both signed notes, in full.
    old_lines = HONEST.signed_tree().decode().strip().splitlines()
    new_lines = _fork(size).signed_tree().decode().strip().splitlines()
    for line in (*old_lines, *new_lines):
        assert line in err
    assert "the stored tree is kept" in err
    assert _state(tmp_path) == before
    assert_only_verified_data_cached(tmp_path)


def test_an_honest_older_view_is_accepted_and_the_newer_stored_tree_kept(tmp_path: Path) -> None:
    assert _verify(tmp_path, _honest()).code == 0
    before = _state(tmp_path)[0]
    stale = _honest()
    stale.size = RECORDS - 10  # a mirror that lags behind: a prefix of what we verified
    # Modules not cached yet, so their answers come from the stale server, with its tree head.
    run = _verify(tmp_path, stale, modules=(5, 301))
    assert run.code == 0, run.stderr
    assert _state(tmp_path)[0] == before
    assert_only_verified_data_cached(tmp_path)
