"""Streams a log and yields only the lines that may belong to a module failure, normalised.

One multi-word search runs over 1 MiB chunks of raw bytes (no per-line Python work), so a 50 MB
log costs a fraction of a second; only matching lines and a short window after each are decoded
and normalised. Memory stays bounded by the chunk size plus that window.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterator
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


# Every failure message contains one of these; a matching line opens a window for the go command's
# continuation lines. Network errors count only with a module-protocol URL (/@v/, /lookup/, ...),
# so the connection errors of an application's own tests never cost anything.
STRONG_WORDS = (
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
    "(replaced by ",
    "go: parsing ",
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
    "/@latest",
    "/tile/",
    "/sumdb/",
    "go-get=1",
    'cannot find "go1',
    "unexpected module path",
)
# Settings and context (Docker steps) worth reading, one line each, without a window.
WEAK_WORDS = (
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
)
TRIGGER_WORDS = STRONG_WORDS + WEAK_WORDS
PREFILTER = re.compile(b"|".join(re.escape(w.encode()) for w in TRIGGER_WORDS))
STRONG = re.compile(b"|".join(re.escape(w.encode()) for w in STRONG_WORDS))


def _regex_hits(buf: bytes) -> list[tuple[int, bool]]:
    return [(m.start(), m.group(0).decode() in STRONG_WORDS) for m in PREFILTER.finditer(buf)]


def _hit_finder() -> Callable[[bytes], list[tuple[int, bool]]]:
    """Start offsets of trigger words in a buffer, each with whether it opens a window.

    An Aho-Corasick automaton (Rust, SIMD prefilter) finds all words in one pass at gigabytes
    per second; Python's re tries every alternative at every position and is ~50x slower on
    real logs, so it is only the fallback when the extension is unavailable.
    """
    try:
        from ahocorasick_rs import BytesAhoCorasick  # noqa: PLC0415
    except ImportError:  # pragma: no cover - the dependency is declared; keep working without it
        return _regex_hits
    matcher = BytesAhoCorasick([w.encode() for w in TRIGGER_WORDS])
    strong = len(STRONG_WORDS)

    def hits(buf: bytes) -> list[tuple[int, bool]]:
        return [(start, index < strong) for index, start, _ in matcher.find_matches_as_indexes(buf)]

    return hits


_find_hits = _hit_finder()


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
        hits = _find_hits(buf)
        starts = [start for start, _ in hits]
        while cursor < size:
            if pending <= 0:
                index = bisect_left(starts, cursor)
                if index == len(starts):
                    break
                newline = buf.rfind(b"\n", cursor, starts[index])
                start = cursor if newline < 0 else newline + 1
                line_no += buf.count(b"\n", cursor, start)
                cursor = start
            end = buf.find(b"\n", cursor)
            end = size if end < 0 else end + 1
            first, last = bisect_left(starts, cursor), bisect_left(starts, end)
            hit = last > first
            text = normalize_line(buf[cursor:end].decode("utf-8", "replace"))
            if not is_noise(text):
                yield LogLine(line_no, text, hit)
            strong = any(hits[i][1] for i in range(first, last))
            pending = window if strong else pending - 1
            cursor, line_no = end, line_no + 1
        first_line += buf.count(b"\n")
        if not buf.endswith(b"\n") and buf:
            # A cut over-long line continues in the next buffer; count it once.
            first_line += 1
