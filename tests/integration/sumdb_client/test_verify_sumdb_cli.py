"""`gomodcheck verify --sumdb` end to end against a local database that tells the truth or lies."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli
from tests.unit.sumdb.fakedb import OTHER_SKEY, VKEY, FakeDB, h1

from .harness import Behaviour, serve
from .harness import cli_env as _env


def _db() -> FakeDB:
    db = FakeDB(height=8)  # the height sum.golang.org uses, which the CLI assumes
    db.fill(40)
    return db


def _project(tmp_path: Path, lines: list[str]) -> Path:
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "go.sum").write_text("".join(line + "\n" for line in lines))
    return proj


GOOD = [
    f"example.com/m3 v1.0.0 {h1('zip3')}",
    f"example.com/m3 v1.0.0/go.mod {h1('mod3')}",
    f"example.com/m17 v1.0.0/go.mod {h1('mod17')}",
]


def _verify(
    tmp_path: Path, proj: Path, env: dict[str, str], *args: str
) -> tuple[int, dict[str, Any], str]:
    res = run_cli("verify", "--sumdb", *args, "--format", "json", str(proj), env=env)
    report = json.loads(res.stdout) if res.stdout.strip().startswith("{") else {}
    return res.returncode, report, res.stderr


def _cache_rows(tmp_path: Path) -> list[str]:
    path = tmp_path / "state" / "sumdb.sqlite3"
    if not path.exists():
        return []
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT key FROM sumdb_cache")]


def test_good_go_sum_verifies_online_then_offline(tmp_path: Path) -> None:
    proj = _project(tmp_path, GOOD)
    with serve(_db()) as (url, _):
        code, report, err = _verify(tmp_path, proj, _env(tmp_path, url))
    assert code == 0, err
    assert report["summary"]["verified"] == 3
    # The server is gone: offline answers come from the verified cache alone.
    code, report, err = _verify(tmp_path, proj, _env(tmp_path, "http://127.0.0.1:9"), "--offline")
    assert code == 0, err
    assert report["summary"]["verified"] == 3


def test_mismatch_reports_both_hashes_and_exits_1(tmp_path: Path) -> None:
    proj = _project(tmp_path, [f"example.com/m3 v1.0.0 {h1('tampered')}", *GOOD[1:]])
    with serve(_db()) as (url, _):
        code, report, _ = _verify(tmp_path, proj, _env(tmp_path, url))
    assert code == 1
    findings = report["findings"]
    assert isinstance(findings, list) and len(findings) == 1
    text = json.dumps(findings[0])
    assert "SUMDB002" in text and h1("tampered") in text and h1("zip3") in text


def test_private_modules_are_listed_as_not_covered_with_the_pattern(tmp_path: Path) -> None:
    proj = _project(tmp_path, [*GOOD, f"corp.example/secret v1.0.0 {h1('s')}"])
    with serve(_db()) as (url, _):
        env = _env(tmp_path, url, GOPRIVATE="corp.example")
        code, report, _ = _verify(tmp_path, proj, env)
    assert code == 0
    assert report["summary"]["skipped"] == 1
    assert "'corp.example'" in json.dumps(report["findings"])


def test_module_missing_from_database_is_a_finding(tmp_path: Path) -> None:
    proj = _project(tmp_path, [*GOOD, f"example.com/unknown v1.0.0 {h1('u')}"])
    with serve(_db()) as (url, _):
        code, report, _ = _verify(tmp_path, proj, _env(tmp_path, url))
    assert code == 1
    assert report["summary"]["not-in-database"] == 1


def test_wrong_key_fails_verification_and_caches_nothing(tmp_path: Path) -> None:
    db = _db()
    db.skey = OTHER_SKEY
    proj = _project(tmp_path, GOOD)
    with serve(db) as (url, _):
        code, _, err = _verify(tmp_path, proj, _env(tmp_path, url))
    assert code == 1, err
    assert "reading tree note" in err
    assert _cache_rows(tmp_path) == []


def test_tile_not_hashing_to_the_tree_fails_and_is_not_cached(tmp_path: Path) -> None:
    db = _db()
    tile = "/tile/8/0/000.p/40"
    good = db.read(tile, max_size=1 << 20)
    db.override[tile] = bytes([good[0] ^ 0xFF]) + good[1:]
    proj = _project(tmp_path, GOOD)
    with serve(db) as (url, _):
        code, _, err = _verify(tmp_path, proj, _env(tmp_path, url))
    assert code == 1, err
    assert "inconsistent tile" in err
    assert not any("lookup" in k or k.endswith("tile/8/0/000.p/40") for k in _cache_rows(tmp_path))


def test_forked_log_is_a_security_error_and_keeps_the_stored_tree(tmp_path: Path) -> None:
    proj = _project(tmp_path, GOOD)
    with serve(_db()) as (url, _):
        assert _verify(tmp_path, proj, _env(tmp_path, url))[0] == 0
    fork = FakeDB(height=8)
    for i in range(40):
        fork.add(f"example.com/m{i}", "v1.0.0", h1(f"fork{i}"), h1(f"mod{i}"))
    fork.fill(10, prefix="example.net/x")
    state = tmp_path / "state" / "sumdb.sqlite3"
    with sqlite3.connect(state) as conn:
        before = conn.execute("SELECT note FROM sumdb_latest").fetchall()
    (tmp_path / "p2").mkdir()
    proj2 = _project(tmp_path / "p2", [f"example.net/x1 v1.0.0 {h1('zip1')}"])
    with serve(fork) as (url, _):
        code, _, err = _verify(tmp_path, proj2, _env(tmp_path, url))
    assert code == 1
    assert "SECURITY ERROR" in err and "old database:" in err and "proof of misbehavior" in err
    with sqlite3.connect(state) as conn:
        assert conn.execute("SELECT note FROM sumdb_latest").fetchall() == before


@pytest.mark.parametrize("status", [404, 410])
def test_missing_tile_is_could_not_complete(tmp_path: Path, status: int) -> None:
    proj = _project(tmp_path, GOOD)
    with serve(_db(), Behaviour(status={"/tile/": status})) as (url, _):
        code, _, err = _verify(tmp_path, proj, _env(tmp_path, url))
    assert code == 3, err
    assert str(status) in err


def test_server_error_is_retried_then_could_not_complete(tmp_path: Path) -> None:
    proj = _project(tmp_path, GOOD)
    with serve(_db(), Behaviour(status={"/lookup/": 500})) as (url, b):
        code, _, err = _verify(tmp_path, proj, _env(tmp_path, url))
        lookups = [p for p in b.served if p.startswith("/lookup/")]
    assert code == 3, err
    assert "500" in err
    assert len(lookups) >= 2  # retried once (GOMODCHECK_HTTP_RETRIES=1)
    assert _cache_rows(tmp_path) == []


@pytest.mark.parametrize("mode", ["hang", "trickle"])
def test_stalling_server_times_out_as_could_not_complete(tmp_path: Path, mode: str) -> None:
    proj = _project(tmp_path, GOOD)
    behaviour = Behaviour(hang={"/lookup/"}) if mode == "hang" else Behaviour(trickle={"/lookup/"})
    with serve(_db(), behaviour) as (url, _):
        env = _env(tmp_path, url, GOMODCHECK_HTTP_RETRIES="0", GOMODCHECK_HTTP_TIMEOUT="0.5")
        code, _, err = _verify(tmp_path, proj, env)
    assert code == 3, err
    assert "timed out" in err or "not complete within" in err
    assert _cache_rows(tmp_path) == []


def test_oversized_lookup_is_refused(tmp_path: Path) -> None:
    db = _db()
    db.override["/lookup/example.com/m3@v1.0.0"] = b"1\n" + b"x" * (2 << 20)
    proj = _project(tmp_path, GOOD[:1])
    with serve(db) as (url, _):
        code, _, err = _verify(tmp_path, proj, _env(tmp_path, url))
    assert code == 3, err
    assert "exceeds" in err


def test_unreachable_server_fails_closed(tmp_path: Path) -> None:
    proj = _project(tmp_path, GOOD)
    env = _env(tmp_path, "http://127.0.0.1:9", GOMODCHECK_HTTP_RETRIES="0")
    code, _, err = _verify(tmp_path, proj, env)
    assert code == 3, err


def test_bad_gosumdb_is_a_usage_error(tmp_path: Path) -> None:
    proj = _project(tmp_path, GOOD)
    code, _, err = _verify(tmp_path, proj, _env(tmp_path, "x", GOSUMDB=f"{VKEY} a b"))
    assert code == 2
    assert "invalid GOSUMDB: too many fields" in err


def test_gosumdb_off_reports_every_line_as_not_covered(tmp_path: Path) -> None:
    proj = _project(tmp_path, GOOD)
    code, report, _ = _verify(tmp_path, proj, _env(tmp_path, "x", GOSUMDB="off"))
    assert code == 1  # a warning: checking is off for everything, not a scoped exemption
    assert all(f["severity"] == "warning" for f in report["findings"])
    assert report["summary"]["skipped"] == 3


def test_goinsecure_and_goflags_insecure_do_not_turn_checking_off(tmp_path: Path) -> None:
    proj = _project(tmp_path, [f"example.com/m3 v1.0.0 {h1('tampered')}"])
    with serve(_db()) as (url, _):
        env = _env(tmp_path, url, GOINSECURE="*", GOFLAGS="-insecure")
        code, report, _ = _verify(tmp_path, proj, env)
    assert code == 1
    assert report["summary"]["mismatch"] == 1


def test_go_work_sum_lines_are_checked_too(tmp_path: Path) -> None:
    proj = _project(tmp_path, GOOD)
    (proj / "go.work.sum").write_text(f"example.com/m9 v1.0.0 {h1('wrong')}\n")
    with serve(_db()) as (url, _):
        code, report, _ = _verify(tmp_path, proj, _env(tmp_path, url))
    assert code == 1
    assert report["summary"]["lines checked"] == 4
    assert "go.work.sum" in json.dumps(report["findings"])


def test_security_error_text_names_both_trees(tmp_path: Path) -> None:
    proj = _project(tmp_path, GOOD)
    with serve(_db()) as (url, _):
        assert _verify(tmp_path, proj, _env(tmp_path, url))[0] == 0
    fork = FakeDB(height=8)
    fork.fill(45, prefix="example.org/other")
    (proj / "go.sum").write_text(f"example.org/other5 v1.0.0 {h1('zip5')}\n")
    with serve(fork) as (url, _):
        res = run_cli("verify", "--sumdb", str(proj), env=_env(tmp_path, url))
    assert res.returncode == 1
    assert res.stderr.startswith("SECURITY ERROR")
    assert "tree#40 versus tree#45" in res.stderr


def test_show_verified_lists_every_line(tmp_path: Path) -> None:
    proj = _project(tmp_path, GOOD)
    with serve(_db()) as (url, _):
        code, report, _ = _verify(tmp_path, proj, _env(tmp_path, url), "--show-verified")
    assert code == 0
    assert [f["line"] for f in report["findings"]] == [1, 2, 3]
    assert {f["properties"]["status"] for f in report["findings"]} == {"verified"}
