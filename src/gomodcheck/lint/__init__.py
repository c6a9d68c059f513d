"""Lint CI, Docker and build configuration for settings that weaken or break module verification.

`lint_paths` discovers configuration files, parses each into facts with exact places
(``model``), runs the checks (``checks``) and returns a Report with every rule it used.
"""

from __future__ import annotations

from gomodcheck.lint.checks import LintSettings
from gomodcheck.lint.runner import lint_paths, parse_file

__all__ = ["LintSettings", "lint_paths", "parse_file"]
