"""HTTP/1.1 pipelining: many GETs on one HTTP or HTTPS connection, for bulk fetches from a server.

Checking a go.sum makes thousands of small requests (a lookup and a tile per module). Per
request, an HTTP library costs more CPU than the checking itself, and one request at a time per
connection costs a round trip each; writing the requests ahead and parsing the answers with a
minimal reader costs a few microseconds each. Anything unusual
(an error status other than 404/410, a closed connection, a parse problem, a timeout) leaves the
rest of the batch unanswered, and the caller fetches those the ordinary way.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

from gomodcheck.errors import FetchError, NotFoundError

if TYPE_CHECKING:
    import ssl

_MAX_LINE = 8192
_MAX_HEADERS = 100


@dataclass(frozen=True)
class Timeouts:
    connect: float
    read: float
    deadline: float  # per response


def pipelined_get(
    address: tuple[str, int],
    paths: Sequence[str],
    max_sizes: Sequence[int],
    timeouts: Timeouts,
    user_agent: str,
    *,
    on_answer: Callable[[int, bytes | FetchError], None] | None = None,
    tls: ssl.SSLContext | None = None,
) -> list[bytes | FetchError | None]:
    """GET each path in order; None where the answer did not come (fetch it another way).

    on_answer(i, answer) is called as each answer arrives, so work can start before the last.
    With tls, the connection is HTTPS (the context verifies the server's certificate and name).
    """
    results: list[bytes | FetchError | None] = [None] * len(paths)
    if not paths:
        return results
    host, port = address
    default_port = 443 if tls is not None else 80
    try:
        # An ASCII host name as bytes: a str would load the idna codec just to encode it.
        target = (host.encode("ascii") if host.isascii() else host, port)
        sock = socket.create_connection(target, timeout=timeouts.connect)  # type: ignore[arg-type]
        if tls is not None:
            sock = tls.wrap_socket(sock, server_hostname=host)
    except OSError:  # ssl.SSLError (a certificate that does not verify) is one too
        return results
    hostport = host if port == default_port else f"{host}:{port}"
    requests = [
        (
            f"GET {p} HTTP/1.1\r\nHost: {hostport}\r\nUser-Agent: {user_agent}\r\n"
            "Accept-Encoding: identity\r\n\r\n"
        ).encode("latin-1")
        for p in paths
    ]
    sock.settimeout(timeouts.read)
    reader: BinaryIO = sock.makefile("rb", buffering=1 << 16)  # type: ignore[assignment]
    writer: threading.Thread | None = None
    sent = len(requests)
    if tls is None:

        def send() -> None:
            # A separate writer: the server answers while we still send, and both buffers are
            # finite.
            with contextlib.suppress(OSError):
                sock.sendall(b"".join(requests))

        writer = threading.Thread(target=send, daemon=True)
        writer.start()
    else:
        # A TLS connection must not be written and read from two threads at once: one thread
        # keeps at most two windows of requests ahead of the answers it has read.
        sent = 0
    try:
        for i, max_size in enumerate(max_sizes):
            if sent < len(requests) and sent - i <= _TLS_WINDOW:
                upto = min(len(requests), i + 2 * _TLS_WINDOW)
                sock.sendall(b"".join(requests[sent:upto]))
                sent = upto
            answer = _read_response(reader, max_size, time.monotonic() + timeouts.deadline)
            if answer is None:
                break
            results[i], keep_going = answer
            got = results[i]
            if on_answer is not None and got is not None:
                on_answer(i, got)
            if not keep_going:
                break
    except (OSError, ValueError):
        pass  # the unanswered rest falls back to ordinary requests
    finally:
        reader.close()
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()
        if writer is not None:
            writer.join(timeout=1)
    return results


# Requests sent ahead on a TLS connection, in windows of this many.
_TLS_WINDOW = 32


def _read_response(
    reader: BinaryIO, max_size: int, deadline: float
) -> tuple[bytes | FetchError | None, bool] | None:
    readline = reader.readline
    status_line = readline(_MAX_LINE)
    if not status_line.endswith(b"\r\n"):
        return None
    parts = status_line.split(None, 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
        return None
    status = int(parts[1])
    length = -1
    chunked = False
    close = parts[0] == b"HTTP/1.0"
    for _ in range(_MAX_HEADERS):
        line = readline(_MAX_LINE)
        if line in (b"\r\n", b"\n"):
            break
        if not line.endswith(b"\n"):
            return None
        name, _, value = line.partition(b":")
        key = name.strip().lower()
        if key == b"content-length":
            length = int(value.strip())
        elif key == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
        elif key == b"connection":
            close = value.strip().lower() == b"close"
    else:
        return None
    if chunked:
        body = _read_chunked(reader, max_size, deadline)
    elif length >= 0:
        if length > max_size:
            return None
        body = _read_exact(reader, length, deadline)
    else:
        return None  # a body delimited by closing the connection: let the ordinary path do it
    if body is None:
        return None
    if status == 200:
        return body, not close
    if status in (404, 410):
        return NotFoundError(
            f"{status} {parts[2].strip().decode('latin-1') if len(parts) > 2 else ''}"
        ), not close
    return None  # anything else is retried (or reported) by the ordinary path


def _read_exact(reader: BinaryIO, n: int, deadline: float) -> bytes | None:
    read1 = reader.read1  # type: ignore[attr-defined]  # BufferedReader has it
    chunks: list[bytes] = []
    while n > 0:
        chunk = read1(min(n, 1 << 16))
        if not chunk or time.monotonic() > deadline:
            return None
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _read_chunked(reader: BinaryIO, max_size: int, deadline: float) -> bytes | None:
    readline = reader.readline
    out: list[bytes] = []
    total = 0
    while True:
        size_line = readline(_MAX_LINE)
        if not size_line.endswith(b"\n"):
            return None
        size = int(size_line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            # Trailers, then the blank line.
            while True:
                line = readline(_MAX_LINE)
                if line in (b"\r\n", b"\n"):
                    return b"".join(out)
                if not line:
                    return None
        total += size
        if total > max_size:
            return None
        data = _read_exact(reader, size, deadline)
        if data is None or readline(_MAX_LINE) not in (b"\r\n", b"\n"):
            return None
        out.append(data)
