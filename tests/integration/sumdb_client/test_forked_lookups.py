"""A large cold `verify --sumdb` split over a forked process gives what one process gives."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from gomodcheck.fetcher import HttpFetcher
from gomodcheck.sumdb.client import Client, NotInDatabaseError
from gomodcheck.sumdb.config import parse_gosumdb
from gomodcheck.sumdb.remote import HttpRemote
from gomodcheck.sumdb.state import SqliteState
from gomodcheck.verify import forked
from tests.conftest import run_cli
from tests.unit.sumdb.fakedb import VKEY, FakeDB, h1

from .harness import cli_env, serve

pytestmark = [
    pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork (POSIX)"),
    # Python 3.12+ warns on a fork beside threads: here those of the test's own server, which
    # the child never touches (the tool itself forks only when no other thread runs).
    pytest.mark.filterwarnings("ignore:.*multi-threaded.*fork:DeprecationWarning"),
]

MODULES = 600  # 1,200 go.sum lines: well over forked.MIN_SPLIT lookups


def _db() -> FakeDB:
    db = FakeDB(height=8)
    db.fill(MODULES + 200)  # leaf tiles 0..2 full, tile 3 partial
    return db


def _keys() -> list[tuple[str, str]]:
    keys = []
    for i in range(MODULES):
        keys += [(f"example.com/m{i}", "v1.0.0"), (f"example.com/m{i}", "v1.0.0/go.mod")]
    keys.append(("zz.example/missing", "v1.0.0"))  # sorts last: in the child's share
    return sorted(keys)


def _client(url: str, state: Path) -> Client:
    config = parse_gosumdb(f"{VKEY} {url}")
    assert config is not None
    return Client(config.key, HttpRemote(config, (), HttpFetcher()), SqliteState(state))


def _comparable(answers: dict[tuple[str, str], Any]) -> dict[tuple[str, str], Any]:
    return {
        k: f"missing: {v}" if isinstance(v, NotInDatabaseError) else v for k, v in answers.items()
    }


def _cache_keys(state: Path) -> set[str]:
    with sqlite3.connect(state) as conn:
        return {r[0] for r in conn.execute("SELECT key FROM sumdb_cache")}


@pytest.fixture(autouse=True)
def _fork_beside_the_test_server(monkeypatch: pytest.MonkeyPatch) -> None:
    # The in-process tests serve the database from threads of this process; the forked child
    # never touches them (the CLI tests below run the tool in a process of its own).
    monkeypatch.setattr(forked, "_other_threads", lambda: False)


def _helpers_started(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Record what each call of forked._start_helper returns (None: no fork)."""
    helpers: list[Any] = []
    start = forked._start_helper

    def spy(client: Client, keys: Any) -> Any:
        helpers.append(start(client, keys))
        return helpers[-1]

    monkeypatch.setattr(forked, "_start_helper", spy)
    return helpers


def _parent_lookups(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record how many keys each call of the parent's lookup loop gets."""
    counts: list[int] = []
    each = forked._lookup_each

    def spy(client: Client, keys: Any, *args: Any) -> Any:
        counts.append(len(keys))
        return each(client, keys, *args)

    monkeypatch.setattr(forked, "_lookup_each", spy)
    return counts


def _run(url: str, state: Path, *, split: bool) -> dict[tuple[str, str], Any]:
    client = _client(url, state)
    try:
        return forked.lookup_all(client, _keys(), split=split)
    finally:
        client.close()


def test_split_lookups_answer_and_cache_exactly_what_one_process_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = _helpers_started(monkeypatch)
    with serve(_db()) as (url, _):
        one = _run(url, tmp_path / "one.sqlite3", split=False)
        parent = _parent_lookups(monkeypatch)
        two = _run(url, tmp_path / "two.sqlite3", split=True)
    assert started and started[0] is not None, "the split run did not fork"
    # The parent proved its own share only; the child's answers were taken over.
    assert sum(parent) < len(_keys()) * 0.5
    assert _comparable(two) == _comparable(one)
    assert len(one) == 2 * MODULES + 1
    assert isinstance(two[("zz.example/missing", "v1.0.0")], NotInDatabaseError)
    assert two[("example.com/m599", "v1.0.0")] == [f"example.com/m599 v1.0.0 {h1('zip599')}"]
    # The child's verified answers, tiles and audit paths were stored by the parent.
    assert _cache_keys(tmp_path / "two.sqlite3") == _cache_keys(tmp_path / "one.sqlite3")


def test_a_child_that_fails_leaves_its_share_to_the_parent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_child(*args: Any) -> int:
        raise RuntimeError("the child fell over")

    monkeypatch.setattr(forked, "_child", broken_child)
    with serve(_db()) as (url, _):
        one = _run(url, tmp_path / "one.sqlite3", split=False)
        parent = _parent_lookups(monkeypatch)
        two = _run(url, tmp_path / "two.sqlite3", split=True)
    assert sum(parent) == len(_keys())  # its own share, then the child's
    assert _comparable(two) == _comparable(one)
    assert _cache_keys(tmp_path / "two.sqlite3") == _cache_keys(tmp_path / "one.sqlite3")


def test_small_offline_or_threaded_runs_do_not_fork(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve(_db()) as (url, _):
        client = _client(url, tmp_path / "s.sqlite3")
        assert forked._start_helper(client, _keys()[: forked.MIN_SPLIT - 1]) is None
        monkeypatch.setattr(forked, "_other_threads", lambda: True)
        assert forked._start_helper(client, _keys()) is None
        client.close()
    offline = Client(VKEY, None, SqliteState(tmp_path / "o.sqlite3"))
    assert forked._start_helper(offline, _keys()) is None


def _project(tmp_path: Path, lines: list[str]) -> Path:
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "go.sum").write_text("".join(line + "\n" for line in lines))
    return proj


def _gosum_lines() -> list[str]:
    lines = []
    for i in range(MODULES):
        lines += [
            f"example.com/m{i} v1.0.0 {h1(f'zip{i}')}",
            f"example.com/m{i} v1.0.0/go.mod {h1(f'mod{i}')}",
        ]
    return lines


def _verify(proj: Path, env: dict[str, str], *args: str) -> tuple[int, dict[str, Any], str]:
    res = run_cli("verify", "--sumdb", *args, "--format", "json", str(proj), env=env)
    report = json.loads(res.stdout) if res.stdout.strip().startswith("{") else {}
    return res.returncode, report, res.stderr


def test_cli_reports_a_mismatch_in_the_childs_share_as_one_process_does(tmp_path: Path) -> None:
    lines = _gosum_lines()
    # example.com/m99 sorts late (after m599...): its lookup falls in the forked child's share.
    lines[2 * 99] = f"example.com/m99 v1.0.0 {h1('tampered')}"
    proj = _project(tmp_path, lines)
    with serve(_db()) as (url, _):
        split = _verify(proj, cli_env(tmp_path / "a", url))
        single = _verify(proj, cli_env(tmp_path / "b", url), "--jobs", "1")
    assert split[0] == single[0] == 1, split[2]
    assert split[1]["findings"] == single[1]["findings"]
    assert split[1]["summary"] == single[1]["summary"]
    assert split[1]["summary"]["mismatch"] == 1
    assert h1("tampered") in json.dumps(split[1]["findings"])
    # Offline, everything the two processes verified is in the cache.
    code, report, err = _verify(proj, cli_env(tmp_path / "a", "http://127.0.0.1:9"), "--offline")
    assert code == 1, err
    assert report["summary"]["not-cached"] == 0
    assert report["summary"]["verified"] == 2 * MODULES - 1


def test_cli_fails_closed_on_a_bad_tile_in_the_childs_share(tmp_path: Path) -> None:
    db = _db()
    # Leaf tile 2 holds records 512..767: example.com/m512..m599 of this go.sum, all of them
    # in the forked child's share. Corrupt it.
    keys = sorted({(line.split()[0], line.split()[1]) for line in _gosum_lines()})
    theirs = {p for p, _ in keys[round(len(keys) * (1 - forked.CHILD_SHARE)) :]}
    assert all(f"example.com/m{i}" in theirs for i in range(512, MODULES))
    tile = "/tile/8/0/002"
    good = db.read(tile, max_size=1 << 20)
    db.override[tile] = bytes([good[0] ^ 0xFF]) + good[1:]
    proj = _project(tmp_path, _gosum_lines())
    with serve(db) as (url, _):
        code, _, err = _verify(proj, cli_env(tmp_path, url))
    assert code == 1, err
    assert "inconsistent tile" in err
    with sqlite3.connect(tmp_path / "state" / "sumdb.sqlite3") as conn:
        keys = {r[0] for r in conn.execute("SELECT key FROM sumdb_cache")}
    assert not any(k.endswith("tile/8/0/002") for k in keys)


def test_an_error_in_the_parent_stops_and_reaps_the_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(*args: Any) -> Any:
        raise RuntimeError("the parent's own lookups failed")

    helpers = _helpers_started(monkeypatch)
    monkeypatch.setattr(forked, "_lookup_each", failing)
    with serve(_db()) as (url, _):
        client = _client(url, tmp_path / "s.sqlite3")
        with pytest.raises(RuntimeError):
            forked.lookup_all(client, _keys())
        client.close()
    assert helpers and helpers[0] is not None
    with pytest.raises(ChildProcessError):  # already reaped: no zombie left behind
        os.waitpid(helpers[0].pid, os.WNOHANG)
