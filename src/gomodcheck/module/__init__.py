"""Module paths and versions: validity rules, case-encoding, pseudo-versions, path patterns.

A Python counterpart of golang.org/x/mod/module; messages use its wording so users can search
them. Pure: no I/O.
"""

from __future__ import annotations

from gomodcheck.module.errors import InvalidPathError, InvalidVersionError, ModuleError
from gomodcheck.module.escape import escape_path, escape_version, unescape_path, unescape_version
from gomodcheck.module.path import (
    canonical_version,
    check,
    check_file_path,
    check_import_path,
    check_path,
    check_path_major,
    match_path_major,
    path_major_prefix,
    split_path_version,
)
from gomodcheck.module.patterns import BadPatternError, match_prefix_patterns, path_match
from gomodcheck.module.pseudo import (
    PSEUDO_VERSION_TIMESTAMP_FORMAT,
    is_pseudo_version,
    is_zero_pseudo_version,
    pseudo_version,
    pseudo_version_base,
    pseudo_version_rev,
    pseudo_version_time,
    zero_pseudo_version,
)
from gomodcheck.module.quote import go_quote, go_quote_rune
from gomodcheck.module.version import ModuleVersion, sort

__all__ = [
    "PSEUDO_VERSION_TIMESTAMP_FORMAT",
    "BadPatternError",
    "InvalidPathError",
    "InvalidVersionError",
    "ModuleError",
    "ModuleVersion",
    "canonical_version",
    "check",
    "check_file_path",
    "check_import_path",
    "check_path",
    "check_path_major",
    "escape_path",
    "escape_version",
    "go_quote",
    "go_quote_rune",
    "is_pseudo_version",
    "is_zero_pseudo_version",
    "match_path_major",
    "match_prefix_patterns",
    "path_major_prefix",
    "path_match",
    "pseudo_version",
    "pseudo_version_base",
    "pseudo_version_rev",
    "pseudo_version_time",
    "sort",
    "split_path_version",
    "unescape_path",
    "unescape_version",
    "zero_pseudo_version",
]
