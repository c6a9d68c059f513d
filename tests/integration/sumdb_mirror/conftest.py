"""Fixtures: a module proxy directory holding golang.org/x/text v0.14.0 (downloaded once per
session through proxy.golang.org), and a shared build cache for the go command."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.integration.sumdb_mirror.support import XTEXT, go_env


@pytest.fixture(scope="session")
def gocache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("gocache")


@pytest.fixture(scope="session")
def module_proxy(tmp_path_factory: pytest.TempPathFactory, gocache: Path) -> str:
    """A file:// GOPROXY with x/text, so each test downloads the zip from disk, not the net.

    The module cache's download directory is a valid proxy layout; the go command still checks
    what it reads from it against GOSUMDB, so the tests lose nothing.
    """
    go = shutil.which("go")
    if go is None:
        pytest.fail("the go command is not on PATH; these tests need it")
    root = tmp_path_factory.mktemp("xtext")
    env = go_env(root, gocache, GOPROXY="https://proxy.golang.org", GOSUMDB="sum.golang.org")
    done = subprocess.run(
        [go, "mod", "download", "-json", XTEXT], cwd=root, env=env, capture_output=True,
        text=True, timeout=300, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        pytest.fail(f"cannot download {XTEXT} through proxy.golang.org:\n{done.stderr}")
    return (root / "gopath" / "pkg" / "mod" / "cache" / "download").as_uri()
