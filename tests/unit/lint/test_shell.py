"""Shell is read as shell: commands in chains, inline variables and wrappers are all seen."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gomodcheck.lint.model import TextMap
from gomodcheck.lint.shell import parse_script


def _parse(script: str, line: int = 1, column: int = 1):  # type: ignore[no-untyped-def]
    return parse_script(
        TextMap.of_lines([(t, line + i, column) for i, t in enumerate(script.split("\n"))])
    )


def test_commands_inside_and_or_pipe_and_subshell_chains_are_each_seen() -> None:
    facts = _parse("make lint && (cd sub; go mod tidy) || go build ./... | tee log")
    argvs = [c.argv for c in facts.commands]
    assert ("go", "mod", "tidy") in argvs
    assert ("go", "build", "./...") in argvs
    assert ("tee", "log") in argvs


def test_inline_assignment_applies_to_its_command_with_exact_column() -> None:
    facts = _parse("echo hi; GOFLAGS=-mod=mod go build", line=7, column=11)
    command = next(c for c in facts.commands if c.argv[:1] == ("go",))
    (setting,) = command.inline
    assert (setting.name, setting.value) == ("GOFLAGS", "-mod=mod")
    assert (setting.span.line, setting.span.column) == (7, 20)


def test_env_sudo_and_timeout_wrappers_are_unwrapped() -> None:
    facts = _parse("env -u X GOPROXY=direct go get a@v1\nsudo -E timeout 5m go test ./...")
    get = next(c for c in facts.commands if c.argv[:2] == ("go", "get"))
    assert [s.name for s in get.inline] == ["GOPROXY"]
    assert any(c.argv[:2] == ("go", "test") for c in facts.commands)


def test_export_and_go_env_w_are_settings() -> None:
    facts = _parse("export GOPRIVATE=corp.example.com/* GOFLAGS=-mod=mod\ngo env -w GOSUMDB=off")
    assert {(s.name, s.via) for s in facts.settings} == {
        ("GOPRIVATE", "export"),
        ("GOFLAGS", "export"),
        ("GOSUMDB", "go env -w"),
    }


def test_sh_c_strings_are_parsed_at_their_own_place() -> None:
    facts = _parse("sh -c 'go env -w GOSUMDB=off'")
    (setting,) = facts.settings
    assert (setting.span.line, setting.span.column) == (1, 18)


def test_heredoc_bodies_are_data_not_commands() -> None:
    facts = _parse("cat <<EOF > notes\ngo mod tidy\nEOF\ngo build")
    assert [c.argv for c in facts.commands if c.argv[0] == "go"] == [("go", "build")]


def test_constructs_bashlex_rejects_fall_back_to_the_tokenizer() -> None:
    facts = _parse('if [[ -n "$X" ]]; then GOSUMDB=off go test ./...; fi')
    command = next(c for c in facts.commands if "go" in c.argv)
    assert [s.name for s in command.inline] == ["GOSUMDB"]


def test_line_continuations_keep_each_word_on_its_own_line() -> None:
    facts = _parse("go test \\\n  -mod=mod ./...")
    (command,) = facts.commands
    flag = command.words[2]
    assert (flag.text, flag.span.line, flag.span.column) == ("-mod=mod", 2, 3)


def test_cd_is_remembered_for_the_commands_after_it() -> None:
    facts = _parse("cd build && go mod tidy\ngo vet")
    assert [c.cwd for c in facts.commands if c.argv[0] == "go"] == ["build", "build"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="go mdtiy$(){}[]'\"\\|&;<>=-\n#EOFX", max_size=80))
def test_any_text_parses_without_raising(script: str) -> None:
    facts = _parse("go " + script)
    for command in facts.commands:
        assert command.span.line >= 1
