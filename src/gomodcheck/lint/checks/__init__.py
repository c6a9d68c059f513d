"""The checks behind each lint rule, over parsed files; each yields Findings and does no I/O."""

from __future__ import annotations

from gomodcheck.lint.checks.base import LintSettings, finding, go_args
from gomodcheck.lint.checks.ci import check_caches, check_ci_gate
from gomodcheck.lint.checks.commands import check_commands, check_rewrites
from gomodcheck.lint.checks.docker import builds_go_from_context, check_docker_copy, check_ignore
from gomodcheck.lint.checks.toolchain import check_toolchain
from gomodcheck.lint.checks.variables import check_variables

__all__ = [
    "LintSettings",
    "builds_go_from_context",
    "check_caches",
    "check_ci_gate",
    "check_commands",
    "check_docker_copy",
    "check_ignore",
    "check_rewrites",
    "check_toolchain",
    "check_variables",
    "finding",
    "go_args",
]
