"""Which files under a directory are CI, Docker or build configuration, and of which kind.

Walks the tree without entering .git, vendor/, node_modules/, testdata/ or other hidden folders
(except the ones CI lives in), and names each file's kind from its name and place.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator, Sequence
from pathlib import Path, PurePosixPath

from gomodcheck.lint.model import Kind

_SKIP_DIRS = frozenset({".git", "vendor", "node_modules", "testdata", "__pycache__"})
_HIDDEN_OK = frozenset(
    {".github", ".gitlab", ".devcontainer", ".circleci", ".buildkite", ".ci", ".woodpecker"}
)
_SHEBANGS = (
    b"#!/bin/sh",
    b"#!/bin/bash",
    b"#!/usr/bin/env bash",
    b"#!/usr/bin/env sh",
    b"#!/bin/dash",
)


def classify(relpath: str) -> Kind | None:
    """The kind of configuration a path holds, from its name alone; None if not one we read."""
    path = PurePosixPath(relpath)
    name = path.name
    lower = name.lower()
    parts = path.parts
    if (
        lower in ("dockerfile", "containerfile")
        or lower.startswith(("dockerfile.", "containerfile."))
        or lower.endswith((".dockerfile", ".containerfile"))
    ):
        return Kind.DOCKERFILE
    if lower == ".dockerignore" or lower.endswith(".dockerignore"):
        return Kind.DOCKERIGNORE
    if lower == ".gitignore":
        return Kind.GITIGNORE
    is_yaml = lower.endswith((".yml", ".yaml"))
    if is_yaml and len(parts) >= 3 and parts[-3:-1] == (".github", "workflows"):
        return Kind.GITHUB_WORKFLOW
    if lower in ("action.yml", "action.yaml"):
        return Kind.GITHUB_ACTION
    if lower in (".gitlab-ci.yml", ".gitlab-ci.yaml") or (
        is_yaml and ".gitlab" in parts[:-1] and "ci" in lower
    ):
        return Kind.GITLAB_CI
    if is_yaml and lower.lstrip(".").startswith("goreleaser"):
        return Kind.GORELEASER
    if lower.startswith("jenkinsfile") or lower.endswith(".jenkinsfile"):
        return Kind.JENKINSFILE
    if lower in ("makefile", "gnumakefile") or lower.endswith((".mk", ".mak")):
        return Kind.MAKEFILE
    if lower.endswith((".sh", ".bash")) or lower == ".envrc":
        return Kind.SHELL
    if lower == ".env" or lower.startswith(".env.") or (lower.endswith(".env") and len(lower) > 4):
        return Kind.ENVFILE
    if lower in ("devcontainer.json", ".devcontainer.json"):
        return Kind.DEVCONTAINER
    return None


def _has_shebang(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(24).startswith(_SHEBANGS)
    except OSError:
        return False


def discover(root: Path, exclude: Sequence[str] = ()) -> Iterator[tuple[Path, str, Kind]]:
    """(absolute path, path relative to root, kind) of every configuration file, sorted."""
    for folder, dirs, files in os.walk(root):
        rel_folder = os.path.relpath(folder, root)
        dirs[:] = sorted(
            d
            for d in dirs
            if d not in _SKIP_DIRS
            and (not d.startswith(".") or d in _HIDDEN_OK)
            and not _excluded(_join(rel_folder, d), exclude)
        )
        for name in sorted(files):
            rel = _join(rel_folder, name)
            if _excluded(rel, exclude):
                continue
            full = Path(folder) / name
            # `gomodcheck lint .github` must still see workflows: judge by the real path's tail.
            kind = classify(rel) or classify("/".join(full.resolve().parts[-3:]))
            if kind is None and "." not in name and _has_shebang(full):
                kind = Kind.SHELL
            if kind is not None:
                yield full, rel, kind


def _join(folder: str, name: str) -> str:
    return name if folder in (".", "") else f"{folder}/{name}".replace(os.sep, "/")


def _excluded(rel: str, patterns: Sequence[str]) -> bool:
    return any(
        fnmatch.fnmatchcase(rel, p) or rel == p.rstrip("/") or rel.startswith(p.rstrip("/") + "/")
        for p in patterns
    )
