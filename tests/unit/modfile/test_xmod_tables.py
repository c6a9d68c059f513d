"""golang.org/x/mod modfile's own parsing tests (read_test.go, rule_test.go, testdata) as data."""

from __future__ import annotations

from pathlib import Path

import pytest

from gomodcheck.errors import ParseError
from gomodcheck.modfile import module_path, parse_gomod, parse_gowork
from gomodcheck.modfile.read import parse_syntax
from gomodcheck.modfile.syntax import CommentBlock, Comments, Line, LineBlock

XMOD = Path(__file__).resolve().parents[2] / "assets" / "modfile" / "xmod"


@pytest.mark.parametrize(
    ("src", "want"),
    [
        ("require ()", "require ( )"),
        ("require []{},", "require [ ] { } ,"),
        ("require a[b]c{d}e,", "require a [ b ] c { d } e ,"),
        ("require (\n\ta[b]\n)", "require ( a [ b ] )"),
        ("require [v1.0.0, v1.1.0)", "require [ v1.0.0 , v1.1.0 )"),
    ],
)
def test_brackets_and_commas_are_tokens_of_their_own(src: str, want: str) -> None:
    tokens: list[str] = []
    for stmt in parse_syntax("go.mod", src).stmts:
        if isinstance(stmt, Line):
            tokens += stmt.tokens
        elif isinstance(stmt, LineBlock):
            tokens += [*stmt.tokens, "("]
            for line in stmt.lines:
                tokens += line.tokens
            tokens.append(")")
    assert " ".join(tokens) == want


def test_lax_mode_ignores_what_a_dependency_may_add_in_future() -> None:
    bad = b"""module m
        surprise attack
        x y (
            z
        )
        exclude v1.2.3
        replace <-!!!
        retract v1.2.3 v1.2.4
        retract (v1.2.3, v1.2.4]
        retract v1.2.3 (
            key1 value1
            key2 value2
        )
        require good v1.0.0
    """
    f = parse_gomod(bad, "file", strict=False)
    assert f.module is not None and f.module.path == "m"
    assert [r.path for r in f.require] == ["good"]
    with pytest.raises(ParseError):
        parse_gomod(bad, "file")


# (input, ok in strict mode, ok in lax mode): x/mod TestParseVersions.
VERSION_CASES = [
    ("module m\ngo \n", False, False),
    ("module m\ngo 1\n", False, False),
    ("module m\ngo 1.22\n", True, True),
    ("module m\ngo 1.22.333", True, True),
    ("module m\ngo v1.2\n", False, False),  # x/mod lists it twice; lax needs text after 1.2
    ("module m\ngo 1.2rc1\n", True, True),
    ("module m\ngo 1.2 3.4\n", False, False),
    ("module m\ngo 1.2.3\n", True, True),
    ("module m\ngo 1.2beta1\n", True, True),
    ("module m\ngo 1.2.beta1\n", False, True),
    ("module m\ngo v1.2.3\n", False, True),
    ("module m\ngo v1.2rc1\n", False, True),
    ("module m\ngo v1.2beta1\n", False, True),
    ("module m\ngo v1.2.beta1\n", False, True),
    ("module m\ntoolchain go1.2\n", True, True),
    ("module m\ntoolchain go1.2.3\n", True, True),
    ("module m\ntoolchain go1.2rc1\n", True, True),
    ("module m\ntoolchain go1.2rc1-gccgo\n", True, True),
    ("module m\ntoolchain default\n", True, True),
    ("module m\ntoolchain inconceivable!\n", False, True),
]


@pytest.mark.parametrize(("src", "strict_ok", "lax_ok"), VERSION_CASES)
def test_go_and_toolchain_lines_accept_what_the_go_command_accepts(
    src: str, strict_ok: bool, lax_ok: bool
) -> None:
    for strict, ok in ((True, strict_ok), (False, lax_ok)):
        try:
            parse_gomod(src.encode(), "go.mod", strict=strict)
            parsed = True
        except ParseError:
            parsed = False
        assert parsed == ok, f"strict={strict}"


def _describe(prefix: str, c: Comments) -> list[str]:
    return (
        [f"{prefix} before {c.token!r}" for c in c.before]
        + [f"{prefix} suffix {c.token!r}" for c in c.suffix]
        + [f"{prefix} after {c.token!r}" for c in c.after]
    )


def _comments(src: str) -> list[str]:
    f = parse_gomod(src.encode(), "go.mod", strict=False)
    out = _describe("file", f.syntax.comments)
    for stmt in f.syntax.stmts:
        if isinstance(stmt, CommentBlock):
            out += _describe("comments", stmt.comments)
        elif isinstance(stmt, Line):
            out += _describe("line", stmt.comments)
        else:
            out += _describe("block", stmt.comments)
            out += _describe("lparen", stmt.lparen.comments)
            for line in stmt.lines:
                out += _describe("blockline", line.comments)
            out += _describe("rparen", stmt.rparen.comments)
    return out


def test_comments_attach_to_the_syntax_they_describe() -> None:
    assert _comments("\n// a\n// b\n") == ["comments before '// a'", "comments before '// b'"]
    assert _comments("\n// a\n\n// b\nmodule m // c\n// d\n\n// e\n") == [
        "comments before '// a'",
        "line before '// b'",
        "line suffix '// c'",
        "comments before '// d'",
        "comments before '// e'",
    ]
    block = (
        "\n// a\n\n// b\nblock ( // c\n\t// d\n\n\t// e\n\tx // f\n\t// g\n\n\t// h\n) // i\n"
        "// j\n\n// k\n"
    )
    assert _comments(block) == [
        "comments before '// a'",
        "block before '// b'",
        "lparen suffix '// c'",
        "blockline before '// d'",
        "blockline before ''",
        "blockline before '// e'",
        "blockline suffix '// f'",
        "rparen before '// g'",
        "rparen before ''",
        "rparen before '// h'",
        "rparen suffix '// i'",
        "comments before '// j'",
        "comments before '// k'",
    ]
    assert _comments("// a\r\r\n") == ["comments before '// a\\r'"]


@pytest.mark.parametrize(
    ("src", "want"),
    [
        ("module m\n\t\tretract v1.0.0", ""),
        ("module m\n\t\t//   prefix\n\t\tretract v1.0.0\n", "prefix"),
        ("module m\n//  one\n//\n//     two\n//\n// three\nretract v1.0.0", "one\n\ntwo\n\nthree"),
        ("module m\nretract v1.0.0 // suffix\n", "suffix"),
        ("module m\n// prefix\nretract v1.0.0 // suffix\n", "prefix\nsuffix"),
        ("// block\nretract (\n\tv1.0.0\n)\n", "block"),
        ("// block\nretract (\n\t// line\n\tv1.0.0\n)\n", "line"),
    ],
)
def test_retract_rationale_comes_from_the_comments(src: str, want: str) -> None:
    f = parse_gomod(src.encode(), "in")
    assert len(f.retract) == 1
    assert f.retract[0].rationale == want


@pytest.mark.parametrize(
    ("src", "want"),
    [
        ("module m", ""),
        ("// yo\nmodule m", ""),
        ("//Deprecated\nmodule m", ""),
        ("//Deprecated:blah\nmodule m", "blah"),
        ("// Deprecated: blah\nmodule m", "blah"),
        ("// deprecated: blah\nmodule m", ""),
        ("// Deprecated: one\n// two\nmodule m", "one\ntwo"),
        ("// some other comment\n// Deprecated: blah\nmodule m", ""),
        ("// module m is Deprecated: blah\nmodule m", ""),
        ("// Deprecated: a\n// Deprecated: b\nmodule m", "a\nDeprecated: b"),
        ("// Deprecated: a\n// b\n//\n// c\nmodule m", "a\nb"),
        (
            "// Deprecated: the next line has a space\n// \n// c\nmodule m",
            "the next line has a space",
        ),
        ("module m // Deprecated: blah", "blah"),
        ("// some other comment\nmodule m // Deprecated: blah", ""),
        ("// some other comment\n//\nmodule m // Deprecated: blah", "blah"),
        ("// Deprecated: blah\nmodule (\n\tm\n)", "blah"),
    ],
)
def test_module_deprecation_is_the_deprecated_paragraph(src: str, want: str) -> None:
    f = parse_gomod(src.encode(), "in")
    assert f.module is not None
    assert f.module.deprecated == want


@pytest.mark.parametrize(
    ("src", "want"),
    [
        (b'module "github.com/rsc/vgotest"', "github.com/rsc/vgotest"),
        (b"module github.com/rsc/vgotest", "github.com/rsc/vgotest"),
        (b'module  "github.com/rsc/vgotest"', "github.com/rsc/vgotest"),
        (b"module `github.com/rsc/vgotest`", "github.com/rsc/vgotest"),
        (b"module gopkg.in/yaml.v2", "gopkg.in/yaml.v2"),
        (b'module "gopkg.in/check.v1"\n', "gopkg.in/check.v1"),
        (b'module "gopkg.in/check.v1\n"', ""),
        (b'module "gopkg.in/check.v1"\r\n', "gopkg.in/check.v1"),
        (b"module gopkg.in/check.v1\r\n", "gopkg.in/check.v1"),
        (b'module \n"gopkg.in/check.v1"\n\n', ""),
        (b"module \ngopkg.in/check.v1\n\n", ""),
        (b'module "gopkg.in/check.v1"asd', ""),
        (b"module  \nmodule a/b/c ", "a/b/c"),
        (b'module "   "', "   "),
        (b"module   ", ""),
        (b'module "  a/b/c  "', "  a/b/c  "),
        (b'module "github.com/rsc/vgotest1" // with a comment', "github.com/rsc/vgotest1"),
    ],
)
def test_module_path_is_found_without_a_full_parse(src: bytes, want: str) -> None:
    assert module_path(src) == want


_STRICT_FAILS = {"block.in", "block.golden", "comment.in", "comment.golden", "rule1.golden"}


@pytest.mark.parametrize(
    "name", sorted(p.name for p in XMOD.iterdir() if p.suffix in (".in", ".golden"))
)
def test_xmod_testdata_go_mod_files_parse(name: str) -> None:
    data = (XMOD / name).read_bytes()
    parse_syntax(name, data.decode())
    if name in _STRICT_FAILS:
        with pytest.raises(ParseError):
            parse_gomod(data, name)
    else:
        parse_gomod(data, name)


@pytest.mark.parametrize("name", sorted(p.name for p in (XMOD / "work").iterdir()))
def test_xmod_testdata_go_work_files_parse(name: str) -> None:
    parse_gowork((XMOD / "work" / name).read_bytes(), name)
