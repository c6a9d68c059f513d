"""Air-gapped bundles of the real sum.golang.org: export proves a real go.sum through the proxy,
import proves it all again and loads it so `verify --sumdb --offline` and `sumdb mirror
--offline` answer from it; a bundle with one byte changed is refused and loads nothing."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import ASSETS, run_cli
from tests.integration.sumdb_mirror.support import (
    SUM_GOLANG_ORG_KEY,
    XTEXT,
    MirrorProcess,
    go_env,
    go_get_xtext,
    record_lines,
)

GOSUMS = [ASSETS / "sumdb_mirror" / "nats-server.go.sum", ASSETS / "sumdb_mirror" / "xtext.go.sum"]
ONLINE = {"GOPROXY": "https://proxy.golang.org", "GOSUMDB": "sum.golang.org", "GONOSUMDB": "",
          "GOPRIVATE": "", "GOFLAGS": ""}  # fmt: skip


def _env(state: Path) -> dict[str, str]:
    return {**ONLINE, "GOMODCHECK_STATE_DIR": str(state)}


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("export")
    out = root / "bundle.sqlite"
    args = [a for g in GOSUMS for a in ("--gosum", str(g))]
    done = run_cli("sumdb", "export", *args, "--out", str(out), env=_env(root / "state"))
    assert done.returncode == 0, done.stderr
    assert "25 go.sum lines proved" in done.stdout
    return out


def _store_is_empty(state: Path) -> bool:
    db = state / "sumdb.sqlite3"
    if not db.exists():
        return True
    conn = sqlite3.connect(db)
    try:
        latest = conn.execute("SELECT count(*) FROM sumdb_latest").fetchone()[0]
        cached = conn.execute("SELECT count(*) FROM sumdb_cache").fetchone()[0]
    finally:
        conn.close()
    return bool(latest == 0 and cached == 0)


def test_imported_bundle_lets_offline_verify_prove_every_go_sum_line(
    bundle: Path, tmp_path: Path
) -> None:
    env = _env(tmp_path / "state")
    done = run_cli("sumdb", "import", str(bundle), env=env)
    assert done.returncode == 0, done.stderr
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(GOSUMS[0], project / "go.sum")
    (project / "go.mod").write_text("module example.com/nats\n\ngo 1.21\n")
    done = run_cli("verify", "--sumdb", "--offline", "--format", "json", str(project), env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert '"verified": 23' in done.stdout.replace("'", '"')


def test_offline_mirror_loaded_from_bundle_serves_the_go_command(
    bundle: Path, tmp_path: Path, module_proxy: str, gocache: Path
) -> None:
    db = tmp_path / "mirror.db"
    done = run_cli("sumdb", "import", str(bundle), "--db", str(db), env=_env(tmp_path / "state"))
    assert done.returncode == 0, done.stderr
    with MirrorProcess(db, tmp_path / "mirror.log", "--offline") as mirror:
        env = go_env(tmp_path / "go", gocache, GOPROXY=module_proxy,
                     GOSUMDB=f"{SUM_GOLANG_ORG_KEY} {mirror.url}")  # fmt: skip
        done_go = go_get_xtext(tmp_path / "go", env)
        assert done_go.returncode == 0, done_go.stderr
        lookup = mirror.get(f"/lookup/{XTEXT}")
        go_sum = (tmp_path / "go" / "project" / "go.sum").read_text().splitlines()
        assert go_sum == record_lines(lookup.content)


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def _tamper(src: Path, dst: Path, part: str) -> None:
    """Change one byte of the first record, the first tile, or the signed note."""
    shutil.copy(src, dst)
    conn = sqlite3.connect(dst)
    try:
        if part == "record":
            rid, text = conn.execute("SELECT id, text FROM records ORDER BY id").fetchone()
            conn.execute("UPDATE records SET text = ? WHERE id = ?", (_flip(text, -3), rid))
        elif part == "tile":
            path, data = conn.execute("SELECT path, data FROM tiles ORDER BY path").fetchone()
            conn.execute("UPDATE tiles SET data = ? WHERE path = ?", (_flip(data, 5), path))
        else:
            (note,) = conn.execute("SELECT value FROM meta WHERE key = 'note'").fetchone()
            changed = _flip(note.encode(), len("go.sum database tree\n") + 2).decode()
            conn.execute("UPDATE meta SET value = ? WHERE key = 'note'", (changed,))
        conn.commit()
    finally:
        conn.close()


@pytest.mark.parametrize("part", ["record", "tile", "note"])
def test_bundle_with_one_byte_changed_is_refused_and_nothing_loaded(
    bundle: Path, tmp_path: Path, part: str
) -> None:
    bad = tmp_path / "bad.sqlite"
    _tamper(bundle, bad, part)
    assert bad.read_bytes() != bundle.read_bytes()
    state = tmp_path / "state"
    done = run_cli("sumdb", "import", str(bad), env=_env(state))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "bundle rejected" in done.stderr
    assert _store_is_empty(state)


def test_export_refuses_go_sum_with_a_wrong_hash_and_writes_nothing(tmp_path: Path) -> None:
    lines = GOSUMS[1].read_text().replace("ScX5w1eTa3", "ScX5w1eTa4")
    gosum = tmp_path / "go.sum"
    gosum.write_text(lines)
    out = tmp_path / "b.sqlite"
    done = run_cli("sumdb", "export", "--gosum", str(gosum), "--out", str(out),
                   env=_env(tmp_path / "state"))  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "golang.org/x/text@v0.14.0" in done.stderr
    assert not out.exists()
