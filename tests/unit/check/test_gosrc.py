"""Import scanning and build constraints as `go mod tidy` applies them (tags {"*"})."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gomodcheck.gosrc.constraint import (
    ConstraintSyntaxError,
    parse_go_build,
    parse_plus_build,
    should_build_any_tags,
)
from gomodcheck.gosrc.imports import read_imports, read_imports_bytewise
from gomodcheck.gosrc.scan import scan_dir, walk_package_dirs
from gomodcheck.gosrc.tree import DirTree


@pytest.mark.parametrize(
    ("header", "included"),
    [
        ("//go:build ignore\n\npackage x\n", False),
        ("//go:build !ignore\n\npackage x\n", True),
        ("//go:build linux && !linux\n\npackage x\n", True),  # each tag takes the helpful value
        ("//go:build ignore || windows\n\npackage x\n", True),
        ("//go:build ignore && windows\n\npackage x\n", False),
        ("//go:build (\n\npackage x\n", False),  # a syntax error leaves the file out
        ("//go:build a\n//go:build b\n\npackage x\n", False),  # two //go:build lines
        ("// +build ignore\n\npackage x\n", False),
        ("// +build !!linux\n\npackage x\n", False),  # !! reads as ignore
        ("// +build linux\n// +build ignore\n\npackage x\n", False),  # lines are ANDed
        ("// +build linux,!linux darwin\n\npackage x\n", True),
        ("// +build ignore\npackage x\n", True),  # no blank line: not a constraint
        ("package x\n// +build ignore\n", True),  # after the package clause: ignored
        ("//go:build ignore\n// +build linux\n\npackage x\n", False),  # //go:build wins
        ("//go:buildignore\n\npackage x\n", True),  # not a //go:build line
        ("/* //go:build ignore */\n\npackage x\n", True),
    ],
)
def test_tidy_includes_a_file_unless_its_constraint_needs_ignore(
    header: str, included: bool
) -> None:
    assert should_build_any_tags(header) is included


def test_build_expressions_parse_with_go_precedence() -> None:
    x = parse_go_build("//go:build a || b && !c")
    assert repr(x).startswith("Or(")
    with pytest.raises(ConstraintSyntaxError):
        parse_go_build("//go:build a &")
    assert repr(parse_plus_build("// +build a,b c")).startswith("Or(")


def test_imports_are_read_from_every_import_form() -> None:
    src = (
        b'// doc\n/* c */ package foo // x\n\nimport "fmt"\nimport (\n  f "os"; . "strings"\n'
        b'  _ `net/http` // c\n  /* x */ "a/b\\x41"\n)\nimport "C"\nfunc main() { import_ := 1 }\n'
        b'import "late"\n'
    )
    fi = read_imports(src)
    assert fi.paths == ("fmt", "os", "strings", "net/http", "a/bA", "C")
    assert fi.header.endswith(b'import "C"\n')


def test_a_broken_import_block_keeps_the_imports_read_so_far() -> None:
    fi = read_imports(b'package x\nimport (\n "a"\n 1\n)\n')
    assert fi.paths == ("a",)
    assert fi.syntax_error


_IDENT = st.from_regex(r"[a-z][a-z0-9]{0,6}", fullmatch=True)
_PATH = st.lists(_IDENT, min_size=1, max_size=4).map("/".join)


@given(
    st.lists(
        st.tuples(
            _PATH,
            st.sampled_from(["", "_ ", ". ", "x "]),
            st.sampled_from(['"', "`"]),
            st.sampled_from(["", " // c", " /* c */", ";"]),
        ),
        max_size=8,
    )
)
def test_import_lists_round_trip_through_the_reader(specs: list[tuple[str, str, str, str]]) -> None:
    body = "".join(f"\t{alias}{q}{p}{q}{tail}\n" for p, alias, q, tail in specs)
    src = f"package main\n\nimport (\n{body})\n\nfunc main() {{}}\n".encode()
    assert read_imports(src).paths == tuple(p for p, *_ in specs)


def test_package_walk_skips_testdata_hidden_nested_modules_and_below_vendor(tmp_path) -> None:  # type: ignore[no-untyped-def]
    for d in ("a", "a/testdata", "_b", ".c", "nested", "vendor/x", "d"):
        (tmp_path / d).mkdir(parents=True)
        (tmp_path / d / "f.go").write_text("package p\n")
    (tmp_path / "nested" / "go.mod").write_text("module nested\n")
    assert sorted(walk_package_dirs(DirTree(tmp_path))) == ["", "a", "d", "vendor"]


def test_scan_dir_separates_test_imports_and_drops_magic_ones(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "a.go").write_text('package a\nimport "C"\nimport "x.com/y"\n')
    (tmp_path / "a_test.go").write_text('package a\nimport "x.com/t"\n')
    (tmp_path / "b.go").write_text('//go:build ignore\n\npackage main\nimport "x.com/ignored"\n')
    (tmp_path / "_c.go").write_text('package a\nimport "x.com/underscore"\n')
    r = scan_dir(DirTree(tmp_path), "")
    assert r is not None
    assert r.imports == ("x.com/y",)
    assert r.test_imports == ("x.com/t",)


def test_a_directory_with_only_ignored_files_is_not_a_package(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "gen.go").write_text("//go:build ignore\n\npackage main\n")
    assert scan_dir(DirTree(tmp_path), "") is None


_NOISE = st.sampled_from(["", " ", "\n", "\t", ";", "// c\n", "/* c */", "/*\n*/", "\n\n"])


@given(
    st.lists(
        st.tuples(
            _NOISE, _PATH, st.sampled_from(["", "_ ", ". ", "x "]), st.sampled_from(['"', "`"])
        ),
        max_size=6,
    ),
    _NOISE,
    st.booleans(),
    st.sampled_from(["func f() {}\n", "var x = 1\n", "", "type T int\n", "import\n", "import (\n"]),
)
def test_fast_import_reader_matches_the_byte_reader(
    specs: list[tuple[str, str, str, str]], noise: str, grouped: bool, tail: str
) -> None:
    if grouped:
        body = "".join(f"{n}{a}{q}{p}{q}\n" for n, p, a, q in specs)
        src = f"package main{noise}\nimport ({body}){noise}{tail}"
    else:
        src = "package main\n" + "".join(f"import{n} {a}{q}{p}{q}{noise}\n" for n, p, a, q in specs)
        src += tail
    data = src.encode()
    fast, slow = read_imports(data), read_imports_bytewise(data)
    assert fast.quoted == slow.quoted
    assert fast.header == slow.header
