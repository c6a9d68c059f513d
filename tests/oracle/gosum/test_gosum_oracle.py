"""The go command refuses exactly the go.sum files we call malformed, naming the same line; and
the problems we report that it does not refuse at parse time (BOM, conflicting hashes) do break
its builds."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from gomodcheck.gosum import ProblemKind, parse_gosum

pytestmark = pytest.mark.oracle

TINY = Path(__file__).resolve().parents[2] / "assets" / "gosum" / "tinymod"
GOOD = (TINY / "go.sum").read_text().splitlines()
ZIP_H1 = GOOD[0].split()[2]

MALFORMED = [
    "bad", "golang.org/x/mod v0.43.0", f"golang.org/x/mod v0.43.0 {ZIP_H1} extra",
    "<<<<<<< HEAD", "=======", ">>>>>>> feature", "||||||| merged common ancestors",
    f"golang.org/x/mod\x1cv0.43.0 {ZIP_H1}", "a.com/m v1 h1:x=\ra.com/n v1 h1:y=",
    "\u3000x\u3000y", "\x00\x01\x02 binary", "a b c d e f g",
]
HARMLESS = [
    "", "   ", "\t", f"golang.org/x/mod v0.43.0 {ZIP_H1}", "golang.org/x/mod v0.43.0 h2:unknown=",
    f"golang.org/x/mod\u00a0v0.43.0\t{ZIP_H1}", "example.com/other v1.0.0 h1:AAAA=",
    "<<<<<<< HEAD three", "example.com/old v1.0.0/go.mod h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY=",
]


def _variants() -> list[tuple[str, bytes]]:
    rng = random.Random(7)
    out: list[tuple[str, bytes]] = [
        ("crlf", ("\r\n".join(GOOD) + "\r\n").encode()),
        ("no final newline", "\n".join(GOOD).encode()),
        ("bom", ("\ufeff" + "\n".join(GOOD) + "\n").encode()),
        ("wrong hash first", ("golang.org/x/mod v0.43.0 h1:AAAAJ6s35W9D3IjkwyWc9vHh0nENOrt5K8Iof4ofmg=\n"
                              + "\n".join(GOOD) + "\n").encode()),
    ]
    for i in range(60):
        lines = list(GOOD)
        pool = MALFORMED if i % 2 == 0 else HARMLESS
        for _ in range(rng.randint(1, 3)):
            lines.insert(rng.randint(0, len(lines)), rng.choice(pool + HARMLESS))
        out.append((f"mutant {i}", ("\n".join(lines) + "\n").encode()))
    return out


def _go_build(go_bin: str, moddir: Path, gomodcache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GOMODCACHE": str(gomodcache), "GOFLAGS": "-mod=readonly",
           "GOPROXY": "off", "GOWORK": "off", "GOTOOLCHAIN": "local"}
    return subprocess.run([go_bin, "build", "./..."], cwd=moddir, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def tiny_module(go_bin: str, shared_gomodcache: Path, tmp_path_factory: pytest.TempPathFactory
                ) -> Path:
    moddir = tmp_path_factory.mktemp("tiny")
    shutil.copytree(TINY, moddir, dirs_exist_ok=True)
    env = {**os.environ, "GOMODCACHE": str(shared_gomodcache), "GOFLAGS": "-mod=mod",
           "GOWORK": "off"}
    proc = subprocess.run([go_bin, "mod", "download", "golang.org/x/mod"], cwd=moddir, env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, f"downloading x/mod from the module proxy failed:\n{proc.stderr}"
    assert _go_build(go_bin, moddir, shared_gomodcache).returncode == 0
    return moddir


def test_go_rejects_the_go_sum_files_we_call_malformed_at_the_same_line(
    go_bin: str, shared_gomodcache: Path, tiny_module: Path
) -> None:
    variants = _variants()
    disagree: list[str] = []
    rejected = 0
    for name, data in variants:
        (tiny_module / "go.sum").write_bytes(data)
        proc = _go_build(go_bin, tiny_module, shared_gomodcache)
        ours = parse_gosum(data, "go.sum")
        if ours.malformed:
            rejected += 1
            first = ours.malformed[0]
            want = f"go.sum:{first.line}: {first.message}"
            if proc.returncode == 0 or want not in proc.stderr or "malformed go.sum" not in proc.stderr:
                disagree.append(f"{name}: we say {want!r}; go said rc={proc.returncode} {proc.stderr!r}")
        elif any(p.kind in (ProblemKind.BOM, ProblemKind.CONFLICT) for p in ours.problems):
            # Read fine, but the first module's entry never matches or the wrong hash comes first.
            if proc.returncode == 0 or not any(
                s in proc.stderr for s in ("missing go.sum entry", "checksum mismatch")
            ):
                disagree.append(f"{name}: go accepted what we flag: {proc.stderr!r}")
        elif proc.returncode != 0:
            disagree.append(f"{name}: go rejected what we accept: {proc.stderr!r}")
    print(f"gosum oracle: {len(variants) - len(disagree)} of {len(variants)} agree "
          f"({rejected} malformed)")
    assert rejected >= 20
    assert not disagree, "\n".join(disagree)


def test_go_rejects_a_malformed_go_work_sum_at_the_line_we_name(
    go_bin: str, shared_gomodcache: Path, tiny_module: Path, tmp_path: Path
) -> None:
    shutil.copytree(tiny_module, tmp_path / "tiny")
    (tmp_path / "go.work").write_text("go 1.26.0\n\nuse ./tiny\n")
    env = {**os.environ, "GOMODCACHE": str(shared_gomodcache), "GOFLAGS": "", "GOPROXY": "off",
           "GOTOOLCHAIN": "local"}
    env.pop("GOWORK", None)
    agree = 0
    cases = [("\n".join(GOOD) + "\n" + bad + "\n").encode() for bad in MALFORMED[:6]]
    cases += [("\n".join(GOOD) + "\n" + ok + "\n").encode() for ok in HARMLESS[:4]]
    for data in cases:
        (tmp_path / "go.work.sum").write_bytes(data)
        proc = subprocess.run([go_bin, "build", "./..."], cwd=tmp_path / "tiny", env=env,
                              capture_output=True, text=True, timeout=120, check=False)
        ours = parse_gosum(data, "go.work.sum").malformed
        if ours:
            want = f"go.work.sum:{ours[0].line}: {ours[0].message}"
            assert proc.returncode != 0 and want in proc.stderr, (want, proc.stderr)
        else:
            assert proc.returncode == 0, proc.stderr
        agree += 1
    print(f"go.work.sum oracle: {agree} of {len(cases)} agree")
