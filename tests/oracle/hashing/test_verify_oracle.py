"""`gomodcheck verify --cache` flags the same modules as `go mod verify`, on clean and tampered caches.

A small project (four real modules, one with an upper-case path) is downloaded once into a
private, writable module cache; each case tampers with a fresh copy of it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from gomodcheck.modcache import ModCache
from gomodcheck.module import ModuleVersion
from tests.conftest import run_cli

pytestmark = pytest.mark.oracle

GO_MOD = """module example.com/verifyoracle

go 1.21

require (
\tgithub.com/BurntSushi/toml v1.3.2
\tgithub.com/davecgh/go-spew v1.1.1
\tgithub.com/pkg/errors v0.9.1
\tgithub.com/pmezard/go-difflib v1.0.0
)
"""
MAIN_GO = """package main

import (
\t_ "github.com/BurntSushi/toml"
\t_ "github.com/davecgh/go-spew/spew"
\t_ "github.com/pkg/errors"
\t_ "github.com/pmezard/go-difflib/difflib"
)

func main() {}
"""
ERRORS = ModuleVersion("github.com/pkg/errors", "v0.9.1")
TOML = ModuleVersion("github.com/BurntSushi/toml", "v1.3.2")


def _env(cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        GOMODCACHE=str(cache),
        GOFLAGS="-mod=mod -modcacherw",
        GOTOOLCHAIN="local",
        GOWORK="off",
        GOPROXY="https://proxy.golang.org",
        GOMODCHECK_STATE_DIR=str(cache.parent / "state"),
    )
    return env


@pytest.fixture(scope="session")
def pristine(go_bin: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("verifyoracle")
    project, cache = base / "project", base / "modcache"
    project.mkdir()
    (project / "go.mod").write_text(GO_MOD)
    (project / "main.go").write_text(MAIN_GO)
    proc = subprocess.run(
        [go_bin, "mod", "tidy"],
        cwd=project,
        env=_env(cache),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if proc.returncode != 0:
        pytest.fail(f"go mod tidy failed (is https://proxy.golang.org reachable?):\n{proc.stderr}")
    return project, cache


def _go_flagged(go_bin: str, project: Path, cache: Path) -> set[str]:
    proc = subprocess.run(
        [go_bin, "mod", "verify"],
        cwd=project,
        env=_env(cache),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    out = proc.stdout + proc.stderr
    flagged = set(re.findall(r"^(\S+) v\S+: (?:zip|dir) has been modified", out, re.M))
    flagged |= set(re.findall(r"^(\S+) v\S+: missing ziphash", out, re.M))
    assert (proc.returncode == 0) == (not flagged), out
    return flagged


def _ours(project: Path, cache: Path) -> tuple[int, set[str], str]:
    proc = run_cli("verify", "--cache", "--format", "json", str(project), env=_env(cache))
    import json  # noqa: PLC0415

    doc = json.loads(proc.stdout)
    findings = doc["findings"]
    flagged = {
        f["properties"]["module"]
        for f in findings
        if f["rule"] in ("CACHE001", "CACHE002", "CACHE005")
    }
    return proc.returncode, flagged, proc.stdout


def _modify_file(mc: ModCache) -> None:
    p = mc.extracted_dir(ERRORS) / "errors.go"
    p.write_text(p.read_text().replace("func New(", "func New2("))


def _add_file(mc: ModCache) -> None:
    (mc.extracted_dir(TOML) / "internal" / "evil.go").write_text("package internal\n")


def _delete_file(mc: ModCache) -> None:
    (mc.extracted_dir(ERRORS) / "stack.go").unlink()


def _rewrite_zip(mc: ModCache) -> None:
    zpath = mc.zip_path(TOML)
    with zipfile.ZipFile(zpath, "a") as z:
        z.writestr(f"{TOML.path}@{TOML.version}/extra.go", "package toml\n")


def _drop_ziphash(mc: ModCache) -> None:
    mc.ziphash_path(ERRORS).unlink()


def _everything(mc: ModCache) -> None:
    _modify_file(mc)
    _add_file(mc)
    _rewrite_zip(mc)


CASES: dict[str, Callable[[ModCache], None] | None] = {
    "clean": None,
    "modified-file": _modify_file,
    "added-file": _add_file,
    "deleted-file": _delete_file,
    "rewritten-zip": _rewrite_zip,
    "missing-ziphash": _drop_ziphash,
    "several": _everything,
}


@pytest.mark.parametrize("case", list(CASES))
def test_verify_cache_flags_the_same_modules_as_go_mod_verify(
    case: str, pristine: tuple[Path, Path], go_bin: str, tmp_path: Path
) -> None:
    project, pristine_cache = pristine
    cache = tmp_path / "modcache"
    shutil.copytree(pristine_cache, cache, symlinks=True)
    tamper = CASES[case]
    if tamper is not None:
        tamper(ModCache(cache))
    go_flagged = _go_flagged(go_bin, project, cache)
    rc, ours, out = _ours(project, cache)
    assert ours == go_flagged, out
    assert rc == (1 if go_flagged else 0), out
    assert (case == "clean") == (not go_flagged)


def test_verify_cache_names_the_changed_files(pristine: tuple[Path, Path], tmp_path: Path) -> None:
    project, pristine_cache = pristine
    cache = tmp_path / "modcache"
    shutil.copytree(pristine_cache, cache, symlinks=True)
    _modify_file(ModCache(cache))
    _delete_file(ModCache(cache))
    proc = run_cli("verify", "--cache", str(project), env=_env(cache))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "changed: errors.go" in proc.stdout
    assert "removed: stack.go" in proc.stdout
