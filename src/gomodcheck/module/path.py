"""Module, import and file path rules (x/mod CheckPath, CheckImportPath, CheckFilePath) and
major-version suffixes (SplitPathVersion, CheckPathMajor)."""

from __future__ import annotations

import enum
import functools
import re

from gomodcheck import semver
from gomodcheck.module.errors import InvalidPathError, InvalidVersionError, ModuleError
from gomodcheck.module.quote import go_quote, go_quote_rune, has_invalid_utf8

__all__ = [
    "canonical_version",
    "check",
    "check_file_path",
    "check_import_path",
    "check_path",
    "check_path_major",
    "match_path_major",
    "path_major_prefix",
    "split_path_version",
]


class _Kind(enum.Enum):
    MODULE = "module"
    IMPORT = "import"
    FILE = "file"


_MOD_PATH_CHARS = frozenset("-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_IMPORT_PATH_CHARS = _MOD_PATH_CHARS | {"+"}
_FIRST_ELEM_CHARS = frozenset("-.0123456789abcdefghijklmnopqrstuvwxyz")
_FILE_ASCII_CHARS = frozenset(
    "!#$%&()+,-.=@[]^_{}~ 0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)

# Reserved device names on Windows; a path element whose part before the first dot is one of
# these (in any case) cannot be a file there, so modules may not use it anywhere.
_BAD_WINDOWS_NAMES = frozenset(
    ["CON", "PRN", "AUX", "NUL"]
    + [f"COM{i}" for i in range(1, 10)]
    + [f"LPT{i}" for i in range(1, 10)]
)


# Whole-element checks for the common all-ASCII case; the loop below finds the bad character.
_FAST_OK = {
    _Kind.MODULE: re.compile(r"[-._~0-9A-Za-z]+"),
    _Kind.IMPORT: re.compile(r"[-._~+0-9A-Za-z]+"),
}


def _char_ok(c: str, kind: _Kind) -> bool:
    if kind is _Kind.MODULE:
        return c in _MOD_PATH_CHARS
    if kind is _Kind.IMPORT:
        return c in _IMPORT_PATH_CHARS
    if c < "\x80":
        return c in _FILE_ASCII_CHARS
    return c.isalpha()  # unicode.IsLetter: categories L*


@functools.lru_cache(maxsize=1 << 16)
def _check_elem(elem: str, kind: _Kind) -> str | None:
    """The reason elem is not a valid path element, or None (remembered: a large import graph
    repeats the same few thousand elements tens of thousands of times)."""
    if not elem:
        return "empty path element"
    if elem.count(".") == len(elem):
        return f"invalid path element {go_quote(elem)}"
    if elem[0] == "." and kind is _Kind.MODULE:
        return "leading dot in path element"
    if elem[-1] == ".":
        return "trailing dot in path element"
    fast = _FAST_OK.get(kind)
    if fast is None or not fast.fullmatch(elem):
        for c in elem:
            if not _char_ok(c, kind):
                return f"invalid char {go_quote_rune(c)}"
    short = elem.split(".", 1)[0]
    if short.upper() in _BAD_WINDOWS_NAMES and short.isascii():
        return f"{go_quote(short)} disallowed as path element component on Windows"
    if kind is _Kind.FILE:
        return None
    # Windows 8.3 short names look like PROGRA~1: a trailing tilde and digits is not allowed.
    tilde = short.rfind("~")
    if 0 <= tilde < len(short) - 1 and all("0" <= c <= "9" for c in short[tilde + 1 :]):
        return "trailing tilde and digits in path element"
    return None


def _check_path(path: str, kind: _Kind) -> str | None:
    if has_invalid_utf8(path):
        return "invalid UTF-8"
    if not path:
        return "empty string"
    if path[0] == "-" and kind is not _Kind.FILE:
        return "leading dash"
    if "//" in path:
        return "double slash"
    if path[-1] == "/":
        return "trailing slash"
    for elem in path.split("/"):
        reason = _check_elem(elem, kind)
        if reason is not None:
            return reason
    return None


def _module_path_reason(path: str) -> str | None:
    reason = _check_path(path, _Kind.MODULE)
    if reason is not None:
        return reason
    first = path.split("/", 1)[0]
    if not first:
        return "leading slash"
    if "." not in first:
        return "missing dot in first path element"
    if path[0] == "-":
        return "leading dash in first path element"
    for c in first:
        if c not in _FIRST_ELEM_CHARS:
            return f"invalid char {go_quote_rune(c)} in first path element"
    if split_path_version(path)[2] is False:
        return "invalid version"
    return None


def check_path(path: str) -> None:
    """Raise InvalidPathError unless path is a valid module path (x/mod CheckPath)."""
    reason = _module_path_reason(path)
    if reason is not None:
        raise InvalidPathError("module", path, reason)


def check_import_path(path: str) -> None:
    """Raise InvalidPathError unless path is a valid package import path."""
    reason = _check_path(path, _Kind.IMPORT)
    if reason is not None:
        raise InvalidPathError("import", path, reason)


def check_file_path(path: str) -> None:
    """Raise InvalidPathError unless path is a valid file path inside a module zip."""
    reason = _check_path(path, _Kind.FILE)
    if reason is not None:
        raise InvalidPathError("file", path, reason)


def check_elem_file(elem: str) -> str | None:
    """The reason elem cannot be one file-path element (used for versions), or None."""
    return _check_elem(elem, _Kind.FILE)


def _split_gopkg_in(path: str) -> tuple[str, str, bool]:
    # gopkg.in/yaml.v2, gopkg.in/check.v1-unstable: the major version follows a dot.
    i = len(path)
    if path.endswith("-unstable"):
        i -= len("-unstable")
    while i > 0 and "0" <= path[i - 1] <= "9":
        i -= 1
    if i <= 1 or path[i - 1] != "v" or path[i - 2] != ".":
        return path, "", False
    prefix, path_major = path[: i - 2], path[i - 2 :]
    if len(path_major) <= 2 or (path_major[2] == "0" and path_major != ".v0"):
        return path, "", False
    return prefix, path_major, True


def split_path_version(path: str) -> tuple[str, str, bool]:
    """(prefix, path_major, ok): "example.com/m/v2" -> ("example.com/m", "/v2", True).

    ok is False when the path ends in something that looks like, but is not, a valid major
    version suffix (/v0, /v1, /v1.2, /v02).
    """
    if path.startswith("gopkg.in/"):
        return _split_gopkg_in(path)
    i = len(path)
    dot = False
    while i > 0 and ("0" <= path[i - 1] <= "9" or path[i - 1] == "."):
        if path[i - 1] == ".":
            dot = True
        i -= 1
    if i <= 1 or i == len(path) or path[i - 1] != "v" or path[i - 2] != "/":
        return path, "", True
    prefix, path_major = path[: i - 2], path[i - 2 :]
    if dot or len(path_major) <= 2 or path_major[2] == "0" or path_major == "/v1":
        return path, "", False
    return prefix, path_major, True


def check_path_major(version: str, path_major: str) -> None:
    """Raise InvalidVersionError unless version may be used with the path's major suffix."""
    if path_major.startswith(".v") and path_major.endswith("-unstable"):
        path_major = path_major.removesuffix("-unstable")
    if version.startswith("v0.0.0-") and path_major == ".v1":
        return  # gopkg.in/x.v1 was commonly required at pseudo-versions of v0
    m = semver.major(version)
    if path_major == "":
        if m in ("v0", "v1") or semver.build(version) == "+incompatible":
            return
        want = "v0 or v1"
    elif path_major[0] in "/.":
        if m == path_major[1:]:
            return
        want = path_major[1:]
    else:
        want = path_major
    raise InvalidVersionError(version, f"should be {want}, not {m}")


def match_path_major(version: str, path_major: str) -> bool:
    """Whether check_path_major would accept version for path_major."""
    try:
        check_path_major(version, path_major)
    except InvalidVersionError:
        return False
    return True


def path_major_prefix(path_major: str) -> str:
    """The major version a suffix requires ("/v2" -> "v2", ".v1-unstable" -> "v1")."""
    if not path_major:
        return ""
    if path_major[0] not in "/.":
        raise ValueError(f"pathMajor suffix {path_major} lacks separator")
    if path_major.startswith(".v") and path_major.endswith("-unstable"):
        path_major = path_major.removesuffix("-unstable")
    m = path_major[1:]
    if m != semver.major(m):
        raise ValueError(f"pathMajor suffix {path_major} is not a valid major version")
    return m


def check(path: str, version: str) -> None:
    """Raise unless path@version is a valid module version (x/mod Check)."""
    check_path(path)
    if not semver.is_valid(version):
        raise ModuleError(path, "", InvalidVersionError(version, "not a semantic version"))
    _, path_major, _ = split_path_version(path)
    try:
        check_path_major(version, path_major)
    except InvalidVersionError as e:
        raise ModuleError(path, "", e) from None


def canonical_version(v: str) -> str:
    """semver.canonical, but keeping "+incompatible" (the one build suffix Go modules use)."""
    cv = semver.canonical(v)
    if semver.build(v) == "+incompatible":
        cv += "+incompatible"
    return cv
