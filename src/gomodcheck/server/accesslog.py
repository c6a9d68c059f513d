"""The structured access log of ``sumdb serve`` and ``sumdb mirror``: one JSON line per request.

``line`` formats a request; ``BatchedStreamHandler`` writes the lines of one event-loop turn in one
write (under load a turn answers dozens of requests), so logging costs no system call per request
and delays no line past the turn that produced it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections import deque
from typing import TextIO

_STR = json.encoder.encode_basestring_ascii  # a JSON string literal (C speed)


def line(remote: str, method: str, path: str, *, status: int, nbytes: int, started: float) -> str:
    """The access line of a request answered now; ``started`` is its time.perf_counter()."""
    ms = (time.perf_counter() - started) * 1000
    return (
        f'{{"ts":{time.time():.3f},"remote":{_STR(remote)},"method":{_STR(method)},'
        f'"path":{_STR(path[:256])},"status":{status},"bytes":{nbytes},"ms":{ms:.2f}}}'
    )


class AccessLogger:
    """Writes access lines to a logger. When the logger's one handler is a
    BatchedStreamHandler (as the runner sets it up), the line goes straight into its batch:
    building a LogRecord would cost more than answering a cached tile."""

    def __init__(self, logger: logging.Logger) -> None:
        self.logger = logger

    def write(
        self, remote: str, method: str, path: str, *, status: int, nbytes: int, started: float
    ) -> None:
        logger = self.logger
        if not logger.isEnabledFor(logging.INFO):
            return
        text = line(remote, method, path, status=status, nbytes=nbytes, started=started)
        handlers = logger.handlers
        if (
            len(handlers) == 1
            and type(handlers[0]) is BatchedStreamHandler
            and handlers[0].level <= logging.INFO
            and not handlers[0].filters
            and not logger.filters
            and not logger.propagate
        ):
            handlers[0].push(text)
        else:
            logger.info(text)


class BatchedStreamHandler(logging.Handler):
    """A stream handler that writes once per event-loop turn.

    A record emitted on a thread running an event loop is queued, and a callback scheduled on
    that loop (it runs after the loop's current batch of I/O callbacks) writes everything
    queued; a record from another thread is written at once, or with that batch when one is
    scheduled. ``flush`` and ``close`` write everything queued.
    """

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream
        self._pending: deque[str] = deque()  # appends and pops are atomic
        self._scheduled = False
        self._write_lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record)
        except Exception:  # logging's contract: report, never raise
            self.handleError(record)
            return
        self.push(text)

    def push(self, text: str) -> None:
        """Queue a formatted line (see the class doc for when it is written)."""
        self._pending.append(text)
        if self._scheduled:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.flush()
            return
        self._scheduled = True
        loop.call_soon(self._flush_turn)

    def _flush_turn(self) -> None:
        self._scheduled = False
        self.flush()

    def flush(self) -> None:
        pending = self._pending
        with self._write_lock:
            lines = [pending.popleft() for _ in range(len(pending))]
            if not lines:
                return
            try:
                self.stream.write("\n".join(lines) + "\n")
                self.stream.flush()
            except (OSError, ValueError):  # stderr closed: nowhere left to log
                pass

    def close(self) -> None:
        self.flush()
        super().close()
