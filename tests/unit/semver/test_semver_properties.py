"""Ordering properties a sort of versions relies on, over generated versions (hypothesis)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gomodcheck import semver

_ident = st.from_regex(r"(0|[1-9][0-9]{0,2}|[a-z][a-z0-9-]{0,3})", fullmatch=True)
_versions = st.builds(
    lambda a, b, c, pre, bld: f"v{a}.{b}.{c}" + (f"-{'.'.join(pre)}" if pre else "")
    + (f"+{bld}" if bld else ""),
    st.integers(0, 12), st.integers(0, 12), st.integers(0, 12),
    st.lists(_ident, max_size=3), st.sampled_from(["", "incompatible", "meta.1"]),
)


@given(_versions, _versions)
def test_compare_is_antisymmetric_and_ignores_build_metadata(a: str, b: str) -> None:
    assert semver.is_valid(a)
    assert semver.compare(a, b) == -semver.compare(b, a)
    assert semver.compare(a, semver.canonical(a)) == 0


@given(_versions, _versions, _versions)
def test_compare_is_transitive(a: str, b: str, c: str) -> None:
    x, y, z = semver.sort_versions([a, b, c])
    assert semver.compare(x, y) <= 0
    assert semver.compare(y, z) <= 0
    assert semver.compare(x, z) <= 0


@given(st.text(max_size=20))
def test_any_text_is_either_a_version_or_canonicalises_to_empty(s: str) -> None:
    assert (semver.canonical(s) != "") == semver.is_valid(s)
    assert semver.compare(s, s) == 0
