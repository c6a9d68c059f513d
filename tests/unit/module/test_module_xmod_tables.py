"""x/mod's module tests, run against gomodcheck.module (tables in xmod_*_tables.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from gomodcheck import module
from tests.unit.module.xmod_module_tables import (
    BAD_UNESCAPE,
    CHECK_PATH_TESTS,
    CHECK_TESTS,
    ESCAPE_TESTS,
    MATCH_PATH_MAJOR_TESTS,
    MATCH_PREFIX_PATTERNS_TESTS,
    SPLIT_PATH_VERSION_TESTS,
)
from tests.unit.module.xmod_pseudo_tables import INVALID_PSEUDO_BASE, PSEUDO_TESTS

PSEUDO_TIME = dt.datetime(2006, 1, 2, 15, 4, 5, tzinfo=dt.UTC)


def _ok(fn: object, *args: str) -> bool:
    try:
        fn(*args)  # type: ignore[operator]
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(("path", "version", "ok"), CHECK_TESTS)
def test_check_accepts_exactly_the_module_versions_xmod_accepts(
    path: str, version: str, ok: bool
) -> None:
    assert _ok(module.check, path, version) == ok


@pytest.mark.parametrize(("path", "ok", "import_ok", "file_ok"), CHECK_PATH_TESTS)
def test_path_checks_agree_with_xmod_for_module_import_and_file_paths(
    path: str, ok: bool, import_ok: bool, file_ok: bool
) -> None:
    assert _ok(module.check_path, path) == ok
    assert _ok(module.check_import_path, path) == import_ok
    assert _ok(module.check_file_path, path) == file_ok


@pytest.mark.parametrize(("path", "ok", "import_ok", "file_ok"), CHECK_PATH_TESTS)
def test_invalid_module_paths_cannot_be_escaped_or_unescaped(
    path: str, ok: bool, import_ok: bool, file_ok: bool
) -> None:
    pieces = module.split_path_version(path)
    assert pieces[0] + pieces[1] == path
    if not ok:
        with pytest.raises(module.InvalidPathError):
            module.escape_path(path)
        with pytest.raises(ValueError, match="invalid escaped module path"):
            module.unescape_path(path)


@pytest.mark.parametrize(("prefix", "suffix"), SPLIT_PATH_VERSION_TESTS)
def test_split_path_version_finds_the_major_version_suffix(prefix: str, suffix: str) -> None:
    assert module.split_path_version(prefix + suffix) == (prefix, suffix, True)


@pytest.mark.parametrize(("path", "escaped"), ESCAPE_TESTS)
def test_escape_path_case_encodes_and_unescape_path_reverses_it(path: str, escaped: str) -> None:
    want = escaped or path
    assert module.escape_path(path) == want
    assert module.unescape_path(want) == path


@pytest.mark.parametrize("bad", BAD_UNESCAPE)
def test_unescape_path_rejects_bad_case_encodings(bad: str) -> None:
    with pytest.raises(ValueError, match="invalid escaped module path"):
        module.unescape_path(bad)


@pytest.mark.parametrize(("version", "path_major", "want"), MATCH_PATH_MAJOR_TESTS)
def test_match_path_major_agrees_with_xmod(version: str, path_major: str, want: bool) -> None:
    assert module.match_path_major(version, path_major) == want


@pytest.mark.parametrize(("globs", "target", "want"), MATCH_PREFIX_PATTERNS_TESTS)
def test_goprivate_style_patterns_match_as_in_xmod(globs: str, target: str, want: bool) -> None:
    assert module.match_prefix_patterns(globs, target) == want


@pytest.mark.parametrize(("major", "older", "version"), PSEUDO_TESTS)
def test_pseudo_version_forms_round_trip(major: str, older: str, version: str) -> None:
    assert module.pseudo_version(major, older, PSEUDO_TIME, "hash") == version
    assert module.is_pseudo_version(version)
    assert not module.is_pseudo_version(older)
    assert module.pseudo_version_time(version) == PSEUDO_TIME
    assert module.pseudo_version_rev(version) == "hash"
    assert module.pseudo_version_base(version) == older
    with pytest.raises(module.InvalidVersionError):
        module.pseudo_version_time(older)
    with pytest.raises(module.InvalidVersionError):
        module.pseudo_version_rev(older)


def test_pseudo_version_time_rejects_a_non_pseudo_version() -> None:
    with pytest.raises(module.InvalidVersionError, match='pseudo-version "---" invalid'):
        module.pseudo_version_time("---")


@pytest.mark.parametrize("version", INVALID_PSEUDO_BASE)
def test_pseudo_version_base_rejects_versions_without_a_base(version: str) -> None:
    with pytest.raises(module.InvalidVersionError):
        module.pseudo_version_base(version)
