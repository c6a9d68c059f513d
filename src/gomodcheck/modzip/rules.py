"""Which files belong in a module zip: x/mod zip's CheckFiles, with its messages.

Every file is put in exactly one list: valid (goes in the zip), omitted (left out on purpose:
vendored packages, nested modules, .hg_archival.txt, symbolic links, irregular files) or invalid
(makes the module unzippable: bad paths, case-insensitive collisions, a go.mod in the wrong case,
files over the size limits). Pure: reads only the root go.mod's go line.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from gomodcheck.errors import ParseError
from gomodcheck.module import check_file_path
from gomodcheck.modzip.files import File, Kind

MAX_ZIP_FILE = 500 << 20  # a module zip and its extracted content
MAX_GO_MOD = 16 << 20
MAX_LICENSE = 16 << 20

ERR_PATH_NOT_CLEAN = "file path is not clean"
ERR_PATH_NOT_RELATIVE = "file path is not relative"
ERR_GO_MOD_CASE = "go.mod files must have lowercase names"
ERR_GO_MOD_SIZE = f"go.mod file too large (max size is {MAX_GO_MOD} bytes)"
ERR_LICENSE_SIZE = f"LICENSE file too large (max size is {MAX_LICENSE} bytes)"
ERR_VCS = "directory is a version control repository"
ERR_VENDORED = "file is in vendor directory"
ERR_SUBMODULE_FILE = "file is in another module"
ERR_SUBMODULE_DIR = "directory is in another module"
ERR_HG_ARCHIVAL = "file is inserted by 'hg archive' and is always omitted"
ERR_SYMLINK = "file is a symbolic link"
ERR_NOT_REGULAR = "not a regular file"


@dataclass(frozen=True)
class FileError:
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass
class CheckedFiles:
    """The verdict on each file; `error()` says whether they make a valid module zip."""

    valid: list[str] = field(default_factory=list)
    omitted: list[FileError] = field(default_factory=list)
    invalid: list[FileError] = field(default_factory=list)
    size_error: str = ""

    def error(self) -> str:
        """ "" when valid; else the size error or every invalid file, one per line."""
        if self.size_error:
            return self.size_error
        return "\n".join(str(e) for e in self.invalid)


# --- Go versions (go/version.Lang and Compare, as far as the vendor rule needs them) ---------

_GO_VERSION = re.compile(
    r"^go(0|[1-9][0-9]*)(?:\.(0|[1-9][0-9]*))?(?:\.(0|[1-9][0-9]*))?(?:(?:rc|beta)(?:0|[1-9][0-9]*))?$"
)


def go_lang(version: str) -> tuple[int, int] | None:
    """(major, minor) of a toolchain version such as "go1.24rc1"; None if not one."""
    m = _GO_VERSION.match(version)
    if m is None:
        return None
    return int(m.group(1)), int(m.group(2) or 0)


def at_least_go124(lang: tuple[int, int] | None) -> bool:
    # An unknown version compares lower than every valid one, as go/version.Compare does.
    return lang is not None and lang >= (1, 24)


def gomod_go_version(data: bytes) -> tuple[int, int] | None:
    """The language version of a go.mod's go line, read leniently; None if absent or bad."""
    from gomodcheck.modfile import parse_gomod  # noqa: PLC0415 - modfile is larger; load on use

    try:
        parsed = parse_gomod(data, "go.mod", strict=False)
    except (ParseError, ValueError):
        return None
    return go_lang("go" + parsed.go.version) if parsed.go is not None else None


def is_vendored_package(name: str, lang: tuple[int, int] | None) -> bool:
    """Whether a file is in a vendored package (vendor/<import path>/...), which zips omit.

    Files directly in vendor/ are kept (they were before modules). Go 1.24 changed two things:
    vendor/modules.txt is omitted, and for a nested "x/vendor/" the test looks past that vendor/
    (older versions looked past only its length from the start, golang.org/issue/37397).
    """
    new = at_least_go124(lang)
    if new and name == "vendor/modules.txt":
        return True
    if name.startswith("vendor/"):
        i = len("vendor/")
    elif (j := name.find("/vendor/")) >= 0:
        i = j + len("/vendor/") if new else len("/vendor/")
    else:
        return False
    return "/" in name[i:]


# --- case folding ------------------------------------------------------------------------------


def str_to_fold(s: str) -> str:
    """A key equal for two strings exactly when Go's strings.EqualFold says they are equal.

    Go maps each rune to the smallest rune of its simple case-folding orbit; Python has no
    SimpleFold, so we take the smallest single-rune result of lower/upper round trips, which
    agrees for every script whose case mappings are one-to-one (all module paths seen so far).
    """
    if s.isascii():
        return s.lower()
    out = []
    for c in s:
        candidates = [c]
        for f in (c.lower(), c.upper(), c.lower().upper(), c.upper().lower()):
            if len(f) == 1:
                candidates.append(f)
        r = min(candidates)
        out.append(r.lower() if "A" <= r <= "Z" else r)
    return "".join(out)


class CollisionChecker:
    """Finds paths equal under case folding, and paths used as both a file and a directory."""

    def __init__(self) -> None:
        self._seen: dict[str, tuple[str, bool]] = {}

    def check(self, p: str, is_dir: bool) -> str:
        """ "" if p is fine, else the reason; parent directories are registered too."""
        while True:
            fold = str_to_fold(p)
            other = self._seen.get(fold)
            if other is not None:
                other_path, other_is_dir = other
                if p != other_path:
                    return f"case-insensitive file name collision: {_q(other_path)} and {_q(p)}"
                if is_dir != other_is_dir:
                    return f"entry {_q(p)} is both a file and a directory"
                if not is_dir:
                    return f"multiple entries for file {_q(p)}"
                # A directory seen before: its parents are registered already.
                return ""
            self._seen[fold] = (p, is_dir)
            parent = posixpath.dirname(p)
            if parent in ("", "."):
                return ""
            p, is_dir = parent, True


def _q(s: str) -> str:
    from gomodcheck.module import go_quote  # noqa: PLC0415

    return go_quote(s)


# --- CheckFiles ------------------------------------------------------------------------------


def go_clean(p: str) -> str:
    """Go's path.Clean."""
    if p == "":
        return "."
    cleaned = posixpath.normpath(p)
    if cleaned.startswith("//"):
        cleaned = "/" + cleaned.lstrip("/")
    return cleaned


def check_files(files: Sequence[File]) -> tuple[CheckedFiles, list[tuple[File, int]]]:
    """Sort files into valid, omitted and invalid; also return the valid files with sizes."""
    cf = CheckedFiles()
    seen_errors: set[str] = set()

    def add_error(path: str, omitted: bool, reason: str) -> None:
        if path in seen_errors:
            return
        seen_errors.add(path)
        (cf.omitted if omitted else cf.invalid).append(FileError(path, reason))

    # Directories holding a go.mod (other than the root) are other modules: leave them out.
    have_gomod: set[str] = set()
    lang: tuple[int, int] | None = None
    for f in files:
        directory, base = posixpath.split(f.path)
        if str_to_fold(base) != "go.mod":
            continue
        try:
            info = f.lstat()
        except OSError as exc:
            add_error(f.path, False, str(exc))
            continue
        if info.kind is not Kind.FILE:
            continue
        have_gomod.add(directory)
        if base == "go.mod" and directory == "":
            try:
                with f.open() as stream:
                    lang = gomod_go_version(stream.read(MAX_GO_MOD + 1))
            except OSError:
                lang = None

    def in_submodule(p: str) -> bool:
        d = posixpath.dirname(p)
        while d:
            if d in have_gomod:
                return True
            d = posixpath.dirname(d)
        return False

    collisions = CollisionChecker()
    budget = MAX_ZIP_FILE
    valid: list[tuple[File, int]] = []
    for f in files:
        p = f.path
        if p != go_clean(p):
            add_error(p, False, ERR_PATH_NOT_CLEAN)
            continue
        if p.startswith("/"):
            add_error(p, False, ERR_PATH_NOT_RELATIVE)
            continue
        if is_vendored_package(p, lang):
            add_error(p, True, ERR_VENDORED)
            continue
        if in_submodule(p):
            add_error(p, True, ERR_SUBMODULE_FILE)
            continue
        if p == ".hg_archival.txt":
            # Written by `hg archive`; the go command drops it whatever the VCS.
            add_error(p, True, ERR_HG_ARCHIVAL)
            continue
        try:
            check_file_path(p)
        except ValueError as exc:
            add_error(p, False, str(exc))
            continue
        if p.lower() == "go.mod" and p != "go.mod":
            add_error(p, False, ERR_GO_MOD_CASE)
            continue
        try:
            info = f.lstat()
        except OSError as exc:
            add_error(p, False, str(exc))
            continue
        reason = collisions.check(p, info.kind is Kind.DIR)
        if reason:
            add_error(p, False, reason)
            continue
        if info.kind is Kind.SYMLINK:
            add_error(p, True, ERR_SYMLINK)  # golang.org/issue/27093
            continue
        if info.kind is not Kind.FILE:
            add_error(p, True, ERR_NOT_REGULAR)
            continue
        if 0 <= info.size <= budget:
            budget -= info.size
        elif not cf.size_error:
            cf.size_error = f"module source tree too large (max size is {MAX_ZIP_FILE} bytes)"
        if p == "go.mod" and info.size > MAX_GO_MOD:
            add_error(p, False, ERR_GO_MOD_SIZE)
            continue
        if p == "LICENSE" and info.size > MAX_LICENSE:
            add_error(p, False, ERR_LICENSE_SIZE)
            continue
        cf.valid.append(p)
        valid.append((f, info.size))
    return cf, valid
