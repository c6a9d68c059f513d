"""Each parser keeps exact lines and columns for the places a finding can point at."""

from __future__ import annotations

import pytest

from gomodcheck.errors import ParseError
from gomodcheck.lint import parse_file
from gomodcheck.lint.ignorefile import excluding_pattern
from gomodcheck.lint.model import Kind


def _where(text: str, line: int, column: int) -> str:
    return text.split("\n")[line - 1][column - 1 :]


def test_dockerfile_continuations_comments_and_escape_directive() -> None:
    text = "# escape=`\nFROM golang:1.23\nRUN go build `\n# a comment inside\n    -mod=mod ./...\n"
    parsed = parse_file(text, "Dockerfile", Kind.DOCKERFILE)
    (command,) = parsed.commands
    flag = command.words[2]
    assert flag.text == "-mod=mod"
    assert _where(text, flag.span.line, flag.span.column).startswith("-mod=mod")


def test_dockerfile_env_both_syntaxes_and_arg_defaults() -> None:
    text = 'FROM golang:1.23\nENV GOFLAGS -mod=mod -v\nENV A=1 GOPROXY="direct"\nARG GOSUMDB=off\n'
    parsed = parse_file(text, "Dockerfile", Kind.DOCKERFILE)
    found = {(s.name, s.value, s.span.line, s.span.column) for s in parsed.settings}
    assert ("GOFLAGS", "-mod=mod -v", 2, 5) in found
    assert ("GOPROXY", "direct", 3, 9) in found
    assert ("GOSUMDB", "off", 4, 5) in found


def test_dockerfile_heredoc_run_is_the_script_with_its_lines() -> None:
    text = "FROM golang:1.23\nRUN <<EOF\nset -e\n  go mod tidy\nEOF\nRUN echo done\n"
    parsed = parse_file(text, "Dockerfile", Kind.DOCKERFILE)
    tidy = next(c for c in parsed.commands if c.argv[:3] == ("go", "mod", "tidy"))
    assert (tidy.span.line, tidy.span.column) == (4, 3)


def test_dockerfile_stages_copies_and_from_arg_substitution() -> None:
    text = "ARG V=1.22\nFROM golang:${V} AS b\nCOPY go.mod ./\nFROM alpine\nCOPY --from=b /x /x\n"
    parsed = parse_file(text, "Dockerfile", Kind.DOCKERFILE)
    assert [(p.version, p.span.line, p.span.column) for p in parsed.pins] == [("1.22", 2, 6)]
    assert [(c.sources, c.stage, c.from_stage) for c in parsed.copies] == [
        (("go.mod",), 0, False),
        (("/x",), 1, True),
    ]


def test_workflow_literal_and_folded_run_blocks_map_to_file_lines() -> None:
    text = (
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: |\n          echo 1\n"
        "          go mod tidy\n      - run: >-\n          go build\n          -mod=mod ./...\n"
    )
    parsed = parse_file(text, ".github/workflows/ci.yml", Kind.GITHUB_WORKFLOW)
    tidy = next(c for c in parsed.commands if c.argv[:2] == ("go", "mod"))
    assert (tidy.span.line, tidy.span.column) == (8, 11)
    build = next(c for c in parsed.commands if c.argv[:2] == ("go", "build"))
    flag = build.words[2]
    assert (flag.text, flag.span.line, flag.span.column) == ("-mod=mod", 11, 11)


def test_workflow_env_at_every_level_and_setup_go_inputs() -> None:
    text = (
        "on: push\nenv:\n  A: 1\njobs:\n  j:\n    env:\n      B: 2\n    steps:\n"
        "      - env:\n          C: 3\n        uses: actions/setup-go@v5\n        with:\n"
        "          go-version: '1.22'\n          cache-dependency-path: go.sum\n"
    )
    parsed = parse_file(text, ".github/workflows/ci.yml", Kind.GITHUB_WORKFLOW)
    assert [(s.name, s.context, s.span.line) for s in parsed.settings] == [
        ("A", "", 3),
        ("B", "j", 7),
        ("C", "j", 10),
    ]
    (pin,) = parsed.pins
    assert (pin.version, pin.span.line, pin.span.column) == ("1.22", 13, 23)


def test_gitlab_variables_scripts_and_local_includes() -> None:
    text = "include:\n  - local: ci/go.yml\nvariables:\n  GOFLAGS: -mod=mod\njob:\n  script:\n    - go build\n"
    parsed = parse_file(text, ".gitlab-ci.yml", Kind.GITLAB_CI)
    assert parsed.includes == ["ci/go.yml"]
    assert [(s.name, s.span.line) for s in parsed.settings] == [("GOFLAGS", 4)]
    assert [(c.argv, c.span.line, c.span.column) for c in parsed.commands] == [
        (("go", "build"), 7, 7)
    ]


def test_jenkinsfile_environment_and_triple_quoted_sh_steps() -> None:
    text = (
        "pipeline {\n  environment {\n    GOSUMDB = 'off'\n  }\n  stages { stage('x') { steps {\n"
        '    sh """\n      export GOFLAGS=-mod=mod\n      go build\n    """\n'
        "    sh(script: 'go test ./...', returnStatus: true)\n  } } }\n}\n"
    )
    parsed = parse_file(text, "Jenkinsfile", Kind.JENKINSFILE)
    assert {(s.name, s.span.line, s.span.column) for s in parsed.settings} == {
        ("GOSUMDB", 3, 5),
        ("GOFLAGS", 7, 14),
    }
    assert [(c.argv[:2], c.span.line) for c in parsed.commands] == [
        (("go", "build"), 8),
        (("go", "test"), 10),
    ]


def test_makefile_recipes_assignments_and_double_dollar() -> None:
    text = "GOFLAGS ?= -mod=mod\nexport GOPROXY := direct\nbuild: export X = 1\nbuild:\n\t@echo $$HOME && go build\n"
    parsed = parse_file(text, "Makefile", Kind.MAKEFILE)
    assert [(s.name, s.via, s.context) for s in parsed.settings] == [
        ("GOFLAGS", "make", ""),
        ("GOPROXY", "export", ""),
        ("X", "export", "build"),
    ]
    go = next(c for c in parsed.commands if c.argv[0] == "go")
    assert (go.span.line, go.span.column, go.context) == (5, 18, "build")


def test_devcontainer_jsonc_env_and_commands() -> None:
    text = '{\n  // c\n  "remoteEnv": {"GOSUMDB": "off"},\n  "postCreateCommand": ["go", "mod", "tidy"],\n}\n'
    parsed = parse_file(text, ".devcontainer/devcontainer.json", Kind.DEVCONTAINER)
    assert [(s.name, s.span.line, s.span.column) for s in parsed.settings] == [("GOSUMDB", 3, 17)]
    assert parsed.commands[0].argv == ("go", "mod", "tidy")


def test_malformed_yaml_is_a_parse_error_with_a_line() -> None:
    with pytest.raises(ParseError) as info:
        parse_file("a: [\n", ".github/workflows/x.yml", Kind.GITHUB_WORKFLOW)
    assert info.value.problems[0].line >= 1


@pytest.mark.parametrize(
    ("patterns", "gitignore", "excluded"),
    [
        (["*", "!go.mod"], False, "*"),
        (["*", "!go.sum"], False, None),
        (["**/*.sum"], False, "**/*.sum"),
        (["/go.sum"], True, "/go.sum"),
        (["sub/go.sum"], True, None),
        (["*.sum", "!go.sum"], True, None),
        (["go.sum/"], True, None),
    ],
)
def test_ignore_files_follow_last_match_wins(
    patterns: list[str], gitignore: bool, excluded: str | None
) -> None:
    kind = Kind.GITIGNORE if gitignore else Kind.DOCKERIGNORE
    parsed = parse_file("\n".join(patterns), ".gitignore" if gitignore else ".dockerignore", kind)
    found = excluding_pattern(parsed.ignores, "go.sum", gitignore=gitignore)
    assert (found.pattern if found else None) == excluded
