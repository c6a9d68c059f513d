"""Options and helpers shared by the commands that report findings."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from gomodcheck.findings import Report, Severity

FORMATS = ("text", "json", "sarif", "github", "junit", "markdown")
F = TypeVar("F", bound=Callable[..., Any])


def format_option(func: F) -> F:
    """--format for every command that reports findings; text on a terminal, else text too."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(FORMATS),
        default="text",
        show_default=True,
        envvar="GOMODCHECK_FORMAT",
        help="Report format. Reports go to stdout; progress and logs go to stderr.",
    )(func)


def fail_on_option(func: F) -> F:
    return click.option(
        "--fail-on",
        type=click.Choice([s.value for s in Severity]),
        default="warning",
        show_default=True,
        help="Lowest severity that makes the exit code 1.",
    )(func)


def emit(report: Report, output_format: str, fail_on: str = "warning") -> int:
    """Render the report to stdout and return the exit code the findings call for."""
    from gomodcheck.report import render  # noqa: PLC0415 - renderers load rich lazily

    render(report, output_format, sys.stdout)
    return report.exit_code(Severity(fail_on))
