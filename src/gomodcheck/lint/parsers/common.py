"""Small helpers the config parsers share: Go version literals and golang image tags."""

from __future__ import annotations

import re

_VERSION = re.compile(r"^v?(?:go)?(1\.\d+(?:\.\d+)?)(?:\.x)?$")
_IMAGE = re.compile(r"^(?:[\w.\-]+(?::\d+)?/)*(?:library/)?golang:(1\.\d+(?:\.\d+)?)(?:[-@].*)?$")


def literal_go_version(value: str) -> str:
    """'1.22', '1.22.3', '1.22.x', 'go1.22' -> the version; '' for 'stable', ranges, expressions."""
    return m.group(1) if (m := _VERSION.match(value.strip().strip("'\""))) else ""


def golang_image_version(image: str) -> str:
    """The Go version an official golang image tag names: golang:1.22-alpine -> 1.22."""
    return m.group(1) if (m := _IMAGE.match(image.strip())) else ""
