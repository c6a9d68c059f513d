"""`gomodcheck verify --sumdb` as a user runs it, against x/mod's own checksum database server.

The reference server (tests/peers/sumdbserver, golang.org/x/mod/sumdb.NewServer) holds a log of
synthetic records; the go.sum mixes lines it vouches for, a line whose hash differs in one byte,
a module version it does not have, and a private module. Each line gets its own verdict, the
exit code says what happened, and the verified cache answers offline once the server is gone.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import run_cli

from .conftest import Peer

GEN = 5000


def _h1(kind: str, i: int) -> str:
    return "h1:" + base64.b64encode(hashlib.sha256(f"{kind}{i}".encode()).digest()).decode()


def _gen_lines(i: int) -> list[str]:
    path = f"example.com/gen/m{i:07d}"
    return [f"{path} v1.0.0 {_h1('zip', i)}", f"{path} v1.0.0/go.mod {_h1('mod', i)}"]


def _one_byte_changed(h1: str) -> str:
    body = h1.removeprefix("h1:")
    return "h1:" + ("B" if body[0] != "B" else "C") + body[1:]


def _env(tmp_path: Path, peer: Peer, **extra: str) -> dict[str, str]:
    return {
        "GOSUMDB": f"{peer.vkey} {peer.url}",
        "GOPROXY": "off",
        "GONOSUMDB": "",
        "GOPRIVATE": "",
        "GOFLAGS": "",
        "GOENV": "off",
        "GOMODCHECK_STATE_DIR": str(tmp_path / "state"),
        "GOMODCHECK_HTTP_RETRIES": "0",
        "GOMODCHECK_HTTP_TIMEOUT": "2",
        **extra,
    }


def _run(proj: Path, env: dict[str, str], *args: str) -> tuple[int, str, str]:
    res = run_cli("verify", "--sumdb", *args, str(proj), env=env)
    return res.returncode, res.stdout, res.stderr


@pytest.mark.oracle
def test_each_go_sum_line_gets_its_verdict_online_and_offline(
    tmp_path: Path, start_server: Callable[..., Peer]
) -> None:
    peer = start_server("-gen", str(GEN))
    good = [line for i in (7, 1234, 2500, 4999) for line in _gen_lines(i)]
    tampered_line = _gen_lines(3000)[0]
    path, version, real = tampered_line.split()
    forged = _one_byte_changed(real)
    absent = f"example.com/gen/m{GEN + 10:07d} v1.0.0 {_h1('zip', GEN + 10)}"
    private = f"corp.example/secret v1.2.3 {_h1('zip', 1)}"
    lines = [*good, f"{path} {version} {forged}", absent, private]
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "go.sum").write_text("".join(line + "\n" for line in lines))
    env = _env(tmp_path, peer, GONOSUMDB="corp.example")

    code, out, err = _run(proj, env)
    assert code == 1, err
    # The per-line report: the one-byte change shows both hashes; the absent version and the
    # private module are named with their reason.
    assert f"go.sum:9:1: error [SUMDB002] {path}@{version}: checksum mismatch" in out
    assert f"go.sum:   {forged}" in out and f"database: {real}" in out
    assert f"go.sum:10:1: error [SUMDB003] example.com/gen/m{GEN + 10:07d}@v1.0.0" in out
    assert "go.sum:11:1: note [SUMDB004] corp.example/secret@v1.2.3" in out
    assert "pattern 'corp.example'" in out
    assert "verified: 8, mismatch: 1, not-in-database: 1, skipped: 1" in out

    code, out, err = _run(proj, env, "--format", "json", "--show-verified")
    report = json.loads(out)
    statuses = {f["line"]: f["properties"]["status"] for f in report["findings"]}
    assert statuses == {
        **dict.fromkeys(range(1, 9), "verified"),
        9: "mismatch",
        10: "not-in-database",
        11: "skipped",
    }

    # The server goes away: what was verified answers from the cache alone.
    peer.stop()
    code, out, err = _run(proj, env, "--offline", "--format", "json")
    assert code == 1, err
    summary = json.loads(out)["summary"]
    assert (summary["verified"], summary["mismatch"]) == (8, 1)
    assert summary["not-cached"] == 1 and summary["skipped"] == 1  # a 404 is not cached

    # Fixed: offline and clean.
    (proj / "go.sum").write_text("".join(line + "\n" for line in [*good, tampered_line]))
    code, out, err = _run(proj, env, "--offline")
    assert code == 0, out + err
    assert "verified: 9" in out

    # A line never verified, and the database cannot be reached: could not complete.
    (proj / "go.sum").write_text("".join(line + "\n" for line in [*good, *_gen_lines(42)]))
    code, out, err = _run(proj, env)
    assert code == 3, out + err
    assert err.strip()


@pytest.mark.oracle
def test_database_reached_through_goproxy_and_a_clean_go_sum_exits_0(
    tmp_path: Path, start_server: Callable[..., Peer]
) -> None:
    peer = start_server("-gen", str(GEN), "-name", "sum.golang.org.example")
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "go.sum").write_text("".join(line + "\n" for line in _gen_lines(99)))
    # No URL in GOSUMDB: found at <proxy>/sumdb/<name>/supported, as the go command finds it.
    env = _env(tmp_path, peer, GOSUMDB=peer.vkey, GOPROXY=f"{peer.url},direct")
    code, out, err = _run(proj, env)
    assert code == 0, out + err
    assert "verified: 2" in out
