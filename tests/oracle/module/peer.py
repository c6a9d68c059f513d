"""Builds and drives tests/peers/modulecheck, a Go program answering with golang.org/x/mod."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

PEER_DIR = Path(__file__).resolve().parents[2] / "peers" / "modulecheck"


def build_peer(go_bin: str, gomodcache: Path, out_dir: Path) -> Path:
    out = out_dir / "modulecheck"
    env = {**os.environ, "GOMODCACHE": str(gomodcache), "GOFLAGS": "-mod=mod"}
    proc = subprocess.run(
        [go_bin, "build", "-o", str(out), "."],
        cwd=PEER_DIR, env=env, capture_output=True, text=True, timeout=600, check=False,
    )
    if proc.returncode != 0:
        raise AssertionError(f"building {PEER_DIR} failed (needs the module proxy):\n{proc.stderr}")
    return out


def _hex(s: str) -> str:
    return s.encode("utf-8", "surrogateescape").hex()


def _unhex(s: str) -> str:
    return bytes.fromhex(s).decode("utf-8", "surrogateescape")


def ask(peer: Path, queries: Sequence[tuple[str, str, str]]) -> list[tuple[str, str]]:
    """(result, error message) from x/mod for each (op, arg1, arg2), in one process run."""
    text = "".join(f"{op}\t{_hex(a)}\t{_hex(b)}\n" for op, a, b in queries)
    proc = subprocess.run(
        [str(peer)], input=text.encode(), capture_output=True, timeout=600, check=True
    )
    lines = proc.stdout.decode().splitlines()
    assert len(lines) == len(queries), proc.stderr.decode()
    out = []
    for line in lines:
        res, err = line.split("\t")
        out.append((_unhex(res), _unhex(err)))
    return out
