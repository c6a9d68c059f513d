"""Fixtures shared by the check CLI tests."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

EXAMPLES = REPO_ROOT / "examples"


@pytest.fixture
def offline_env(tmp_path: Path) -> dict[str, str]:
    """No module cache, no network, no go.work from the environment: everything must come from
    the bundled proxy directory and the files under test."""
    return {
        "HOME": str(tmp_path / "home"),
        "GOMODCACHE": str(tmp_path / "empty-modcache"),
        "GOPROXY": "off",
        "GOFLAGS": "",
        "GOPRIVATE": "",
        "GOENV": "off",
        "GOWORK": "",
    }


@pytest.fixture
def modcache(tmp_path: Path) -> Path:
    """A GOMODCACHE: uuid and x/sync extracted (as `go mod download` leaves them), pkg/errors
    only as a zip in cache/download, so both kinds of immutable tree are read."""
    root = tmp_path / "modcache"
    shutil.copytree(EXAMPLES / "proxy", root / "cache" / "download")
    for path, version in (("github.com/google/uuid", "v1.6.0"), ("golang.org/x/sync", "v0.8.0")):
        with zipfile.ZipFile(root / "cache" / "download" / path / "@v" / f"{version}.zip") as z:
            z.extractall(root)
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    dest = tmp_path / "proj"
    shutil.copytree(EXAMPLES / "clean-project", dest)
    (dest / "gomodcheck.toml").unlink()
    return dest


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A go.work using the clean example project and a small tool module of its own."""
    ws = tmp_path / "ws"
    shutil.copytree(EXAMPLES / "clean-project", ws / "clean")
    (ws / "clean" / "gomodcheck.toml").unlink()
    tool = ws / "tool"
    tool.mkdir()
    (tool / "go.mod").write_text(
        "module example.com/tool\n\ngo 1.22\n\nrequire github.com/google/uuid v1.6.0\n"
    )
    (tool / "main.go").write_text(
        'package main\n\nimport "github.com/google/uuid"\n\nfunc main() { _ = uuid.NewString() }\n'
    )
    (ws / "go.work").write_text("go 1.22\n\nuse (\n\t./clean\n\t./tool\n)\n")
    return ws
