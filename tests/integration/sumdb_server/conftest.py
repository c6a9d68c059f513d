"""Fixtures for the checksum-database server suite."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.integration.sumdb_server import fixtures


@pytest.fixture
def proxy_dir(tmp_path: Path) -> Path:
    return fixtures.build_proxy(tmp_path / "proxy")


@pytest.fixture
def signer(tmp_path: Path) -> tuple[Path, str]:
    return fixtures.keygen("sumdb.corp.example.com", tmp_path / "keys")


@pytest.fixture(scope="session")
def gosumcheck_bin(go_bin: str, shared_gomodcache: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """x/mod's gosumcheck, built from the module proxy into the shared test module cache."""
    work = tmp_path_factory.mktemp("gosumcheck")
    (work / "go.mod").write_text("module gosumcheckbuild\n\ngo 1.22\n\nrequire golang.org/x/mod v0.43.0\n")
    (work / "tools.go").write_text('//go:build tools\n\npackage tools\n\nimport _ "golang.org/x/mod/gosumcheck"\n')
    env = {
        **os.environ,
        "GOMODCACHE": str(shared_gomodcache),
        "GOFLAGS": "-mod=mod",
        "GOPROXY": os.environ.get("GOPROXY", "https://proxy.golang.org"),
        "GOTOOLCHAIN": "local",
    }
    out = work / "gosumcheck"
    result = subprocess.run(
        [go_bin, "build", "-o", str(out), "golang.org/x/mod/gosumcheck"],
        cwd=work, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"could not build gosumcheck (needs the Go module proxy):\n{result.stderr}")
    return out
