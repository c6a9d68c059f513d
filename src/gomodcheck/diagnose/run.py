"""Runs a command, passing its output through while it is diagnosed (`diagnose --run -- CMD`)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from typing import BinaryIO

from gomodcheck.errors import UsageError


class Tee:
    """A byte source over a child's output that copies every read to another stream."""

    def __init__(self, fd: int, sink: BinaryIO) -> None:
        self._fd = fd
        self._sink = sink

    def read(self, size: int = -1, /) -> bytes:
        data = os.read(self._fd, size if size > 0 else 1 << 16)
        if data:
            self._sink.write(data)
            self._sink.flush()
        return data


def start(argv: Sequence[str]) -> subprocess.Popen[bytes]:
    """The command, started with stderr merged into stdout (the go command reports on stderr)."""
    if not argv:
        raise UsageError("--run needs a command after --, e.g. diagnose --run -- go build ./...")
    try:
        return subprocess.Popen(list(argv), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    except OSError as exc:
        raise UsageError(f"cannot run {argv[0]}: {exc.strerror}") from None
