"""Groups the go command's multi-line messages into blocks, one block per reported failure.

The go command prints one error as a head line and continuation lines indented with a tab (or, in
logs pasted into issues, spaces), and the SECURITY ERROR paragraphs as unindented prose after a
blank line. A block ends at the first line that is none of these.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from gomodcheck.diagnose.scan import LogLine

MAX_BLOCK_LINES = 400

# Unindented lines of the SECURITY ERROR texts (the go command's and x/mod's sumdb client's).
_SECURITY_PROSE = (
    "SECURITY ERROR",
    "This download",
    "The bits may",
    "have intercepted",
    "For more information",
    "go.sum database server misbehavior",
    "old database:",
    "new database:",
    "proof of misbehavior:",
    "The checksum server",
    "not contain an entry",
    "intercepted the checksum",
    "The download cannot",
    "SECURITY WARNING",
    "This download contains",
    "unknown hash algorithm",
)
# Continuation footers that are not indented in some Go versions.
_FOOTERS = (
    "run 'go mod vendor' to sync",
    "To ignore the vendor directory",
    "To sync the vendor",
    # Pasted into an issue, the tab before these is often lost.
    "downloaded:",
    "server response",
    "but was required as",
    "module declares its path",
    "go.sum:",
    "go.work.sum:",
    "sum.golang.org:",
    "go mod tidy",
    "go mod download ",
    "go get ",
)
HEAD = re.compile(
    r"checksum mismatch|SECURITY ERROR|missing go\.sum entry|updates to go\.(?:sum|mod) needed"
    r"|malformed go\.sum|inconsistent vendoring|lookup disabled by -mod=vendor"
    r"|: is (?:explicitly required in go\.mod, but|marked as (?:explicit|replaced) in "
    r"vendor/modules\.txt"
    r"|replaced (?:by \S+ )?in \S+, but)|unexpected module path \""
    r"|cannot query module due to -mod=vendor|using the vendor directory|(?:404 Not Found|410 Gone)"
    r"|invalid GOSUMDB|malformed verifier id|unknown go command variable"
    r"|GOPROXY list is not the empty string|-insecure flag is no longer supported"
    r"|parsing \$GOFLAGS|toolchain not available|requires go >= |invalid go version '"
    r"|maximum supported version is|invalid toolchain:|cannot find \"go1[^\"]*\" in PATH"
    r"|download go1[\w.\-]*(?: for [\w/]+)?: |: (?:dir|zip) has been modified \(|: missing ziphash"
    r"|replacement directory \S+|\(replaced by [./]|go: parsing \S*go\.mod: open"
    r"|declares its path as|file name collision|malformed file path"
    r"|misbehavior detected|malformed note|checking tree#|reading tree note: "
    r"|(?:Get|Head|Post) \"?https?://\S+: .*(?:dial tcp|i/o timeout|x509:|tls:|no such host"
    r"|connection refused|connection reset|TLS handshake|context deadline exceeded"
    r"|Client\.Timeout|EOF$|unexpected EOF)"
)


@dataclass(frozen=True)
class Block:
    """One message of the go command: its lines, in log order, with their line numbers."""

    lines: tuple[LogLine, ...]

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def first_line(self) -> int:
        return self.lines[0].number


def _continues(text: str, in_security: bool) -> bool:
    if text[:1] in ("\t", " ") and text.strip():
        return True
    stripped = text.strip()
    if stripped.startswith(_FOOTERS):
        return True
    return in_security and (not stripped or stripped.startswith(_SECURITY_PROSE))


def group(lines: Iterable[LogLine]) -> Iterator[Block]:
    """Blocks that start at a head line; lines that start no block and continue none are dropped."""
    current: list[LogLine] = []
    in_security = False
    blanks: list[LogLine] = []  # a blank line may separate a message from its SECURITY ERROR text

    def close() -> Block | None:
        return Block(tuple(current)) if current else None

    for line in lines:
        adjacent = bool(current) and line.number == (blanks or current)[-1].number + 1
        if adjacent and not line.text.strip():
            blanks.append(line)
            if len(blanks) <= 2:
                continue
        security_start = line.text.strip() == "SECURITY ERROR" or line.text.startswith(
            "SECURITY WARNING"
        )
        continues = security_start or _continues(line.text, in_security and len(blanks) <= 2)
        # After a blank line only the SECURITY text or an indented footer continues the message.
        resumes = not blanks or security_start or in_security or line.text[:1] in ("\t", " ")
        if adjacent and len(current) < MAX_BLOCK_LINES and continues and resumes:
            current.extend(blanks)
            blanks = []
            current.append(line)
            in_security = in_security or security_start
            continue
        block = close()
        if block is not None:
            yield block
        current, blanks, in_security = [], [], False
        if line.hit and HEAD.search(line.text):
            current = [line]
            in_security = line.text.strip() == "SECURITY ERROR"
    block = close()
    if block is not None:
        yield block
