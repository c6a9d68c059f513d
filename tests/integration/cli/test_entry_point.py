"""The CLI's outer contract: version, help, and one exit code per kind of outcome, no tracebacks."""

from __future__ import annotations

import sys
import types

import click
import pytest

from gomodcheck import __version__, cli
from gomodcheck.errors import FetchError, ParseError, SecurityError
from tests.conftest import run_cli


def test_version_prints_the_package_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert __version__ in result.stdout


def test_help_lists_every_command_of_the_interface_contract() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for name in ("parse", "hash", "verify", "check", "diagnose", "lint", "graph", "sumdb"):
        assert f"  {name} " in result.stdout


def test_unknown_command_is_a_usage_error_with_exit_2() -> None:
    result = run_cli("no-such-command")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def _install_fake_command(monkeypatch: pytest.MonkeyPatch, exc: BaseException) -> None:
    @click.command()
    def command() -> None:
        raise exc

    module = types.ModuleType("gomodcheck_fake_command")
    module.command = command  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "gomodcheck_fake_command", module)
    monkeypatch.setitem(cli.COMMANDS, "fake", ("gomodcheck_fake_command", "test only"))


@pytest.mark.parametrize(
    ("exc", "code", "text"),
    [
        (ParseError.at("go.mod", 3, 1, "unknown directive: requir"), 2, "go.mod:3: unknown directive: requir"),
        (ParseError.at("go.mod", 3, 7, "bad"), 2, "go.mod:3:7: bad"),
        (SecurityError("tree forked", ["old: a", "new: b"]), 1, "SECURITY ERROR\ntree forked\nold: a"),
        (FetchError("reading https://proxy.example/x: timeout"), 3, "timeout"),
        (RuntimeError("boom"), 3, "internal error: RuntimeError: boom"),
    ],
)
def test_each_error_class_maps_to_its_exit_code_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    exc: BaseException,
    code: int,
    text: str,
) -> None:
    monkeypatch.delenv("GOMODCHECK_DEBUG", raising=False)
    _install_fake_command(monkeypatch, exc)
    with pytest.raises(SystemExit) as exited:
        cli.main(["fake"])
    assert exited.value.code == code
    err = capsys.readouterr().err
    assert text in err
    assert "Traceback" not in err
