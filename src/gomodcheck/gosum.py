"""go.sum and go.work.sum: the hashes a module records for its dependencies, read as the go command
reads them (cmd/go/internal/modfetch/fetch.go, readGoSum), plus what the go command overlooks.

Each non-blank line is ``path version hash``; a version ending in "/go.mod" is the hash of that
version's go.mod file alone. The go command splits the file on "\\n" only, splits each line into
fields at Unicode white space (so CRLF endings are harmless), rejects a line with other than three
fields (``malformed go.sum: ...: wrong number of fields N``, fatal since Go 1.16 except in
``go mod tidy``), drops the hash of an empty go.mod (an old bug), and keeps unknown hash
algorithms without using them. We keep the same lines and additionally report, with their line,
what the go command only discovers later or never: duplicates, two different hashes for one
module version (a "checksum mismatch" waiting to happen), unknown algorithms, merge-conflict
markers, a byte order mark, invalid UTF-8 and invalid module paths or versions.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from gomodcheck import module, semver
from gomodcheck.errors import InputError, ParseError, Problem
from gomodcheck.findings import Severity
from gomodcheck.gostrings import go_fields_with_columns
from gomodcheck.module.quote import has_invalid_utf8

__all__ = [
    "EMPTY_GOMOD_HASH",
    "MAX_GOSUM_BYTES",
    "SCHEMA_VERSION",
    "GoSum",
    "GoSumLine",
    "GoSumProblem",
    "ProblemKind",
    "gosum_to_json",
    "parse_gosum",
]

SCHEMA_VERSION = "gomodcheck.gosum/v1"

# The h1: hash of a module holding only an empty go.mod; written by an old go command bug for
# non-module repositories, and silently dropped by the go command when reading.
EMPTY_GOMOD_HASH = "h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY="

# Real go.sum files are well under 2 MB (kubernetes: ~100 KB). The go command has no limit, but a
# file this large is not a go.sum anyone wrote: refuse it rather than spend minutes on it.
MAX_GOSUM_BYTES = 64 << 20

_MERGE_MARKERS = ("<<<<<<<", "=======", ">>>>>>>", "|||||||")
_BOM = "\ufeff"


class ProblemKind(StrEnum):
    FIELDS = "wrong-number-of-fields"
    MERGE_CONFLICT = "merge-conflict-marker"
    DUPLICATE = "duplicate-line"
    CONFLICT = "conflicting-hashes"
    UNKNOWN_ALGORITHM = "unknown-hash-algorithm"
    EMPTY_GOMOD_HASH = "empty-go-mod-hash"
    BOM = "byte-order-mark"
    INVALID_UTF8 = "invalid-utf8"
    INVALID_PATH = "invalid-module-path"
    INVALID_VERSION = "invalid-version"


@dataclass(frozen=True)
class GoSumLine:
    """One ``path version hash`` line; version has no "/go.mod" suffix (see is_gomod)."""

    path: str
    version: str
    is_gomod: bool
    hash: str
    line: int
    column: int

    @property
    def algorithm(self) -> str:
        """The hash algorithm prefix ("h1"), or "" if the hash has none."""
        alg, sep, _ = self.hash.partition(":")
        return alg if sep else ""

    @property
    def key(self) -> tuple[str, str, bool]:
        return self.path, self.version, self.is_gomod

    @property
    def go_version(self) -> str:
        """The version as the go command keys it: with "/go.mod" for a go.mod hash."""
        return self.version + "/go.mod" if self.is_gomod else self.version


@dataclass(frozen=True)
class GoSumProblem:
    """Something wrong at one line; go_rejects says whether the go command refuses the file."""

    kind: ProblemKind
    severity: Severity
    line: int
    column: int
    message: str
    go_rejects: bool = False


@dataclass(frozen=True)
class GoSum:
    """A parsed go.sum: the lines the go command keeps, in file order, and the problems found."""

    filename: str
    lines: tuple[GoSumLine, ...]
    problems: tuple[GoSumProblem, ...]
    _index: dict[tuple[str, str, bool], tuple[GoSumLine, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def lookup(self, path: str, version: str, is_gomod: bool = False) -> tuple[GoSumLine, ...]:
        """The lines for one module version's zip (or go.mod) hash, in file order."""
        return self._index.get((path, version, is_gomod), ())

    def hashes(self, path: str, version: str, is_gomod: bool = False) -> tuple[str, ...]:
        """Distinct hashes recorded for one key, in file order."""
        return tuple(dict.fromkeys(ln.hash for ln in self.lookup(path, version, is_gomod)))

    def keys(self) -> Iterator[tuple[str, str, bool]]:
        """Each (path, version, is_gomod) once, in order of first appearance."""
        return iter(self._index)

    def __contains__(self, key: object) -> bool:
        return key in self._index

    @property
    def malformed(self) -> tuple[GoSumProblem, ...]:
        """Problems for which the go command refuses the whole file."""
        return tuple(p for p in self.problems if p.go_rejects)

    def raise_if_malformed(self) -> None:
        """Raise ParseError naming each line the go command would refuse."""
        bad = self.malformed
        if bad:
            raise ParseError(Problem(self.filename, p.line, p.column, p.message) for p in bad)


def _decode(data: bytes) -> str:
    # surrogateescape keeps invalid bytes distinct and round-trippable: a path with a bad byte is
    # a different key to the go command too, so it must stay different here.
    return data.decode("utf-8", "surrogateescape")


def _check_names(path: str, version: str, lineno: int, col: int) -> list[GoSumProblem]:
    return [
        GoSumProblem(kind, Severity.WARNING, lineno, col, message)
        for kind, message in _name_problems(path, version)
    ]


@functools.lru_cache(maxsize=4096)
def _name_problems(path: str, version: str) -> tuple[tuple[ProblemKind, str], ...]:
    # A module's h1: and /go.mod lines name the same path and version: check them once.
    out: list[tuple[ProblemKind, str]] = []
    try:
        module.check_path(path)
    except module.InvalidPathError as e:
        out.append((ProblemKind.INVALID_PATH, str(e)))
    if not semver.is_valid(version) or version != module.canonical_version(version):
        message = f"{module.go_quote(version)} is not a canonical semantic version"
        out.append((ProblemKind.INVALID_VERSION, message))
    return tuple(out)


def parse_gosum(data: bytes, filename: str = "go.sum") -> GoSum:
    """Parse go.sum or go.work.sum content. Never raises for bad content, only for a file over
    MAX_GOSUM_BYTES (InputError); call raise_if_malformed() to fail as the go command does."""
    if len(data) > MAX_GOSUM_BYTES:
        raise InputError(
            f"{filename}: {len(data)} bytes is more than the {MAX_GOSUM_BYTES >> 20} MiB a go.sum "
            "may have here; this is not a go.sum file"
        )
    text = _decode(data)
    lines: list[GoSumLine] = []
    problems: list[GoSumProblem] = []
    index: dict[tuple[str, str, bool], list[GoSumLine]] = {}

    def problem(
        kind: ProblemKind, sev: Severity, ln: int, col: int, msg: str, *, rejects: bool = False
    ) -> None:
        problems.append(GoSumProblem(kind, sev, ln, col, msg, rejects))

    if text.startswith(_BOM):
        problem(
            ProblemKind.BOM,
            Severity.ERROR,
            1,
            1,
            "byte order mark at start of file: the go command reads it as part of the first "
            "module path, so that line never matches",
        )
    raw_lines = text.split("\n")
    if raw_lines and raw_lines[-1] == "":
        raw_lines.pop()
    for lineno, raw in enumerate(raw_lines, start=1):
        body = raw.removeprefix(_BOM) if lineno == 1 else raw
        for marker in _MERGE_MARKERS:
            if body.startswith(marker) and (len(body) == 7 or body[7] in " \t\r"):
                problem(
                    ProblemKind.MERGE_CONFLICT,
                    Severity.ERROR,
                    lineno,
                    1,
                    f"unresolved merge conflict marker {marker}",
                )
                break
        if has_invalid_utf8(raw):
            problem(ProblemKind.INVALID_UTF8, Severity.ERROR, lineno, 1, "invalid UTF-8")
        fields = go_fields_with_columns(raw)
        if not fields:
            continue
        if len(fields) != 3:
            problem(
                ProblemKind.FIELDS,
                Severity.ERROR,
                lineno,
                fields[0][0] + 1,
                f"wrong number of fields {len(fields)}",
                rejects=True,
            )
            continue
        (col0, path), (_, version), (_, hash_) = fields
        col = col0 + 1
        if hash_ == EMPTY_GOMOD_HASH:
            problem(
                ProblemKind.EMPTY_GOMOD_HASH,
                Severity.NOTE,
                lineno,
                col,
                "hash of an empty go.mod (an old go command bug): the go command ignores it",
            )
            continue
        is_gomod = version.endswith("/go.mod")
        entry = GoSumLine(path, version.removesuffix("/go.mod"), is_gomod, hash_, lineno, col)
        if not entry.hash.startswith("h1:"):
            problem(
                ProblemKind.UNKNOWN_ALGORITHM,
                Severity.WARNING,
                lineno,
                col,
                f"unknown hash algorithm in {module.go_quote(entry.hash)}: the go command "
                "keeps it but verifies nothing with it",
            )
        if lineno > 1 or not path.startswith(_BOM):
            problems.extend(_check_names(path, entry.version, lineno, col))
        earlier = index.setdefault(entry.key, [])
        for prev in earlier:
            if prev.hash == entry.hash:
                problem(
                    ProblemKind.DUPLICATE,
                    Severity.NOTE,
                    lineno,
                    col,
                    f"duplicate of line {prev.line}",
                )
                break
            if prev.algorithm == entry.algorithm == "h1":
                problem(
                    ProblemKind.CONFLICT,
                    Severity.ERROR,
                    lineno,
                    col,
                    f"{entry.path} {entry.go_version}: hash {entry.hash} differs from "
                    f"{prev.hash} on line {prev.line}; at most one is right, and the go "
                    'command stops with "checksum mismatch" if the wrong one comes first',
                )
                break
        earlier.append(entry)
        lines.append(entry)
    frozen = {k: tuple(v) for k, v in index.items()}
    return GoSum(filename, tuple(lines), tuple(problems), frozen)


def gosum_to_json(gosum: GoSum) -> dict[str, Any]:
    """The parsed file as a JSON-ready dict in our versioned shape (SCHEMA_VERSION)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "file": gosum.filename,
        "lines": [
            {
                "path": ln.path,
                "version": ln.version,
                "gomod": ln.is_gomod,
                "hash": ln.hash,
                "algorithm": ln.algorithm,
                "line": ln.line,
                "column": ln.column,
            }
            for ln in gosum.lines
        ],
        "problems": [
            {
                "kind": str(p.kind),
                "severity": str(p.severity),
                "line": p.line,
                "column": p.column,
                "message": p.message,
                "go_rejects": p.go_rejects,
            }
            for p in gosum.problems
        ],
    }
