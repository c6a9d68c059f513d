"""gomodcheck.toml: found by walking up from the project to the repository root.

Each feature reads its own table ([check], [lint], [verify], [sumdb]); this module only finds and
loads the file and gives a clear error for a malformed one.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gomodcheck.errors import ParseError

CONFIG_NAME = "gomodcheck.toml"


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    data: Mapping[str, Any] = field(default_factory=dict)

    def section(self, name: str) -> Mapping[str, Any]:
        value = self.data.get(name, {})
        return value if isinstance(value, Mapping) else {}


def find_config(start: Path) -> Path | None:
    """The nearest gomodcheck.toml at or above start, stopping at a repository root."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
        if (folder / ".git").exists():
            return None
    return None


def load_config(start: Path, explicit: Path | None = None) -> Config:
    path = explicit or find_config(start)
    if path is None:
        return Config()
    try:
        with path.open("rb") as handle:
            return Config(path, tomllib.load(handle))
    except tomllib.TOMLDecodeError as exc:
        line = _line_of(str(exc))
        raise ParseError.at(str(path), line, 0, f"malformed TOML: {exc}") from exc
    except OSError as exc:
        raise ParseError.at(str(path), 0, 0, f"cannot read: {exc.strerror}") from exc


def _line_of(message: str) -> int:
    # tomllib says "... (at line 3, column 7)"; keep the line for the file:line prefix.
    marker = "at line "
    if marker in message:
        digits = message.split(marker, 1)[1].split(",", 1)[0].split(")", 1)[0]
        if digits.isdigit():
            return int(digits)
    return 0
