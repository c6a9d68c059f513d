"""Case-encoding is a bijection on valid module paths and versions (hypothesis)."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gomodcheck import module

_elem = st.from_regex(r"[a-zA-Z0-9][a-zA-Z0-9_-]{0,8}", fullmatch=True)
_host = st.from_regex(r"[a-z0-9][a-z0-9-]{0,8}\.[a-z]{2,4}", fullmatch=True)
_paths = st.builds(lambda h, es: "/".join([h, *es]), _host, st.lists(_elem, max_size=4))
_versions = st.from_regex(r"v[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}(-[A-Za-z0-9]{1,8})?", fullmatch=True)


@given(_paths)
def test_escaped_path_has_no_upper_case_and_unescapes_to_the_original(path: str) -> None:
    try:
        module.check_path(path)
    except module.InvalidPathError:
        return  # e.g. a Windows device name or a /v1 suffix: covered by the table tests
    esc = module.escape_path(path)
    assert esc == esc.lower()
    assert module.unescape_path(esc) == path


@given(_versions)
def test_escaped_version_unescapes_to_the_original(version: str) -> None:
    esc = module.escape_version(version)
    assert not any("A" <= c <= "Z" for c in esc)
    assert module.unescape_version(esc) == version


@given(st.text(max_size=30))
def test_unescape_never_raises_anything_but_value_error(s: str) -> None:
    for fn in (module.unescape_path, module.unescape_version):
        with contextlib.suppress(ValueError):
            fn(s)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("x", 'malformed module path "x": missing dot in first path element'),
        ("x.y/z/", 'malformed module path "x.y/z/": trailing slash'),
        ("x.y/CON", 'malformed module path "x.y/CON": "CON" disallowed as path element component on Windows'),
        ("x.y/a☺", "malformed module path \"x.y/a☺\": invalid char '☺'"),
        ("x.y/\udcff", 'malformed module path "x.y/\\xff": invalid UTF-8'),
        ("x.y/z/v1", 'malformed module path "x.y/z/v1": invalid version'),
        ("Example.com/z", "malformed module path \"Example.com/z\": invalid char 'E' in first path element"),
    ],
)
def test_invalid_module_paths_are_reported_in_the_go_commands_words(path: str, message: str) -> None:
    with pytest.raises(module.InvalidPathError) as info:
        module.check_path(path)
    assert str(info.value) == message


def test_module_version_prints_as_path_at_version_and_sorts_go_mod_after_zip() -> None:
    a = module.ModuleVersion("rsc.io/quote", "v1.5.2")
    b = module.ModuleVersion("rsc.io/quote", "v1.5.2/go.mod")
    c = module.ModuleVersion("rsc.io/quote", "v1.10.0")
    assert str(a) == "rsc.io/quote@v1.5.2"
    assert str(module.ModuleVersion("example.com/main")) == "example.com/main"
    assert module.sort([c, b, a]) == [a, b, c]


@given(st.text(max_size=40), st.text(max_size=12))
def test_path_and_version_functions_only_ever_raise_value_errors(path: str, version: str) -> None:
    for call in (
        lambda: module.check_path(path), lambda: module.check_import_path(path),
        lambda: module.check_file_path(path), lambda: module.check(path, version),
        lambda: module.escape_path(path), lambda: module.escape_version(version),
        lambda: module.pseudo_version_base(version), lambda: module.pseudo_version_time(version),
        lambda: module.match_prefix_patterns(path, version),
        lambda: module.check_path_major(version, module.split_path_version(path)[1]),
    ):
        with contextlib.suppress(ValueError):
            call()
