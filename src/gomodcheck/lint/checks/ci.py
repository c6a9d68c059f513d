"""Pipeline-level rules: cache keys, the go.sum gate, and go.work left on in CI."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from gomodcheck.findings import Finding
from gomodcheck.lint.checks.base import all_settings, finding, go_args, literal, subcommand
from gomodcheck.lint.checks.commands import is_diff_check
from gomodcheck.lint.model import Command, Kind, ParsedFile
from gomodcheck.lint.project import Project

_GO_CACHE_PATH = re.compile(r"go-build|pkg/mod|GOMODCACHE|GOCACHE|\.cache/go|/go/pkg")


def check_caches(f: ParsedFile) -> Iterator[Finding]:
    for a in f.actions:
        uses = a.uses.split("@", 1)[0]
        if uses in ("actions/cache", "actions/cache/restore", "actions/cache/save", "gitlab:cache"):
            path = a.inputs.get("path", ("", a.span))[0]
            key, key_span = a.inputs.get("key", ("", a.span))
            if (
                _GO_CACHE_PATH.search(path)
                and key
                and "go.sum" not in key
                and "*.sum" not in key
                and literal_key(key)
            ):
                yield finding(
                    "GMC-L015",
                    f,
                    key_span,
                    "This Go cache's key does not hash go.sum.",
                    [f"key: {key}", f"path: {path.strip()}"],
                    fix_commands=("key: ${{ runner.os }}-go-${{ hashFiles('**/go.sum') }}",),
                )
        elif uses == "actions/setup-go" and "cache-dependency-path" in a.inputs:
            value, span = a.inputs["cache-dependency-path"]
            if value.strip() and ".sum" not in value and literal(value):
                yield finding(
                    "GMC-L015",
                    f,
                    span,
                    "setup-go's cache-dependency-path leaves out go.sum.",
                    [f"cache-dependency-path: {value.strip()}"],
                    fix_commands=("cache-dependency-path: '**/go.sum'",),
                )


def literal_key(key: str) -> bool:
    # A key built only from an expression we cannot see into (a step output) is not judged.
    stripped = re.sub(r"\$\{\{[^}]*\}\}", "", key).strip("-_ ")
    return bool(stripped) or "hashFiles" in key


def is_gate(c: Command) -> bool:
    args = go_args(c)
    if args is not None and subcommand(args) in (("mod", "verify"),):
        return True
    return is_diff_check(c)


def first_go_build(f: ParsedFile) -> Command | None:
    for c in f.commands:
        args = go_args(c)
        if args is not None and subcommand(args)[:1] in (
            ("build",),
            ("test",),
            ("vet",),
            ("install",),
        ):
            return c
    return None


_TASK_RUNNERS = frozenset({"task", "just", "mage", "earthly", "dagger", "bazel", "bazelisk", "nix"})


def _runner(c: Command) -> str:
    """The program a command runs; `go run build/ci.go` style build drivers count as `task`."""
    args = go_args(c)
    if args is not None and subcommand(args) == ("run",):
        target = next((a for a in args[1:] if not a.startswith("-")), "")
        if target.endswith(("build.go", "ci.go", "mage.go", "make.go")):
            return "task"
    return c.argv[0].rsplit("/", 1)[-1]


def check_ci_gate(files: Sequence[ParsedFile], project: Project) -> Iterator[Finding]:
    """GMC-L012 and GMC-L016 for one Go project, given all its files (CI, Makefiles, scripts)."""
    ci_files = [f for f in files if f.kind.is_ci]
    building = [(f, c) for f in ci_files if (c := first_go_build(f)) is not None]
    if not project.found or not building:
        return
    # A gate in a Makefile target or script counts: CI usually reaches it through `make verify`.
    gate_kinds = (Kind.MAKEFILE, Kind.SHELL, *[f.kind for f in ci_files])
    gated = any(is_gate(c) for f in files if f.kind in gate_kinds for c in f.commands) or any(
        "gomodcheck" in a.uses for f in ci_files for a in f.actions
    )
    # A task runner we do not read (or make without a Makefile we found) may hold the gate.
    runners = {_runner(c) for f in ci_files for c in f.commands if c.words}
    has_makefile = any(f.kind is Kind.MAKEFILE for f in files)
    if runners & _TASK_RUNNERS or ("make" in runners and not has_makefile):
        gated = True
    if not gated:
        f, c = building[0]
        yield finding(
            "GMC-L012",
            f,
            c.span,
            "CI builds this Go project but never checks go.mod/go.sum "
            "(no `go mod verify`, `go mod tidy -diff` or `gomodcheck check`).",
            [" ".join(c.argv)],
            fix_commands=("go mod tidy -diff", "go mod verify"),
        )
    if project.has_gowork:
        for f, c in building:
            if not any(s.name == "GOWORK" for s in all_settings(f)):
                yield finding(
                    "GMC-L016",
                    f,
                    c.span,
                    "go.work is committed and CI leaves it on: "
                    "per-module go.sum gaps are hidden by the workspace.",
                    [" ".join(c.argv), "go.work present"],
                    fix_commands=("GOWORK=off go test ./...",),
                )
