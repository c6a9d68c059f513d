"""Fixtures: a module proxy directory holding golang.org/x/text v0.14.0 (downloaded once per
session through proxy.golang.org), a shared build cache for the go command, and an honest
upstream log holding x/text's record."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.integration.sumdb_mirror.support import XTEXT, go_env
from tests.unit.sumdb_mirror.fakelog import (
    XTEXT_RECORD,
    FakeLog,
    LogRemote,
    UpstreamServer,
    filler,
)


@pytest.fixture
def upstream() -> Iterator[UpstreamServer]:
    """An honest upstream: 300 filler records, then golang.org/x/text v0.14.0's."""
    honest = FakeLog([filler(i) for i in range(300)] + [XTEXT_RECORD])
    with UpstreamServer(LogRemote(honest)) as server:
        yield server


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


@pytest.fixture(scope="session")
def gosumcheck(
    shared_gomodcache: Path, gocache: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """x/mod's gosumcheck (its own sumdb client), an independent judge of the mirror's answers.

    Built once into tests/.cache (kept between runs, like the shared module cache).
    """
    go = shutil.which("go")
    if go is None:
        pytest.fail("the go command is not on PATH; these tests need it")
    bindir = REPO_ROOT / "tests" / ".cache" / "bin" / "sumdb_mirror"
    binary = bindir / "gosumcheck"
    if binary.exists():
        return binary
    root = tmp_path_factory.mktemp("gosumcheck")
    env = go_env(root, gocache, GOPROXY="https://proxy.golang.org", GOSUMDB="sum.golang.org",
                 GOMODCACHE=str(shared_gomodcache), GOBIN=str(bindir))  # fmt: skip
    done = subprocess.run(
        [go, "install", "golang.org/x/mod/gosumcheck@v0.43.0"], cwd=root, env=env,
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    if done.returncode != 0 or not binary.exists():
        pytest.fail(f"cannot build x/mod's gosumcheck:\n{done.stderr}")
    return binary
