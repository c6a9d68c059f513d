"""Test tables ported from golang.org/x/mod v0.43.0 module/pseudo_test.go (BSD-style licence, (c) The Go Authors).

Generated from the Go source; each table keeps the name and row order of the original.
Strings holding invalid UTF-8 (Go "\\xFF") are decoded with surrogateescape, as our parsers do.
"""

from __future__ import annotations

# (major, older tag, pseudo-version made at 2006-01-02T15:04:05Z with revision "hash")
PSEUDO_TESTS = [('', '', 'v0.0.0-20060102150405-hash'),
 ('v0', '', 'v0.0.0-20060102150405-hash'),
 ('v1', '', 'v1.0.0-20060102150405-hash'),
 ('v2', '', 'v2.0.0-20060102150405-hash'),
 ('unused', 'v0.0.0', 'v0.0.1-0.20060102150405-hash'),
 ('unused', 'v1.2.3', 'v1.2.4-0.20060102150405-hash'),
 ('unused', 'v1.2.99999999999999999', 'v1.2.100000000000000000-0.20060102150405-hash'),
 ('unused', 'v1.2.3-pre', 'v1.2.3-pre.0.20060102150405-hash'),
 ('unused', 'v1.3.0-pre', 'v1.3.0-pre.0.20060102150405-hash'),
 ('unused', 'v0.0.0--', 'v0.0.0--.0.20060102150405-hash'),
 ('unused', 'v1.0.0+metadata', 'v1.0.1-0.20060102150405-hash+metadata'),
 ('unused', 'v2.0.0+incompatible', 'v2.0.1-0.20060102150405-hash+incompatible'),
 ('unused', 'v2.3.0-pre+incompatible', 'v2.3.0-pre.0.20060102150405-hash+incompatible')]

# Pseudo-versions from which no base version can be derived (TestInvalidPseudoVersionBase).
INVALID_PSEUDO_BASE = [
    "v0.0.0",
    "v0.0.0-",  # malformed: empty prerelease
    "v0.0.0-0.20060102150405-hash",  # Z+1 == 0
    "v0.1.0-0.20060102150405-hash",  # Z+1 == 0
    "v1.0.0-0.20060102150405-hash",  # Z+1 == 0
    "v0.0.0-20060102150405-hash+incompatible",  # "+incompatible without base version
    "v0.0.0-20060102150405-hash+metadata",  # other metadata without base version
]
