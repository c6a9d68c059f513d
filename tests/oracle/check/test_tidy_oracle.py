"""`gomodcheck check` against `go mod tidy -diff` on real projects and mutations of them.

For each project (a module zip from the proxy, its nested local replacements filled in) and each
mutation, the verdicts must match (clean versus failing), and where the go command prints a
go.sum diff, our missing and extraneous go.sum lines must equal its + and - lines exactly.
Set GOMODCHECK_ORACLE_LARGE=1 to add the large projects (hugo, prometheus, ...), which need
gigabytes of module cache.
"""

from __future__ import annotations

import json
import os
import shutil
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest

from gomodcheck.check.gate import CheckOptions, run_check
from gomodcheck.errors import GomodcheckError
from gomodcheck.findings import Severity
from tests.oracle.check.harness import GOMODCACHE, fetch_project, sources_for, tidy_diff
from tests.oracle.check.mutations import EXTRA_FILE, Mutation, generate

pytestmark = pytest.mark.oracle

# Small and medium projects, each with dependencies to mutate; a cold module cache fills in
# about two minutes with two workers.
PROJECTS = [
    "github.com/spf13/cobra@v1.8.0",  # go 1.15: unpruned graph
    "github.com/sirupsen/logrus@v1.9.3",  # go 1.13
    "github.com/stretchr/testify@v1.9.0",  # go 1.17: tidy keeps go 1.16 compatibility
    "github.com/hashicorp/hcl/v2@v2.21.0",
    "github.com/go-sql-driver/mysql@v1.8.1",
    "github.com/urfave/cli/v2@v2.27.4",
    "golang.org/x/mod@v0.20.0",
    "golang.org/x/net@v0.28.0",
    "golang.org/x/crypto@v0.26.0",
    "golang.org/x/oauth2@v0.22.0",
    "golang.org/x/tools@v0.24.0",
    "github.com/fatih/color@v1.17.0",
    "github.com/spf13/afero@v1.11.0",
    "google.golang.org/grpc@v1.65.0",
    "github.com/golang/protobuf@v1.5.4",
    "github.com/fsnotify/fsnotify@v1.7.0",
    "go.uber.org/zap@v1.27.0",
    "github.com/prometheus/common@v0.55.0",
    "github.com/prometheus/client_golang@v1.20.0",
    "github.com/labstack/echo/v4@v4.12.0",
    "github.com/gin-gonic/gin@v1.10.0",
    "github.com/spf13/viper@v1.19.0",
]
LARGE = [
    "github.com/gohugoio/hugo@v0.130.0",
    "github.com/prometheus/prometheus@v0.54.0",
    "github.com/cli/cli/v2@v2.55.0",
    "github.com/containerd/containerd@v1.7.20",
    "github.com/caddyserver/caddy/v2@v2.8.4",
    "github.com/cockroachdb/pebble@v1.1.1",
]
MUTATIONS_PER_PROJECT = 15
# Beside the module cache, so a fresh TESTS_GOMODCACHE (a cold CI run) starts from scratch.
WORK = GOMODCACHE.parent / "check-oracle"


def _projects() -> list[str]:
    return PROJECTS + (LARGE if os.environ.get("GOMODCHECK_ORACLE_LARGE") else [])


@dataclass
class Ours:
    failing: bool
    missing: set[str]
    extra: set[str]
    gomod_findings: bool
    unresolved: bool
    error: str = ""


def _ours(root: Path) -> Ours:
    try:
        report = run_check(root, CheckOptions(sources_for(root)))
    except GomodcheckError as exc:
        return Ours(True, set(), set(), False, False, exc.diagnostics())
    # The rules `go mod tidy -diff` decides; retractions and policy are outside its verdict.
    tidy_rules = {"CHECK001", "CHECK002", "CHECK003", "CHECK010", "CHECK011", "CHECK020"}
    found = [f for f in report.findings if f.severity != Severity.NOTE and f.rule_id in tidy_rules]
    missing = {
        f"{f.properties['module']} {f.properties['version']}"
        for f in found
        if f.rule_id == "CHECK001"
    }
    extra = {
        f"{f.properties['module']} {f.properties['version']}"
        for f in found
        if f.rule_id == "CHECK002"
    }
    gomod = any(f.rule_id in ("CHECK010", "CHECK011") for f in found)
    unresolved = any(f.rule_id == "CHECK010" for f in found)
    return Ours(bool(found), missing, extra, gomod, unresolved)


def _compare(root: Path, m: Mutation | None) -> str:
    """ "" when gomodcheck agrees with the go command, else why not."""
    go = tidy_diff(root)
    ours = _ours(root)
    go_failing = go.returncode != 0
    if go_failing != ours.failing:
        return (
            f"verdict: go {'fails' if go_failing else 'passes'} (stderr: {go.stderr.strip()[-300:]}), "
            f"gomodcheck {'fails' if ours.failing else 'passes'} {ours.error[-300:]}"
        )
    has_diff = bool(go.added or go.removed or go.gomod_changed)
    if not has_diff:
        return ""
    if go.gomod_changed != ours.gomod_findings:
        return f"go.mod verdict: go changed={go.gomod_changed}, gomodcheck={ours.gomod_findings}"
    sets_comparable = (m is None or m.compare_sets) and not ours.unresolved
    if sets_comparable and (go.added != ours.missing or go.removed != ours.extra):
        return (
            f"go.sum sets: go+ {sorted(go.added ^ ours.missing)[:5]} differ; "
            f"go- {sorted(go.removed ^ ours.extra)[:5]} differ"
        )
    return ""


@pytest.fixture(scope="module")
def workdir() -> Path:
    WORK.mkdir(parents=True, exist_ok=True)
    return WORK


@pytest.mark.parametrize("modver", _projects())
def test_check_agrees_with_go_mod_tidy_diff_on_a_real_project_and_its_mutations(
    modver: str, workdir: Path
) -> None:
    root = workdir / modver.replace("/", "_")
    marker = root / ".gomodcheck-fetched"
    if not marker.exists():
        fetch_project(modver, root)
        marker.write_text(modver)
    saved = {n: (root / n).read_bytes() for n in ("go.mod", "go.sum") if (root / n).exists()}
    results: list[tuple[str, str]] = []
    try:
        results.append(("base", _compare(root, None)))
        for m in generate(
            root, GOMODCACHE, seed=zlib.crc32(modver.encode()), count=MUTATIONS_PER_PROJECT
        ):
            if m.gomod is not None:
                (root / "go.mod").write_bytes(m.gomod)
            if m.gosum is not None:
                (root / "go.sum").write_bytes(m.gosum)
            if m.extra_go is not None:
                (root / EXTRA_FILE).write_text(m.extra_go)
            try:
                results.append((m.name, _compare(root, m)))
            finally:
                for n, data in saved.items():
                    (root / n).write_bytes(data)
                (root / EXTRA_FILE).unlink(missing_ok=True)
    finally:
        for n, data in saved.items():
            (root / n).write_bytes(data)
        shutil.rmtree(root / "gomodcheck-missing-dir", ignore_errors=True)
    (workdir / f"{root.name}.json").write_text(json.dumps(results, indent=1))
    disagreements = [f"{name}: {why}" for name, why in results if why]
    assert not disagreements, f"{len(disagreements)} of {len(results)} disagree:\n" + "\n".join(
        disagreements
    )
