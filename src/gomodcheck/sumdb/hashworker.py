"""Hashing tiles on the second CPU: a helper process that returns tile roots and audit paths.

Proving a record through a full tile costs 2**H - 1 hashes, which in CPython is most of the CPU a
cold check spends. The helper is a plain subprocess of this interpreter with a tiny binary
protocol on its standard streams; the caller compares each returned root with the authenticated
parent tile exactly as if it had hashed the tile itself, so the helper is an accelerator, not a
source of trust. If it cannot start or dies, callers hash locally.

Request:  id u32, height u8, count u16, count x position u16, length u32, tile bytes.
Response: id u32, root (32 bytes), count x audit path (height x 32 bytes).
"""

from __future__ import annotations

import struct
import subprocess
import sys
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from typing import IO, BinaryIO

from gomodcheck.tlog.hashes import HASH_SIZE
from gomodcheck.tlog.tile import audit_path, tile_levels

_REQ = struct.Struct(">IBH")
_LEN = struct.Struct(">I")
_ID = struct.Struct(">I")

Result = tuple[bytes, dict[int, bytes]]  # root, position -> audit path (concatenated hashes)


class HashWorker:
    """One helper process; submit() returns a future of (root, paths)."""

    def __init__(self) -> None:
        self._proc = subprocess.Popen(
            [sys.executable, "-c", "from gomodcheck.sumdb.hashworker import serve; serve()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._lock = threading.Lock()
        self._futures: dict[int, tuple[Future[Result], int, tuple[int, ...]]] = {}
        self._next = 0
        self._reader = threading.Thread(target=self._read_loop, daemon=True, name="hashworker")
        self._reader.start()

    def submit(self, data: bytes, height: int, positions: Sequence[int]) -> Future[Result]:
        fut: Future[Result] = Future()
        pos = tuple(positions)
        with self._lock:
            ident = self._next
            self._next += 1
            self._futures[ident] = (fut, height, pos)
            message = (
                _REQ.pack(ident, height, len(pos))
                + struct.pack(f">{len(pos)}H", *pos)
                + _LEN.pack(len(data))
                + data
            )
            try:
                assert self._proc.stdin is not None
                self._proc.stdin.write(message)
                self._proc.stdin.flush()
            except (OSError, ValueError) as exc:
                del self._futures[ident]
                fut.set_exception(exc)
        return fut

    def _read_loop(self) -> None:
        out = self._proc.stdout
        assert out is not None
        try:
            while True:
                head = _read_exact(out, _ID.size + HASH_SIZE)
                if head is None:
                    break
                (ident,) = _ID.unpack_from(head)
                with self._lock:
                    fut, height, pos = self._futures.pop(ident)
                body = _read_exact(out, len(pos) * height * HASH_SIZE)
                if body is None:
                    fut.set_exception(EOFError("hash worker stopped"))
                    break
                step = height * HASH_SIZE
                paths = {p: body[k * step : (k + 1) * step] for k, p in enumerate(pos)}
                fut.set_result((head[_ID.size :], paths))
        finally:
            with self._lock:
                left, self._futures = self._futures, {}
            for fut, _, _ in left.values():
                if not fut.done():
                    fut.set_exception(EOFError("hash worker stopped"))

    def close(self) -> None:
        try:
            if self._proc.stdin is not None:
                self._proc.stdin.close()
        except OSError:
            pass
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._reader.join(timeout=5)
        if self._proc.stdout is not None:
            self._proc.stdout.close()


def _read_exact(stream: IO[bytes], n: int) -> bytes | None:
    data = stream.read(n)
    return data if data is not None and len(data) == n else None


def serve(stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
    """The helper's loop: answer requests until standard input closes."""
    rin = stdin or sys.stdin.buffer
    wout = stdout or sys.stdout.buffer
    while True:
        head = _read_exact(rin, _REQ.size)
        if head is None:
            return
        ident, height, count = _REQ.unpack(head)
        raw = _read_exact(rin, 2 * count + _LEN.size)
        if raw is None:
            return
        positions = struct.unpack(f">{count}H", raw[: 2 * count])
        (length,) = _LEN.unpack_from(raw, 2 * count)
        data = _read_exact(rin, length)
        if data is None or length != HASH_SIZE << height:
            return  # not a request this protocol makes: stop, and the caller hashes locally
        levels = tile_levels(data)
        wout.write(_ID.pack(ident) + levels[-1])
        for j in positions:
            wout.write(b"".join(audit_path(levels, j)))
        wout.flush()
