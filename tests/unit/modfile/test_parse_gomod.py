"""go.mod and go.work parsing: what users rely on, checked on small hand-written files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gomodcheck.errors import ParseError
from gomodcheck.modfile import (
    gomod_to_edit_dict,
    gomod_to_edit_json,
    gowork_to_edit_json,
    parse_gomod,
    parse_gowork,
)

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "modfile"


def problems(src: bytes, *, strict: bool = True) -> list[str]:
    with pytest.raises(ParseError) as info:
        parse_gomod(src, "go.mod", strict=strict)
    return [str(p) for p in info.value.problems]


def test_every_element_keeps_its_line_and_column() -> None:
    f = parse_gomod(
        b"// Deprecated: use v2\nmodule example.com/m\n\ngo 1.22\ntoolchain go1.22.1\n"
        b"godebug panicnil=1\nrequire (\n\texample.com/a v1.0.0\n\texample.com/b v1.2.3 // indirect\n)\n"
        b"exclude example.com/a v0.9.0\nreplace example.com/a => ../a\n"
        b"retract [v0.1.0, v0.2.0] // broken\ntool example.com/a/cmd/t\nignore ./node_modules\n",
        "go.mod",
    )
    assert f.module is not None and (f.module.path, f.module.line) == ("example.com/m", 2)
    assert f.module.deprecated == "use v2"
    assert f.go is not None and (f.go.version, f.go.line) == ("1.22", 4)
    assert f.toolchain is not None and f.toolchain.name == "go1.22.1"
    assert [(g.key, g.value, g.line) for g in f.godebug] == [("panicnil", "1", 6)]
    assert [(r.path, r.version, r.indirect, r.line, r.column) for r in f.require] == [
        ("example.com/a", "v1.0.0", False, 8, 2),
        ("example.com/b", "v1.2.3", True, 9, 2),
    ]
    assert [(x.path, x.version, x.line) for x in f.exclude] == [("example.com/a", "v0.9.0", 11)]
    (rep,) = f.replace
    assert (rep.old.path, rep.old.version, rep.new.path, rep.new.version) == (
        "example.com/a",
        "",
        "../a",
        "",
    )
    assert rep.is_directory and rep.line == 12
    assert [(r.low, r.high, r.rationale) for r in f.retract] == [("v0.1.0", "v0.2.0", "broken")]
    assert [t.path for t in f.tool] == ["example.com/a/cmd/t"]
    assert [i.path for i in f.ignore] == ["./node_modules"]


def test_all_errors_are_reported_not_just_the_first() -> None:
    assert problems(b"module x\nfoo\nrequire a.b/c\ngo 1\nrequire (\n\ta.b/c bad\n)\n") == [
        "go.mod:2: unknown directive: foo",
        "go.mod:3: usage: require module/path v1.2.3",
        "go.mod:4: invalid go version '1': must match format 1.23.0",
        'go.mod:6:2: require a.b/c: version "bad" invalid: must be of the form v1.2.3',
    ]


def test_syntax_error_names_line_and_column() -> None:
    assert problems(b"module x\nrequire a.b/c v1.0.0 /* c */\n") == [
        "go.mod:2:22: mod files must use // comments (not /* */ comments)"
    ]
    assert problems(b'module "x\n') == ["go.mod:1:10: unexpected newline in string"]
    assert problems(b"module x\nrequire (\n\ta.b/c v1.0.0\n") == [
        "go.mod:4: syntax error (unterminated block started at go.mod:2:1)"
    ]


def test_wrong_major_version_is_explained() -> None:
    assert problems(b"module x\nrequire a.b/c v2.0.0\n") == [
        'go.mod:2: require a.b/c: version "v2.0.0" invalid: should be v0 or v1, not v2'
    ]
    assert problems(b"module x\nrequire a.b/c/v2 v3.0.0\n") == [
        'go.mod:2: require a.b/c/v2: version "v3.0.0" invalid: should be v2, not v3'
    ]


def test_noncanonical_versions_are_canonicalized_like_the_go_command() -> None:
    f = parse_gomod(b"module x\nrequire a.b/c v1.2\nrequire a.b/d v1\n", "go.mod")
    assert [r.version for r in f.require] == ["v1.2.0", "v1.0.0"]


def test_replace_must_point_at_a_directory_or_a_version() -> None:
    assert problems(b"module x\nreplace a.b/c => a.b/d\n") == [
        "go.mod:2: replacement module without version must be directory path "
        "(rooted or starting with . or ..)"
    ]
    assert problems(b"module x\nreplace a.b/c => ../d v1.0.0\n") == [
        'go.mod:2: replacement module directory path "../d" cannot have version'
    ]


def test_lax_mode_skips_main_module_only_directives() -> None:
    src = b"module x\nreplace a.b/c => a.b/d\nexclude foo\nfuture thing\ntoolchain bad\n"
    assert len(problems(src)) == 4
    f = parse_gomod(src, "go.mod", strict=False)
    assert f.replace == () and f.exclude == () and f.toolchain is None


def test_lax_mode_still_checks_requirements() -> None:
    assert problems(b"module x\nrequire a.b/c bad\n", strict=False) == [
        'go.mod:2: require a.b/c: version "bad" invalid: must be of the form v1.2.3'
    ]


def test_go_line_of_dependency_is_normalized_in_lax_mode() -> None:
    f = parse_gomod(b"module x\ngo v1.21.0\n", "go.mod", strict=False)
    assert f.go is not None and f.go.version == "1.21"


def test_edit_json_drops_duplicates_the_go_command_drops() -> None:
    f = parse_gomod(
        b"module x\nexclude a.b/c v1.0.0\nexclude a.b/c v1.0.0\n"
        b"replace a.b/c => ../one\nreplace a.b/c => ../two\ntool t\ntool t\n"
        b"require a.b/c v1.0.0\nrequire a.b/c v1.0.0\n",
        "go.mod",
    )
    d = gomod_to_edit_dict(f)
    assert d["Exclude"] == [{"Path": "a.b/c", "Version": "v1.0.0"}]
    assert d["Replace"] == [{"Old": {"Path": "a.b/c"}, "New": {"Path": "../two"}}]
    assert d["Tool"] == [{"Path": "t"}]
    assert d["Require"] == [{"Path": "a.b/c", "Version": "v1.0.0"}] * 2  # left to MVS
    assert len(f.exclude) == 2  # the parsed file itself keeps everything


def test_edit_json_has_the_go_command_shape() -> None:
    out = gomod_to_edit_json(parse_gomod(b"module x\n", "go.mod"))
    assert out == (
        '{\n\t"Module": {\n\t\t"Path": "x"\n\t},\n\t"Require": null,\n'
        '\t"Exclude": null,\n\t"Replace": null,\n\t"Retract": null,\n'
        '\t"Tool": null,\n\t"Ignore": null\n}\n'
    )
    work = gowork_to_edit_json(parse_gowork(b"go 1.22\nuse ./a\n", "go.work"))
    assert json.loads(work) == {"Go": "1.22", "Use": [{"DiskPath": "./a"}], "Replace": None}


def test_go_work_rejects_go_mod_directives() -> None:
    with pytest.raises(ParseError) as info:
        parse_gowork(b"go 1.22\nmodule x\nrequire (\n)\n", "go.work")
    assert [str(p) for p in info.value.problems] == [
        "go.work:2: unknown directive: module",
        "go.work:3: unknown block type: require",
    ]


def test_crlf_and_invalid_utf8_parse_as_the_go_command_parses_them() -> None:
    f = parse_gomod(b"module x\r\nrequire a.b/c v1.0.0 // indirect\r\n", "go.mod")
    assert f.require[0].indirect
    f = parse_gomod(b"module x\xff\n", "go.mod")
    assert '"Path": "x\\ufffd"' in gomod_to_edit_json(f)


def test_kubernetes_go_mod_parses_whole() -> None:
    f = parse_gomod((ASSETS / "gomod" / "k8s.io_kubernetes_v1.37.2_go.mod").read_bytes(), "go.mod")
    assert f.module is not None and f.module.path == "k8s.io/kubernetes"
    assert len(f.require) > 200 and len(f.replace) > 30
    assert all(r.is_directory for r in f.replace)


def test_characters_newer_than_pythons_unicode_are_judged_as_go_judges_them() -> None:
    # U+31350 (CJK Extension H, Unicode 15.0) is printable to Go 1.21+, unassigned to Python 3.11.
    f = parse_gomod("module example.com/\U00031350\n".encode(), "go.mod")
    assert f.module is not None and f.module.path == "example.com/\U00031350"
    assert problems("module x\u200b\n".encode()) == [
        "go.mod:1:9: unexpected input character '\\u200b'"
    ]


def test_go_printable_table_agrees_with_python_on_ascii_and_latin1() -> None:
    from gomodcheck.modfile.goprint import go_is_print  # noqa: PLC0415

    for r in range(0x250):
        assert go_is_print(chr(r)) == chr(r).isprintable(), hex(r)
