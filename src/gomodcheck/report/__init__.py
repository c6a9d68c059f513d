"""Renderers that turn a Report into text, json, sarif, github, junit or markdown."""

from __future__ import annotations

import importlib
from typing import TextIO

from gomodcheck.findings import Report

_RENDERERS = {
    "text": "gomodcheck.report.text",
    "json": "gomodcheck.report.json_report",
    "sarif": "gomodcheck.report.sarif",
    "github": "gomodcheck.report.github",
    "junit": "gomodcheck.report.junit",
    "markdown": "gomodcheck.report.markdown",
}


def render(report: Report, output_format: str, stream: TextIO) -> None:
    """Write the report to stream in the named format."""
    module = importlib.import_module(_RENDERERS[output_format])
    module.render(report, stream)
