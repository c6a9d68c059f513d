"""A reader for txtar archives, the test-data format of x/mod's zip tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Archive:
    comment: bytes
    files: list[tuple[str, bytes]]
    params: dict[str, str] = field(default_factory=dict)


def _fix_nl(data: bytes) -> bytes:
    return data if not data or data.endswith(b"\n") else data + b"\n"


def parse(data: bytes) -> Archive:
    lines = data.split(b"\n")
    chunks: list[tuple[str | None, list[bytes]]] = [(None, [])]
    for i, line in enumerate(lines):
        last = i == len(lines) - 1
        if line.startswith(b"-- ") and line.endswith(b" --") and len(line) >= 6:
            chunks.append((line[3:-3].strip().decode("utf-8", "surrogateescape"), []))
        elif not (last and line == b""):
            chunks[-1][1].append(line + (b"" if last else b"\n"))
    comment = _fix_nl(b"".join(chunks[0][1]))
    files = [(str(name), _fix_nl(b"".join(body))) for name, body in chunks[1:]]
    params = {}
    for raw in comment.decode("utf-8", "surrogateescape").splitlines():
        text = raw.split("#", 1)[0].strip()
        if text:
            key, _, value = text.partition("=")
            params[key.strip()] = value.strip()
    return Archive(comment, files, params)


def load(path: Path) -> Archive:
    return parse(path.read_bytes())
