"""Fixtures shared by the check CLI tests."""

from __future__ import annotations

from pathlib import Path

import pytest


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
