"""Dockerfile and ignore-file rules: go.mod copied without go.sum, go.sum excluded."""

from __future__ import annotations

import re
from collections.abc import Iterator

from gomodcheck.findings import Finding
from gomodcheck.lint.checks.base import finding, go_args, subcommand
from gomodcheck.lint.ignorefile import excluding_pattern
from gomodcheck.lint.model import Command, Kind, ParsedFile
from gomodcheck.lint.project import Project


def _stage_of(f: ParsedFile, c: Command) -> int:
    # Dockerfile commands carry "stage N" (or "stage N (name)") as their context.
    match = re.match(r"stage (\d+)", c.context)
    return int(match.group(1)) if match else 0


def _names(source: str, name: str) -> bool:
    import fnmatch  # noqa: PLC0415

    src = source.rstrip("/")
    if src in (".", "./", "*", ""):
        return True
    base = src.rsplit("/", 1)[-1]
    return fnmatch.fnmatchcase(name, base)


def module_in_stage(f: ParsedFile, c: Command) -> bool:
    stage = _stage_of(f, c)
    return any(
        cp.order < c.order
        and cp.stage == stage
        and not cp.from_stage
        and any(_names(src, "go.mod") for src in cp.sources)
        for cp in f.copies
    )


def check_docker_copy(f: ParsedFile, project: Project) -> Iterator[Finding]:
    """GMC-L009: COPY go.mod without go.sum, then `go mod download`, in the same stage."""
    if f.kind is not Kind.DOCKERFILE or (project.found and not project.has_gosum):
        return
    reported: set[int] = set()
    for c in f.commands:
        args = go_args(c)
        if args is None or subcommand(args) != ("mod", "download"):
            continue
        before = [cp for cp in f.copies if cp.order <= c.order and not cp.from_stage]
        stage_copies = [cp for cp in before if cp.stage == _stage_of(f, c)]
        gomod = [cp for cp in stage_copies if any(_names(s, "go.mod") for s in cp.sources)]
        gosum = [cp for cp in stage_copies if any(_names(s, "go.sum") for s in cp.sources)]
        if gomod and not gosum and gomod[0].order not in reported:
            reported.add(gomod[0].order)
            yield finding(
                "GMC-L009",
                f,
                gomod[0].span,
                f"go.mod is copied without go.sum before `go mod download` (line {c.span.line}).",
                [" ".join(gomod[0].sources), f"line {c.span.line}: {' '.join(c.argv)}"],
                fix_commands=("COPY go.mod go.sum ./",),
            )


def builds_go_from_context(f: ParsedFile) -> bool:
    """Whether a Dockerfile takes go.mod/go.sum (or the whole context) from the build context."""
    return any(
        not cp.from_stage and any(_names(s, "go.mod") or _names(s, "go.sum") for s in cp.sources)
        for cp in f.copies
    )


def check_ignore(f: ParsedFile, project: Project, docker_builds_go: bool) -> Iterator[Finding]:
    """GMC-L010: go.sum excluded from the image context or from git."""
    if f.kind not in (Kind.DOCKERIGNORE, Kind.GITIGNORE):
        return
    pattern = excluding_pattern(f.ignores, "go.sum", gitignore=f.kind is Kind.GITIGNORE)
    if pattern is None:
        return
    explicit = "sum" in pattern.pattern
    relevant = docker_builds_go if f.kind is Kind.DOCKERIGNORE else project.found
    if explicit or relevant:
        where = "the Docker build context" if f.kind is Kind.DOCKERIGNORE else "git"
        yield finding(
            "GMC-L010",
            f,
            pattern.span,
            f"Pattern {pattern.pattern!r} excludes go.sum from {where}.",
            [pattern.pattern],
            fix_commands=("!go.sum",),
        )
