"""GOPRIVATE / GONOSUMDB / GONOPROXY / GOINSECURE pattern matching (x/mod MatchPrefixPatterns).

A pattern list is comma-separated globs in Go's path.Match syntax; a glob with n slashes is
matched against the first n+1 elements of the target, so "*.corp.example.com" covers every module
under any such host. The matcher works on UTF-8 bytes, as Go's does.
"""

from __future__ import annotations

__all__ = ["BadPatternError", "match_prefix_patterns", "path_match"]


class BadPatternError(ValueError):
    """A glob with bad syntax (Go's path.ErrBadPattern)."""

    def __init__(self) -> None:
        super().__init__("syntax error in pattern")


def _decode_rune(b: bytes) -> tuple[int, int]:
    """(rune, width) of the first UTF-8 character; (0xFFFD, 1) for an invalid byte."""
    if not b:
        return 0xFFFD, 0
    if b[0] < 0x80:
        return b[0], 1
    for n in (2, 3, 4):
        try:
            s = b[:n].decode("utf-8")
        except UnicodeDecodeError:
            continue
        if len(s) == 1:
            return ord(s), n
    return 0xFFFD, 1


def _scan_chunk(pattern: bytes) -> tuple[bool, bytes, bytes]:
    star = False
    while pattern[:1] == b"*":
        pattern = pattern[1:]
        star = True
    inrange = False
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == 0x5C:  # backslash
            if i + 1 < len(pattern):
                i += 1
        elif c == 0x5B:  # [
            inrange = True
        elif c == 0x5D:  # ]
            inrange = False
        elif c == 0x2A and not inrange:  # *
            return star, pattern[:i], pattern[i:]
        i += 1
    return star, pattern, b""


def _get_esc(chunk: bytes) -> tuple[int, bytes]:
    if not chunk or chunk[0] in b"-]":
        raise BadPatternError
    if chunk[0] == 0x5C:
        chunk = chunk[1:]
        if not chunk:
            raise BadPatternError
    r, n = _decode_rune(chunk)
    rest = chunk[n:]
    if (r == 0xFFFD and n == 1) or not rest:
        raise BadPatternError
    return r, rest


def _match_chunk(chunk: bytes, s: bytes) -> bytes | None:
    """The rest of s after chunk matched its start, or None; BadPatternError on bad syntax.

    Like Go, it keeps scanning after a mismatch so that syntax errors are always reported.
    """
    failed = False
    while chunk:
        failed = failed or not s
        c = chunk[0]
        if c == 0x5B:  # [
            r = -1
            if not failed:
                r, n = _decode_rune(s)
                s = s[n:]
            chunk = chunk[1:]
            negated = False
            if chunk[:1] == b"^":
                negated = True
                chunk = chunk[1:]
            match = False
            nrange = 0
            while True:
                if chunk[:1] == b"]" and nrange > 0:
                    chunk = chunk[1:]
                    break
                lo, chunk = _get_esc(chunk)
                hi = lo
                if chunk[0] == 0x2D:  # -
                    hi, chunk = _get_esc(chunk[1:])
                match = match or lo <= r <= hi
                nrange += 1
            failed = failed or match == negated
        elif c == 0x3F:  # ?
            if not failed:
                failed = s[0] == 0x2F
                _, n = _decode_rune(s)
                s = s[n:]
            chunk = chunk[1:]
        else:
            if c == 0x5C:
                chunk = chunk[1:]
                if not chunk:
                    raise BadPatternError
            if not failed:
                failed = chunk[0] != s[0]
                s = s[1:]
            chunk = chunk[1:]
    return None if failed else s


def _match(pattern: bytes, name: bytes) -> bool:
    while pattern:
        star, chunk, pattern = _scan_chunk(pattern)
        if star and not chunk:
            return b"/" not in name  # a trailing * matches the rest of one element
        t = _match_chunk(chunk, name)
        if t is not None and (not t or pattern):
            name = t
            continue
        if star:
            # Let the star eat 0..i bytes of this element and retry the chunk after them.
            matched_on = False
            i = 0
            while i < len(name) and name[i] != 0x2F:
                t = _match_chunk(chunk, name[i + 1 :])
                if t is not None and not (not pattern and t):
                    name = t
                    matched_on = True
                    break
                i += 1
            if matched_on:
                continue
        # Report syntax errors in the rest of the pattern even though the match failed.
        while pattern:
            _, chunk, pattern = _scan_chunk(pattern)
            _match_chunk(chunk, b"")
        return False
    return not name


def path_match(pattern: str, name: str) -> bool:
    """Go's path.Match: whether name matches the shell glob; BadPatternError on bad syntax."""
    return _match(
        pattern.encode("utf-8", "surrogateescape"), name.encode("utf-8", "surrogateescape")
    )


def match_prefix_patterns(globs: str, target: str) -> bool:
    """Whether any glob in the comma-separated list matches a leading prefix of target."""
    for raw in globs.split(","):
        glob = raw.removesuffix("/")
        if not glob:
            continue
        n = glob.count("/")
        prefix = target
        for i, c in enumerate(target):
            if c == "/":
                if n == 0:
                    prefix = target[:i]
                    break
                n -= 1
        if n > 0:
            continue
        try:
            if path_match(glob, prefix):
                return True
        except BadPatternError:
            continue  # Go ignores the error: a malformed glob matches nothing
    return False
