"""The bundled examples and vendoring messages, checked against the go command itself."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from gomodcheck.check.gate import CheckOptions, run_check
from gomodcheck.modgraph.sources import ModuleSources
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.oracle
EXAMPLES = REPO_ROOT / "examples"


def _go(args: list[str], cwd: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GO")}
    env.update(
        GOMODCACHE=str(cache),
        GOPROXY=f"file://{EXAMPLES / 'proxy'}",
        GOSUMDB="off",
        GOFLAGS="-modcacherw",
        GOTOOLCHAIN="local",
        GOWORK="off",
        GOPATH=str(cache.parent / "gopath"),
    )
    return subprocess.run(
        [shutil.which("go") or "go", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _ours(root: Path) -> tuple[set[str], set[str], list[str]]:
    report = run_check(root, CheckOptions(ModuleSources([EXAMPLES / "proxy"], None, root)))
    missing = {
        f"{f.properties['module']} {f.properties['version']}"
        for f in report.findings
        if f.rule_id == "CHECK001"
    }
    extra = {
        f"{f.properties['module']} {f.properties['version']}"
        for f in report.findings
        if f.rule_id == "CHECK002"
    }
    return missing, extra, [f.message for f in report.findings]


def _tidy_sets(stdout: str) -> tuple[set[str], set[str]]:
    added, removed = set(), set()
    in_sum = False
    for line in stdout.splitlines():
        if line.startswith("--- "):
            in_sum = line.endswith("go.sum")
        elif in_sum and line[:1] in ("+", "-") and not line.startswith(("+++", "---")):
            f = line[1:].split()
            (added if line[0] == "+" else removed).add(f"{f[0]} {f[1]}")
    return added, removed


@pytest.mark.parametrize("name", ["broken-project", "clean-project"])
def test_examples_findings_equal_go_mod_tidy_diff(name: str, tmp_path: Path) -> None:
    root = EXAMPLES / name
    go = _go(["mod", "tidy", "-diff"], root, tmp_path / "mc")
    added, removed = _tidy_sets(go.stdout)
    missing, extra, messages = _ours(root)
    assert (missing, extra) == (added, removed)
    assert (go.returncode == 0) == (not messages)
    if name == "broken-project":
        assert "-require github.com/pkg/errors v0.9.1 // indirect" in go.stdout
        build = _go(["build", "./..."], root, tmp_path / "mc")
        assert (
            "missing go.sum entry for module providing package github.com/google/uuid"
            in build.stderr
        )
        assert any(
            "missing go.sum entry for module providing package github.com/google/uuid" in m
            for m in messages
        )


def test_vendoring_messages_are_the_go_commands(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    shutil.copytree(EXAMPLES / "clean-project", root)
    assert _go(["mod", "vendor"], root, tmp_path / "mc").returncode == 0
    txt = root / "vendor" / "modules.txt"
    # Drift: a requirement loses its explicit mark, and go.mod gains a replace vendor/ lacks.
    txt.write_text(txt.read_text().replace("## explicit; go 1.18\n", ""))
    with (root / "go.mod").open("a") as f:
        f.write("\nreplace github.com/pkg/errors => github.com/pkg/errors v0.9.1\n")
    build = _go(["build", "./..."], root, tmp_path / "mc")
    assert "inconsistent vendoring" in build.stderr
    report = run_check(root, CheckOptions(ModuleSources([EXAMPLES / "proxy"], None, root)))
    ours = {f.message.split("\n\t", 1)[1] for f in report.findings if f.rule_id == "CHECK041"}
    go_lines = {
        ln.strip() for ln in build.stderr.splitlines() if ln.startswith("\t") and ": is " in ln
    }
    assert ours == go_lines
