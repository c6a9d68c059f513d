"""x/mod's semver tests, run against gomodcheck.semver (tables in xmod_semver_tables.py)."""

from __future__ import annotations

import random

import pytest

from gomodcheck import semver
from tests.unit.semver.xmod_semver_tables import SORT_GOLDEN, TESTS


@pytest.mark.parametrize(("version", "canon"), TESTS)
def test_validity_and_canonical_form_match_xmod(version: str, canon: str) -> None:
    assert semver.is_valid(version) == (canon != "")
    assert semver.canonical(version) == canon


@pytest.mark.parametrize(("version", "canon"), TESTS)
def test_major_minor_prerelease_build_match_xmod(version: str, canon: str) -> None:
    want_major = canon.split(".", maxsplit=1)[0] if "." in canon else ""
    assert semver.major(version) == want_major
    want_mm = ""
    if canon:
        want_mm = version.split("+", maxsplit=1)[0].split("-", maxsplit=1)[0]
        dots = want_mm.count(".")
        if dots == 0:
            want_mm += ".0"
        elif dots == 2:
            want_mm = want_mm[: want_mm.rindex(".")]
    assert semver.major_minor(version) == want_mm
    want_pre = canon[canon.index("-") :] if canon and "-" in canon else ""
    assert semver.prerelease(version) == want_pre
    want_build = version[version.index("+") :] if canon and "+" in version else ""
    assert semver.build(version) == want_build


def test_compare_orders_the_xmod_table_as_listed() -> None:
    for i, (vi, ci) in enumerate(TESTS):
        for j, (vj, cj) in enumerate(TESTS):
            want = 0 if ci == cj else (-1 if i < j else 1)
            assert semver.compare(vi, vj) == want, (vi, vj)


def test_max_version_picks_the_later_canonical_version() -> None:
    for i, (vi, _) in enumerate(TESTS):
        for j, (vj, _) in enumerate(TESTS):
            want = semver.canonical(vj) if i < j else semver.canonical(vi)
            assert semver.max_version(vi, vj) == want, (vi, vj)


def test_sort_versions_gives_xmods_golden_order_from_any_shuffle() -> None:
    versions = [v for v, _ in TESTS]
    rng = random.Random(1)
    for _ in range(20):
        rng.shuffle(versions)
        assert semver.sort_versions(versions) == SORT_GOLDEN
