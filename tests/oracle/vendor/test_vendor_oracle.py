"""A modules.txt written by `go mod vendor` parses without problems, and for every package a
-mod=vendor build loads, we name the same module the go command names."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from gomodcheck.module import ModuleVersion
from gomodcheck.vendor import parse_modules_txt

pytestmark = pytest.mark.oracle

VENDMOD = Path(__file__).resolve().parents[2] / "assets" / "vendor" / "vendmod"


def _go(go_bin: str, cwd: Path, cache: Path, mode: str, *args: str) -> str:
    env = {**os.environ, "GOMODCACHE": str(cache), "GOFLAGS": f"-mod={mode}", "GOWORK": "off",
           "GOTOOLCHAIN": "local"}
    proc = subprocess.run([go_bin, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600, check=False)
    assert proc.returncode == 0, f"go {' '.join(args)} failed (needs the module proxy):\n{proc.stderr}"
    return proc.stdout


def test_go_mod_vendor_output_maps_packages_to_the_modules_go_uses(
    go_bin: str, shared_gomodcache: Path, tmp_path: Path
) -> None:
    moddir = tmp_path / "vendmod"
    shutil.copytree(VENDMOD, moddir)
    _go(go_bin, moddir, shared_gomodcache, "mod", "mod", "vendor")
    vendor = parse_modules_txt((moddir / "vendor" / "modules.txt").read_bytes())
    assert vendor.problems == ()
    local = vendor.module("example.com/local", "v0.0.0")
    assert local is not None
    assert (local.replacement, local.explicit, local.go_version) == (
        ModuleVersion("./local", ""), True, "1.21")
    unused = vendor.module("example.com/unused")
    assert unused is not None
    assert unused.replacement == ModuleVersion("./unused", "")

    out = _go(go_bin, moddir, shared_gomodcache, "vendor", "list", "-deps", "-f",
              "{{if .Module}}{{.ImportPath}} {{.Module.Path}} {{.Module.Version}}{{end}}", "./...")
    theirs = {}
    for line in out.splitlines():
        pkg, path, *version = line.split(" ")
        if path != "example.com/vendmod":  # the main module is not vendored
            theirs[pkg] = ModuleVersion(path, version[0] if version else "")
    assert len(theirs) >= 4
    ours = {pkg: vendor.package_module(pkg) for pkg in theirs}
    print(f"vendor oracle: {sum(ours[p] == theirs[p] for p in theirs)} of {len(theirs)} agree")
    assert ours == theirs
    assert set(vendor.build_list) == set(theirs.values())
