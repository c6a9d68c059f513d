"""Fixtures of the check oracles: the version of the go command they compare with."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.oracle.check.harness import go_env


@pytest.fixture(scope="module")
def go_version() -> tuple[str, int]:
    """The go command's version ("1.26.8") and minor number (26)."""
    if shutil.which("go") is None:
        pytest.fail("the go command is not on PATH; the check oracles need it (install Go)")
    out = subprocess.run(
        ["go", "env", "GOVERSION"], capture_output=True, text=True, check=False, env=go_env()
    ).stdout.strip()
    if not out.startswith("go1."):
        pytest.fail(f"cannot tell the Go version (go env GOVERSION printed {out!r})")
    version = out.removeprefix("go")
    return version, int(version.split(".")[1])
