"""Runs the go command and our parser on the same bytes and returns comparable results."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from gomodcheck.errors import ParseError
from gomodcheck.modfile import gomod_to_edit_json, gowork_to_edit_json, parse_gomod, parse_gowork

# (exit status, stdout, stderr): exit 0 with the JSON, or 1 with the go command's error text.
Outcome = tuple[int, str, str]

_NAMES = {"gomod": ("go.mod", "mod"), "gowork": ("go.work", "work")}


def go_env() -> dict[str, str]:
    return {**os.environ, "GOTOOLCHAIN": "local", "GOWORK": "off", "GOFLAGS": ""}


def go_outcome(kind: str, data: bytes) -> Outcome:
    """What `go mod edit -json go.mod` (or `go work edit -json go.work`) does with data."""
    name, sub = _NAMES[kind]
    with tempfile.TemporaryDirectory(prefix="gomodcheck-oracle-") as tmp:
        Path(tmp, name).write_bytes(data)
        r = subprocess.run(["go", sub, "edit", "-json", name], cwd=tmp, env=go_env(),
                           capture_output=True, timeout=120, check=False)
    return r.returncode, r.stdout.decode("utf-8", "surrogateescape"), r.stderr.decode(
        "utf-8", "surrogateescape")


def our_outcome(kind: str, data: bytes) -> Outcome:
    """Our parser's result in the go command's shape, for an exact comparison."""
    name, _ = _NAMES[kind]
    try:
        if kind == "gomod":
            return 0, gomod_to_edit_json(parse_gomod(data, name)), ""
        return 0, gowork_to_edit_json(parse_gowork(data, name)), ""
    except ParseError as e:
        # go work edit wraps the parse error once more than go mod edit does.
        inner = "errors parsing go.work:\n" if kind == "gowork" else ""
        return 1, "", f"go: errors parsing {name}:\n{inner}{e}\n"


def error_lines(stderr: str) -> list[int]:
    """The line numbers the go command's parse errors name, in order."""
    out = []
    for line in stderr.splitlines()[1:]:
        head, _, _ = line.partition(": ")
        parts = head.split(":")
        if len(parts) >= 2 and parts[1].isdigit():
            out.append(int(parts[1]))
    return out
