"""Odd or hostile input never crashes a parser: it parses, or it is a ParseError with a place."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gomodcheck.errors import ParseError
from gomodcheck.lint import lint_paths, parse_file
from gomodcheck.lint.model import Kind

_PATHS = {
    Kind.DOCKERFILE: "Dockerfile",
    Kind.GITHUB_WORKFLOW: ".github/workflows/ci.yml",
    Kind.GITLAB_CI: ".gitlab-ci.yml",
    Kind.JENKINSFILE: "Jenkinsfile",
    Kind.MAKEFILE: "Makefile",
    Kind.SHELL: "build.sh",
    Kind.ENVFILE: ".env",
    Kind.GORELEASER: ".goreleaser.yaml",
    Kind.DEVCONTAINER: "devcontainer.json",
    Kind.DOCKERIGNORE: ".dockerignore",
}
_PIECES = st.sampled_from(
    [
        "RUN ",
        "ENV ",
        "FROM golang:1.2",
        "COPY go.mod ./",
        "<<EOF",
        "EOF",
        "\\\n",
        "\n",
        "  ",
        "run: |",
        "- ",
        "env:",
        "GOSUMDB=off",
        "go mod tidy",
        "'",
        '"',
        "'''",
        '"""',
        "sh ",
        "environment {",
        "}",
        "{",
        "[",
        "]",
        ":",
        "\t",
        "$$",
        "$(GO)",
        "#",
        "// ",
        "`",
        "&&",
        "script:",
        "jobs:",
        "steps:",
        "export ",
        "= ",
        "${{ x }}",
    ]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(sorted(_PATHS, key=str)), pieces=st.lists(_PIECES, max_size=30))
def test_parsers_never_raise_anything_but_parse_error(kind: Kind, pieces: list[str]) -> None:
    text = "".join(pieces)
    try:
        parsed = parse_file(text, _PATHS[kind], kind)
    except ParseError as exc:
        assert exc.problems and exc.problems[0].file == _PATHS[kind]
        return
    lines = text.split("\n")
    for command in parsed.commands:
        assert 1 <= command.span.line <= len(lines)
    for setting in parsed.settings:
        assert 1 <= setting.span.line <= len(lines)


def test_an_unreadable_file_is_reported_and_the_rest_still_linted(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").symlink_to(tmp_path / "missing")
    (tmp_path / "build.sh").write_text("export GOSUMDB=off\n", encoding="utf-8")
    report = lint_paths([tmp_path])
    assert [(f.rule_id, f.location.file if f.location else "") for f in report.findings] == [
        ("GMC-L000", "Dockerfile"),
        ("GMC-L001", "build.sh"),
    ]
