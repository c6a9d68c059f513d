"""Shared fixtures. A test that needs Go or the module proxy fails loudly when they are missing:
it never passes by skipping."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
ASSETS = Path(__file__).resolve().parent / "assets"


@pytest.fixture(scope="session")
def go_bin() -> str:
    path = shutil.which("go")
    if path is None:
        pytest.fail("the go command is not on PATH; oracle tests need it (install Go)")
    return path


@pytest.fixture(scope="session")
def assets() -> Path:
    return ASSETS


@pytest.fixture(scope="session")
def shared_gomodcache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A module cache for real-world suites, reused across runs when TESTS_GOMODCACHE is set."""
    explicit = os.environ.get("TESTS_GOMODCACHE")
    if explicit:
        return Path(explicit)
    return REPO_ROOT / "tests" / ".cache" / "gomodcache"


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
            stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed CLI as a user would, in a subprocess."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "gomodcheck", *args],
        cwd=cwd, env=full_env, input=stdin, capture_output=True, text=True, timeout=600,
        check=False,
    )


@pytest.fixture
def cli() -> Iterator[object]:
    yield run_cli
