"""The reference peers: a checksum database built from golang.org/x/mod/sumdb, and gosumcheck."""

from __future__ import annotations

import functools
import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

PEER_SRC = REPO_ROOT / "tests" / "peers" / "sumdbserver"
BIN_DIR = REPO_ROOT / "tests" / ".cache" / "bin"


@functools.cache
def _real_gocache(go_bin: str) -> str:
    """The user's build cache, so building the peers reuses compiled packages."""
    res = subprocess.run([go_bin, "env", "GOCACHE"], capture_output=True, text=True, check=False)
    return res.stdout.strip() or str(REPO_ROOT / "tests" / ".cache" / "gocache")


def go_env(go_bin: str, gomodcache: Path, home: Path, **extra: str) -> dict[str, str]:
    env = {
        "HOME": str(home),
        "PATH": f"{Path(go_bin).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "GOMODCACHE": str(gomodcache),
        "GOCACHE": _real_gocache(go_bin),
        "GOFLAGS": "-mod=mod",
        "GOENV": "off",
        "GOTOOLCHAIN": "local",
        "GOPROXY": "https://proxy.golang.org",
        "GOSUMDB": "sum.golang.org",
        "GONOSUMDB": "",
        "GOPRIVATE": "",
    }
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def peer_bins(
    go_bin: str, shared_gomodcache: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """sumdbserver and gosumcheck, built once per session into tests/.cache/bin."""
    BIN_DIR.mkdir(parents=True, exist_ok=True)
    env = go_env(go_bin, shared_gomodcache, tmp_path_factory.mktemp("gohome"))
    out = {"sumdbserver": BIN_DIR / "sumdbserver", "gosumcheck": BIN_DIR / "gosumcheck"}
    for target, pkg in (("sumdbserver", "."), ("gosumcheck", "golang.org/x/mod/gosumcheck")):
        res = subprocess.run(
            [go_bin, "build", "-o", str(out[target]), pkg],
            cwd=PEER_SRC,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if res.returncode != 0:
            pytest.fail(
                f"building {target} failed (needs proxy.golang.org for x/mod):\n{res.stderr}"
            )
    return out


@dataclass(frozen=True)
class Peer:
    url: str
    vkey: str
    size: int
    proc: subprocess.Popen[str] | None = field(default=None, compare=False, repr=False)

    def stop(self) -> None:
        """Stop the server (later requests are refused: a database that cannot be reached)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


@pytest.fixture
def start_server(peer_bins: dict[str, Path]) -> Iterator[object]:
    procs: list[subprocess.Popen[str]] = []

    def start(*args: str) -> Peer:
        proc = subprocess.Popen(
            [str(peer_bins["sumdbserver"]), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        procs.append(proc)
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line.startswith("{"):
            pytest.fail(f"sumdbserver did not start: {line}")
        info = json.loads(line)
        return Peer(info["url"], info["vkey"], info["size"], proc)

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()
