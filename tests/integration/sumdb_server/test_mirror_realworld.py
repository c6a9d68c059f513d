"""A verifying mirror of the real sum.golang.org (reached through the Go module proxy) used by the
real go command, then answering from its verified cache with the upstream gone."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ASSETS
from tests.integration.sumdb_server import fixtures

pytestmark = [pytest.mark.realworld, pytest.mark.oracle]
UPSTREAM = "https://proxy.golang.org/sumdb/sum.golang.org"
CHI = "github.com/go-chi/chi/v5"


def _project(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "go.mod").write_text(f"module example.com/rw\n\ngo 1.22\n\nrequire {CHI} v5.3.2\n")
    return root


def _env(tmp: Path, goproxy: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GO")}
    env.update(GOPATH=str(tmp / "gopath"), GOMODCACHE=str(tmp / "gopath" / "pkg" / "mod"),
               GOPROXY=goproxy, GOSUMDB="sum.golang.org", GOFLAGS="-mod=mod",
               GOTOOLCHAIN="local", GOENV="off", GONOSUMDB="", GOPRIVATE="",
               GOCACHE=os.environ.get("GOCACHE", str(Path.home() / ".cache" / "go-build")))
    return env


def test_go_verifies_a_real_module_through_our_mirror_of_sum_golang_org_even_offline(
    go_bin: str, tmp_path: Path
) -> None:
    state = tmp_path / "mirror.sqlite3"
    log = tmp_path / "mirror.log"
    args = ("--mirror", f"sum.golang.org {UPSTREAM}", "--mirror-state", str(state))
    with fixtures.running_server(None, None, log, extra=args) as mirror:
        a = _project(tmp_path / "a")
        online = subprocess.run([go_bin, "mod", "download", CHI], cwd=a,
                                env=_env(tmp_path / "a", f"{mirror.url},https://proxy.golang.org"),
                                capture_output=True, text=True, timeout=300, check=False)
        assert online.returncode == 0, online.stderr + log.read_text()[-3000:]
    assert "/sumdb/sum.golang.org/lookup/github.com/go-chi/chi/v5@v5.3.2" in log.read_text()
    recorded = (ASSETS / "sumdb_checkpoints" / "lookup_github.com_go-chi_chi_v5@v5.3.2.txt").read_text()
    go_sum = (a / "go.sum").read_text().splitlines()
    assert go_sum and all(line in recorded for line in go_sum)

    # The upstream is now unreachable; module content comes from the first machine's cache.
    dead = f"http://127.0.0.1:{fixtures.free_port()}/sumdb/sum.golang.org"
    args = ("--mirror", f"sum.golang.org {dead}", "--mirror-state", str(state))
    cache = (tmp_path / "a" / "gopath" / "pkg" / "mod" / "cache" / "download").as_uri()
    with fixtures.running_server(None, None, log, extra=args) as mirror:
        b = _project(tmp_path / "b")
        offline = subprocess.run([go_bin, "mod", "download", CHI], cwd=b,
                                 env=_env(tmp_path / "b", f"{mirror.url},{cache}"),
                                 capture_output=True, text=True, timeout=300, check=False)
    assert offline.returncode == 0, offline.stderr + log.read_text()[-3000:]
    assert (b / "go.sum").read_text() == (a / "go.sum").read_text()
