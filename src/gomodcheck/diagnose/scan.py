"""Streams a log and yields only the lines that may belong to a module failure, normalised.

One combined regular expression runs over 1 MiB chunks of raw bytes (in C, no per-line Python
work), so a 50 MB log costs well under a second; only matching lines and a short window after each
are decoded and normalised. Memory stays bounded by the chunk size plus that window.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from gomodcheck.diagnose.normalize import is_noise, normalize_line

CHUNK_SIZE = 1 << 20
# A line longer than this is cut: a log with no newlines must not grow the buffer without bound.
MAX_LINE = 1 << 20
# Lines kept after a matching line, for the go command's tab-indented continuation lines.
WINDOW_AFTER = 40


class ByteSource(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True)
class LogLine:
    """One normalised line with its 1-based line number in the original log."""

    number: int
    text: str
    hit: bool  # whether the prefilter matched it (as opposed to trailing context)


# Every failure message and every setting the diagnosis uses contains one of these words.
TRIGGER_WORDS = (
    "checksum mismatch",
    "SECURITY ERROR",
    "missing go.sum entry",
    "updates to go.sum needed",
    "updates to go.mod needed",
    "malformed go.sum",
    "inconsistent vendoring",
    "vendor/modules.txt",
    "lookup disabled by -mod=",
    "due to -mod=vendor",
    "using the vendor directory",
    "404 Not Found",
    "410 Gone",
    "invalid GOSUMDB",
    "malformed verifier id",
    "unknown go command variable",
    "GOPROXY list",
    "-insecure flag",
    "parsing $GOFLAGS",
    "toolchain not available",
    "requires go >=",
    "golang.org/toolchain",
    "invalid go version",
    "maximum supported version",
    "invalid toolchain",
    "has been modified (",
    "missing ziphash",
    "replacement directory",
    "declares its path",
    "file name collision",
    "malformed file path",
    "misbehavior detected",
    "malformed note",
    "reading tree note",
    "sum.golang.org",
    "proxy.golang.org",
    "/lookup/",
    "/@v/",
    "dial tcp",
    "x509:",
    "tls:",
    "TLS handshake",
    "i/o timeout",
    "no such host",
    "GOSUMDB",
    "GONOSUMDB",
    "GONOSUMCHECK",
    "GOFLAGS",
    "GOPRIVATE",
    "GOINSECURE",
    "GOPROXY=",
    "GOTOOLCHAIN",
    "rm go.sum",
    "rm -f go.sum",
    "Step ",
    "] RUN ",
    "go.work",
    'cannot find "go1',
    "unexpected module path",
)
PREFILTER = re.compile(b"|".join(re.escape(w.encode()) for w in TRIGGER_WORDS))


def scan(source: ByteSource, window: int = WINDOW_AFTER) -> Iterator[LogLine]:
    """Lines of source that match the prefilter, each followed by up to `window` more lines."""
    carry = b""
    first_line = 1  # line number of the first line in the current buffer
    pending = 0  # context lines still to emit after the last hit
    eof = False
    while not eof:
        chunk = source.read(CHUNK_SIZE)
        if chunk:
            buf = carry + chunk
            cut = buf.rfind(b"\n") + 1
            if cut == 0 and len(buf) < MAX_LINE:
                carry = buf
                continue
            if cut == 0:
                cut = len(buf)
            carry, buf = buf[cut:], buf[:cut]
        else:
            eof = True
            buf, carry = carry, b""
            if not buf:
                break
        cursor, line_no = 0, first_line
        size = len(buf)
        while cursor < size:
            if pending <= 0:
                match = PREFILTER.search(buf, cursor)
                if match is None:
                    break
                newline = buf.rfind(b"\n", cursor, match.start())
                start = cursor if newline < 0 else newline + 1
                line_no += buf.count(b"\n", cursor, start)
                cursor = start
            end = buf.find(b"\n", cursor)
            end = size if end < 0 else end + 1
            raw = buf[cursor:end]
            hit = PREFILTER.search(raw) is not None
            text = normalize_line(raw.decode("utf-8", "replace"))
            if not is_noise(text):
                yield LogLine(line_no, text, hit)
            pending = window if hit else pending - 1
            cursor, line_no = end, line_no + 1
        first_line += buf.count(b"\n")
        if not buf.endswith(b"\n") and buf:
            # A cut over-long line continues in the next buffer; count it once.
            first_line += 1
