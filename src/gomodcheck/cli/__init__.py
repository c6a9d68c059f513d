"""The command line: argument parsing, wiring and exit codes, and nothing else.

Subcommands live one per module under ``gomodcheck.cli.commands`` and are imported only when
invoked, so `gomodcheck --version` stays fast.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from gomodcheck import __version__
from gomodcheck.errors import EXIT_INCOMPLETE, EXIT_USAGE, GomodcheckError

# name -> "module:attribute" of a click.Command; one line per command keeps start-up lazy.
COMMANDS: dict[str, tuple[str, str]] = {
    "parse": (
        "gomodcheck.cli.commands.parse",
        "Parse a go.mod, go.work, go.sum, go.work.sum or vendor/modules.txt and print JSON.",
    ),
    "hash": (
        "gomodcheck.cli.commands.hash",
        "Print the h1: hash of a module zip, directory or go.mod file.",
    ),
    "verify": (
        "gomodcheck.cli.commands.verify",
        "Verify go.sum against the module cache and the checksum database.",
    ),
    "check": (
        "gomodcheck.cli.commands.check",
        "Offline CI gate: go.mod, go.sum, vendor/ and go.work consistency.",
    ),
    "graph": (
        "gomodcheck.cli.commands.graph",
        "Print the module graph with each module's trust status.",
    ),
    "diagnose": (
        "gomodcheck.cli.commands.diagnose",
        "Explain a failing CI log: cause, evidence and the fix.",
    ),
    "lint": (
        "gomodcheck.cli.commands.lint",
        "Find CI, Docker and build settings that weaken module verification.",
    ),
    "sumdb": (
        "gomodcheck.cli.commands.sumdb",
        "Run and manage a checksum database, and verify signed notes.",
    ),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module = importlib.import_module(entry[0])
        command = getattr(module, "command", None)
        if not isinstance(command, click.Command):
            raise RuntimeError(f"{entry[0]} has no click command named 'command'")
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Help lists the short texts above without importing every command module.
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="gomodcheck")
def cli() -> None:
    """gomodcheck guards the integrity of Go modules in CI/CD.

    Exit codes: 0 clean, 1 findings, 2 usage error or malformed input, 3 could not complete.
    """


def main(argv: list[str] | None = None) -> None:
    """Entry point: runs the CLI and turns every outcome into one exit code."""
    try:
        result: Any = cli.main(args=argv, prog_name="gomodcheck", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("gomodcheck: interrupted", err=True)
        sys.exit(EXIT_INCOMPLETE)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_USAGE if exc.exit_code in (1, 2) else exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except GomodcheckError as exc:
        click.echo(_prefix(exc.diagnostics()), err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("gomodcheck: interrupted", err=True)
        sys.exit(EXIT_INCOMPLETE)
    except BrokenPipeError:
        # The reader went away (| head); exit quietly like other Unix tools.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
    except Exception as exc:  # last resort: a bug must not print a traceback
        if os.environ.get("GOMODCHECK_DEBUG"):
            raise
        click.echo(
            f"gomodcheck: internal error: {type(exc).__name__}: {exc}\n"
            "(set GOMODCHECK_DEBUG=1 to see the traceback, and please report it)",
            err=True,
        )
        sys.exit(EXIT_INCOMPLETE)
    sys.exit(result if isinstance(result, int) else 0)


def _prefix(text: str) -> str:
    first = text.split("\n", 1)[0]
    if text.startswith(("gomodcheck:", "SECURITY")) or ":" in first:
        return text
    return f"gomodcheck: {text}"
