"""Runs the go command and our parser on the same bytes and returns comparable results."""

from __future__ import annotations

import os
import re
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
        r = subprocess.run(
            ["go", sub, "edit", "-json", name],
            cwd=tmp,
            env=go_env(),
            capture_output=True,
            timeout=120,
            check=False,
        )
    return (
        r.returncode,
        r.stdout.decode("utf-8", "surrogateescape"),
        r.stderr.decode("utf-8", "surrogateescape"),
    )


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


def go_lax_outcome(data: bytes) -> tuple[str, list[str], str] | None:
    """How the go command reads data as a dependency's go.mod (modfile.ParseLax).

    The file becomes the go.mod of a directory replacement required by a throwaway main
    module, and `go mod graph` reports what it read: ("ok", sorted requirements and go line,
    "") or ("error", [], the parse errors). None when the go command stopped for another
    reason (a missing module line, a go line newer than this toolchain), so there is nothing
    to compare.
    """
    from gomodcheck.modfile import module_path  # noqa: PLC0415
    from gomodcheck.modfile.quoting import must_quote  # noqa: PLC0415
    from gomodcheck.module import (  # noqa: PLC0415
        go_quote,
        path_major_prefix,
        split_path_version,
    )

    path = module_path(data) or "dep.example/x"
    token = go_quote(path) if must_quote(path) else path
    _, major, ok = split_path_version(path)
    version = f"{path_major_prefix(major)}.0.0" if ok and major else "v0.0.0"
    with tempfile.TemporaryDirectory(prefix="gomodcheck-lax-") as tmp:
        root = Path(tmp)
        (root / "dep").mkdir()
        (root / "dep" / "go.mod").write_bytes(data)
        (root / "go.mod").write_bytes(
            f"module main.example/m\n\ngo 1.26\n\nrequire {token} {version}\n\n"
            f"replace {token} => ./dep\n".encode("utf-8", "surrogateescape")
        )
        r = subprocess.run(
            ["go", "mod", "graph"],
            cwd=root,
            capture_output=True,
            timeout=120,
            check=False,
            env={**go_env(), "GOFLAGS": "-mod=mod", "GOPROXY": "off", "GOSUMDB": "off"},
        )
        out = r.stdout.decode("utf-8", "surrogateescape")
        err = r.stderr.decode("utf-8", "surrogateescape").replace(str(root / "dep") + "/", "")
    marker = "parsing dep/go.mod: "
    if r.returncode != 0:
        if marker not in err:
            return None
        return "error", [], err.split(marker, 1)[1]
    edges = sorted(
        line.split(" ", 1)[1] for line in out.splitlines() if line.startswith(f"{path}@{version} ")
    )
    return "ok", edges, ""


def our_lax_outcome(data: bytes) -> tuple[str, list[str], str]:
    """Our lax parse in the shape of go_lax_outcome."""
    try:
        f = parse_gomod(data, "go.mod", strict=False)
    except ParseError as e:
        return "error", [], f"{e}\n"
    edges = [f"{r.path}@{r.version}" for r in f.require]
    # go mod graph shows a dependency's go line only from 1.21 on, when it became a requirement.
    # (Every 1.21 form, "1.21", "1.21rc1" or "1.21.0", compares at least "1.21" in Go.)
    m = re.match(r"(\d+)\.(\d+)", f.go.version) if f.go else None
    if f.go and m and (int(m.group(1)), int(m.group(2))) >= (1, 21):
        edges.append(f"go@{f.go.version}")
    return "ok", sorted(edges), ""
