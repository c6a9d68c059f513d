"""Discovery finds each kind of configuration by name and place, and skips what is not the project's."""

from __future__ import annotations

from pathlib import Path

import pytest

from gomodcheck.lint.discover import classify, discover
from gomodcheck.lint.model import Kind


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("Dockerfile", Kind.DOCKERFILE),
        ("build/Dockerfile.alpine", Kind.DOCKERFILE),
        ("images/app.Dockerfile", Kind.DOCKERFILE),
        ("Containerfile", Kind.DOCKERFILE),
        (".github/workflows/ci.yaml", Kind.GITHUB_WORKFLOW),
        (".github/actions/setup/action.yml", Kind.GITHUB_ACTION),
        (".gitlab-ci.yml", Kind.GITLAB_CI),
        ("Jenkinsfile", Kind.JENKINSFILE),
        ("ci/release.jenkinsfile", Kind.JENKINSFILE),
        ("Makefile", Kind.MAKEFILE),
        ("scripts/go.mk", Kind.MAKEFILE),
        ("hack/verify.sh", Kind.SHELL),
        (".envrc", Kind.SHELL),
        (".env", Kind.ENVFILE),
        ("deploy/build.env", Kind.ENVFILE),
        (".goreleaser.yaml", Kind.GORELEASER),
        (".devcontainer/devcontainer.json", Kind.DEVCONTAINER),
        (".dockerignore", Kind.DOCKERIGNORE),
        (".gitignore", Kind.GITIGNORE),
        ("config.yml", None),
        ("docs/workflows/ci.yml", None),
        ("main.go", None),
    ],
)
def test_kind_comes_from_name_and_place(path: str, kind: Kind | None) -> None:
    assert classify(path) is kind


def test_walk_skips_git_vendor_node_modules_testdata_and_other_hidden_folders(
    tmp_path: Path,
) -> None:
    for folder in (
        ".git",
        "vendor/x",
        "node_modules/y",
        "pkg/testdata",
        ".venv",
        ".github/workflows",
    ):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "Dockerfile").write_text("FROM golang\n", encoding="utf-8")
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text("on: push\n", encoding="utf-8")
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "release").write_text("#!/usr/bin/env bash\ngo build\n", encoding="utf-8")
    found = sorted(rel for _, rel, _ in discover(tmp_path))
    assert found == [".github/workflows/Dockerfile", ".github/workflows/ci.yml", "tools/release"]


def test_exclude_patterns_drop_folders_and_files(tmp_path: Path) -> None:
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "Dockerfile").write_text("FROM golang\n", encoding="utf-8")
    (tmp_path / "Dockerfile.dev").write_text("FROM golang\n", encoding="utf-8")
    found = [rel for _, rel, _ in discover(tmp_path, ["examples", "*.dev"])]
    assert found == []


def test_linting_the_github_folder_itself_still_finds_workflows(tmp_path: Path) -> None:
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text("on: push\n", encoding="utf-8")
    found = [(rel, kind) for _, rel, kind in discover(tmp_path / ".github")]
    assert found == [("workflows/ci.yml", Kind.GITHUB_WORKFLOW)]
