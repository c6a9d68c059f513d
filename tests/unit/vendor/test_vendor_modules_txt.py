"""vendor/modules.txt parsing: real files from containerd and moby, and the go command's rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gomodcheck.module import ModuleVersion
from gomodcheck.vendor import VendorProblemKind, parse_modules_txt, vendor_to_json

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "vendor"
REAL = sorted(ASSETS.glob("*-modules.txt"))


@pytest.mark.parametrize("path", REAL, ids=[p.name for p in REAL])
def test_real_modules_txt_files_parse_completely(path: Path) -> None:
    text = path.read_text()
    vendor = parse_modules_txt(path.read_bytes(), path.name)
    assert vendor.problems == ()
    lines = text.splitlines()
    assert len(vendor.modules) == len({ln.split(" ")[1] + " " + (
        ln.split(" ")[2] if ln.split(" ")[2] != "=>" else "") for ln in lines if ln.startswith("# ")})
    assert sum(len(m.packages) for m in vendor.modules) == sum(
        1 for ln in lines if ln and not ln.startswith("#"))
    assert sum(m.explicit for m in vendor.modules) == sum("explicit" in ln for ln in lines)
    for m in vendor.modules:
        for pkg in m.packages:
            assert vendor.package_module(pkg) == m.mod


def test_moby_directory_replacements_and_go_versions_are_read() -> None:
    vendor = parse_modules_txt((ASSETS / "moby-head-modules.txt").read_bytes())
    api = vendor.module("github.com/moby/moby/api", "v1.55.0")
    assert api is not None
    assert api.replacement == ModuleVersion("./api", "")
    assert api.explicit
    assert api.go_version == "1.24"
    assert ModuleVersion("github.com/moby/moby/api", "v1.55.0") in vendor.build_list


SAMPLE = b"""## workspace
# example.com/a v1.2.0 => example.com/fork v1.2.1
## explicit; go 1.21; future-thing
example.com/a
example.com/a/sub
# example.com/b v0.1.0
## go 1.17
## explicit
example.com/b
# example.com/c => ../c
# example.com/d v1.0.0 => ../d
"""


def test_annotations_replacements_and_workspace_marker() -> None:
    vendor = parse_modules_txt(SAMPLE, "vendor/modules.txt")
    assert vendor.workspace
    assert vendor.problems == ()
    a = vendor.module("example.com/a", "v1.2.0")
    assert a is not None
    assert (a.replacement, a.explicit, a.go_version, a.annotations) == (
        ModuleVersion("example.com/fork", "v1.2.1"), True, "1.21", ("future-thing",))
    b = vendor.module("example.com/b", "v0.1.0")
    assert b is not None
    assert (b.explicit, b.go_version) == (True, "1.17")  # the union of both annotation lines
    c = vendor.module("example.com/c")
    assert c is not None
    assert c.replacement == ModuleVersion("../c", "")
    assert [m.path for m in vendor.replaced] == ["example.com/a", "example.com/c", "example.com/d"]
    assert vendor.build_list == (ModuleVersion("example.com/a", "v1.2.0"),
                                 ModuleVersion("example.com/b", "v0.1.0"))
    assert vendor.package_module("example.com/a/sub") == ModuleVersion("example.com/a", "v1.2.0")


def test_lines_the_go_command_skips_are_reported_with_their_line() -> None:
    data = (b"stray/pkg\n# example.com/a v1.0.0\nexample.com/a\nnot a package\n# example.com/b\n"
            b"# example.com/c notaversion\nexample.com/c\n# example.com/d v1.0.0 => x y z\n"
            b"bad\\pkg\n")
    vendor = parse_modules_txt(data, "vendor/modules.txt")
    assert [(p.kind, p.line) for p in vendor.problems] == [
        (VendorProblemKind.ORPHAN_LINE, 1),
        (VendorProblemKind.IGNORED_LINE, 4),
        (VendorProblemKind.IGNORED_MODULE_LINE, 5),
        (VendorProblemKind.IGNORED_MODULE_LINE, 6),
        (VendorProblemKind.ORPHAN_LINE, 7),
        (VendorProblemKind.IGNORED_REPLACEMENT, 8),
        (VendorProblemKind.IGNORED_LINE, 9),
    ]
    assert vendor.package_module("example.com/c") is None
    assert vendor.build_list == (ModuleVersion("example.com/a", "v1.0.0"),)


def test_crlf_bom_empty_and_invalid_utf8() -> None:
    crlf = parse_modules_txt(SAMPLE.replace(b"\n", b"\r\n"))
    assert vendor_to_json(crlf)["modules"] == vendor_to_json(parse_modules_txt(SAMPLE))["modules"]
    bom = parse_modules_txt(b"\xef\xbb\xbf# example.com/a v1.0.0\nexample.com/a\n")
    assert bom.problems[0].kind is VendorProblemKind.BOM
    assert bom.modules == ()  # the go command does not see a module line either
    empty = parse_modules_txt(b"")
    assert (empty.modules, empty.problems) == ((), ())
    bad = parse_modules_txt(b"# example.com/a v1.0.0\nexample.com/\xff\n")
    assert [p.kind for p in bad.problems] == [VendorProblemKind.INVALID_UTF8,
                                              VendorProblemKind.IGNORED_LINE]


def test_json_shape_is_versioned() -> None:
    out = vendor_to_json(parse_modules_txt(SAMPLE, "vendor/modules.txt"))
    assert out["schema_version"] == "gomodcheck.vendor/v1"
    assert out["modules"][0] == {
        "path": "example.com/a", "version": "v1.2.0", "line": 2,
        "replacement": {"path": "example.com/fork", "version": "v1.2.1"},
        "explicit": True, "go_version": "1.21", "annotations": ["future-thing"],
        "packages": ["example.com/a", "example.com/a/sub"],
    }
    json.dumps(out)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400) | st.lists(st.sampled_from([
    "# example.com/a v1.0.0", "# example.com/a => ./a", "## explicit; go 1.2", "example.com/a",
    "# x", "## workspace", "", "\r", "a b", "## ;;", "# example.com/b v1 => y v2",
])).map(lambda ls: "\n".join(ls).encode()))
def test_arbitrary_input_never_raises(data: bytes) -> None:
    vendor = parse_modules_txt(data)
    json.dumps(vendor_to_json(vendor))
    assert all(p.line >= 1 for p in vendor.problems)
