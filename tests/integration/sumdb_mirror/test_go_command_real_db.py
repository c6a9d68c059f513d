"""The real go command accepts the mirror of the real sum.golang.org (reached through
proxy.golang.org), both as GOSUMDB and through GOPROXY's /sumdb/ support, and keeps verifying
from the mirror's store when the upstream is cut off."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.conftest import ASSETS, run_cli
from tests.integration.sumdb_mirror.support import (
    SUM_GOLANG_ORG_KEY,
    XTEXT,
    MirrorProcess,
    free_port,
    go_env,
    go_get_xtext,
    record_lines,
)


def _go_sum(root: Path) -> list[str]:
    return (root / "project" / "go.sum").read_text().splitlines()


def test_go_command_verifies_through_mirror_as_gosumdb_and_go_sum_equals_records(
    tmp_path: Path, module_proxy: str, gocache: Path
) -> None:
    with MirrorProcess(tmp_path / "mirror.db", tmp_path / "mirror.log") as mirror:
        env = go_env(tmp_path / "go", gocache, GOPROXY=module_proxy,
                     GOSUMDB=f"{SUM_GOLANG_ORG_KEY} {mirror.url}")  # fmt: skip
        done = go_get_xtext(tmp_path / "go", env)
        assert done.returncode == 0, done.stderr
        lookup = mirror.get(f"/lookup/{XTEXT}")
        assert lookup.status_code == 200
        assert _go_sum(tmp_path / "go") == record_lines(lookup.content)
        served = {(a["path"], a["status"]) for a in mirror.access()}
        assert (f"/lookup/{XTEXT}", 200) in served
        assert any(p.startswith("/tile/8/") and s == 200 for p, s in served)
        assert not any(s >= 400 for _, s in served)


def test_go_command_reaches_mirror_through_goproxy_sumdb_route(
    tmp_path: Path, module_proxy: str, gocache: Path
) -> None:
    with MirrorProcess(tmp_path / "mirror.db", tmp_path / "mirror.log") as mirror:
        env = go_env(tmp_path / "go", gocache, GOPROXY=f"{mirror.url},{module_proxy}",
                     GOSUMDB="sum.golang.org")  # fmt: skip
        done = go_get_xtext(tmp_path / "go", env)
        assert done.returncode == 0, done.stderr
        lookup = mirror.get(f"/sumdb/sum.golang.org/lookup/{XTEXT}")
        assert _go_sum(tmp_path / "go") == record_lines(lookup.content)
        served = [(a["path"], a["status"]) for a in mirror.access()]
        assert ("/sumdb/sum.golang.org/supported", 200) in served
        assert (f"/sumdb/sum.golang.org/lookup/{XTEXT}", 200) in served
        assert any(p.startswith("/sumdb/sum.golang.org/tile/8/") and s == 200 for p, s in served)
        # Module downloads were refused with 404, so the go command took them from the next
        # GOPROXY entry.
        assert any(p.startswith("/golang.org/x/text/@v/") and s == 404 for p, s in served)
        # Our own client finds the database through the same GOPROXY and proves the go.sum.
        verify_env = {"GOPROXY": mirror.url, "GOSUMDB": "sum.golang.org", "GONOSUMDB": "",
                      "GOPRIVATE": "", "GOMODCHECK_STATE_DIR": str(tmp_path / "state")}  # fmt: skip
        done_verify = run_cli("verify", "--sumdb", str(tmp_path / "go" / "project"),
                              env=verify_env)  # fmt: skip
        assert done_verify.returncode == 0, done_verify.stdout + done_verify.stderr
        assert "verified: 2" in done_verify.stdout


def test_go_command_verifies_from_mirror_store_with_upstream_cut_off(
    tmp_path: Path, module_proxy: str, gocache: Path
) -> None:
    db = tmp_path / "mirror.db"
    with MirrorProcess(db, tmp_path / "warm.log") as mirror:
        env = go_env(tmp_path / "warm", gocache, GOPROXY=module_proxy,
                     GOSUMDB=f"{SUM_GOLANG_ORG_KEY} {mirror.url}")  # fmt: skip
        assert go_get_xtext(tmp_path / "warm", env).returncode == 0
        warm_latest = mirror.get("/latest").content
    dead = f"http://127.0.0.1:{free_port()}"
    for name, extra in (("cut", ("--upstream", dead)), ("offline", ("--offline",))):
        with MirrorProcess(db, tmp_path / f"{name}.log", *extra) as mirror:
            env = go_env(tmp_path / name, gocache, GOPROXY=module_proxy,
                         GOSUMDB=f"{SUM_GOLANG_ORG_KEY} {mirror.url}")  # fmt: skip
            done = go_get_xtext(tmp_path / name, env)
            assert done.returncode == 0, f"{name}: {done.stderr}"
            assert _go_sum(tmp_path / name) == _go_sum(tmp_path / "warm")
            served = {(a["path"], a["status"]) for a in mirror.access()}
            assert (f"/lookup/{XTEXT}", 200) in served
            assert mirror.get("/latest").content == warm_latest
            assert mirror.get("/healthz").json()["alerts"] == 0
            # What was never verified is not served, whatever the reason.
            assert mirror.get("/lookup/golang.org/x/mod@v0.14.0").status_code in (502, 503)


def test_x_mod_gosumcheck_accepts_the_mirrors_answers(tmp_path: Path, gosumcheck: Path) -> None:
    gosum = ASSETS / "sumdb_mirror" / "nats-server.go.sum"
    with MirrorProcess(tmp_path / "mirror.db", tmp_path / "mirror.log") as mirror:
        done = subprocess.run(
            [str(gosumcheck), "-u", mirror.url, str(gosum)], capture_output=True, text=True,
            timeout=300, check=False, env={"PATH": os.environ["PATH"], "GONOSUMDB": ""},
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        lookups = [a for a in mirror.access() if a["path"].startswith("/lookup/")]
        assert len(lookups) == 12 and all(a["status"] == 200 for a in lookups)
