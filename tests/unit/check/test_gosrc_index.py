"""Reading only the head of Go files, and the package index: the same answers as reading all."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gomodcheck.gosrc import scan
from gomodcheck.gosrc.constraint import should_build_any_tags
from gomodcheck.gosrc.imports import read_imports
from gomodcheck.gosrc.index import PackageIndex
from gomodcheck.gosrc.scan import file_imports, scan_dir
from gomodcheck.gosrc.scancache import ScanCache
from gomodcheck.gosrc.tree import DirTree, Entry


class _OneFile:
    """A SourceTree holding one file, counting what was read."""

    immutable = True

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.whole_reads = 0

    def list_dir(self, rel: str) -> list[Entry] | None:
        return [Entry("f.go", False, True)] if rel == "" else None

    def read_file(self, rel: str) -> bytes:
        self.whole_reads += 1
        return self.data

    def read_prefix(self, rel: str, size: int) -> tuple[bytes, bool]:
        return self.data[:size], len(self.data) <= size

    def exists(self, rel: str) -> bool:
        return rel == "f.go"

    def cache_key(self, rel: str) -> str | None:
        return None

    def identity(self, rel: str) -> str | None:
        return ""

    def index_key(self) -> str:
        return "one"


_PIECES = st.sampled_from(
    [
        "package p\n",
        "package p;",
        "//go:build linux\n\n",
        "// +build ignore\n\n",
        "/* long\ncomment */",
        "// line comment\n",
        "\n",
        " ",
        "\t",
        ";",
        'import "a.com/x"\n',
        "import (\n",
        ")\n",
        '  y "b.com/y"\n',
        '  . "c.com/z"\n',
        "  _ `d.com/w`\n",
        '"e.com/v"\n',
        "import\n",
        "func f() {}\n",
        "var v = 1\n",
        "/",
        "*/",
        '"',
        "`",
        "import_x := 1\n",
        "\x00",
        "é",
    ]
)


@given(st.lists(_PIECES, max_size=25), st.integers(min_value=1, max_value=64))
def test_reading_a_head_gives_what_reading_the_whole_file_gives(
    pieces: list[str], head: int
) -> None:
    data = "".join(pieces).encode()
    tree = _OneFile(data)
    saved = scan.HEAD_BYTES
    scan.HEAD_BYTES = head
    try:
        assert file_imports(tree, "f.go") == read_imports(data)
    finally:
        scan.HEAD_BYTES = saved


_TRICKY = [
    b'package p\n/* a comment\nrunning on */ import "a.com/x"\nfunc f() {}\n',
    b'// c\npackage p // x\n\nimport (\n\t"a.com/x" // c\n\ty "b.com/y"\n)\n\nvar v = 1\n',
    b'package p\nimport "a.com/x"; import `b.com/y`\ntype T int\n',
    b'package p\n\nimport_x := 1\nimport "late"\n',
    b'package p\nimport "a.com/\\x41"\nconst c = 1\n',
    b'package p\nimport (\n"a.com/x"\n1\n)\n',
    b'package p\n/ x\nimport "a.com/x"\n',
    b'//go:build linux\n\npackage p\nimport "a.com/x"\nfunc f() {}\n',
    b'package p\nimport "a.com/x"\n\x00 func f() {}\n',
]


@pytest.mark.parametrize("data", _TRICKY)
def test_every_head_size_gives_what_reading_the_whole_file_gives(data: bytes) -> None:
    saved = scan.HEAD_BYTES
    try:
        for head in range(1, len(data) + 1):
            scan.HEAD_BYTES = head
            assert file_imports(_OneFile(data), "f.go") == read_imports(data), head
    finally:
        scan.HEAD_BYTES = saved


def test_a_large_file_is_read_only_up_to_its_imports() -> None:
    data = b'package p\n\nimport "a.com/x"\n\nfunc f() {}\n' + b"// filler\n" * 10_000
    tree = _OneFile(data)
    assert file_imports(tree, "f.go").paths == ("a.com/x",)
    assert tree.whole_reads == 0


def test_an_import_block_running_past_the_head_is_read_whole() -> None:
    imports = "".join(f'\t"a.com/p{i}"\n' for i in range(2000))
    data = f"package p\n\nimport (\n{imports})\n\nfunc f() {{}}\n".encode()
    tree = _OneFile(data)
    assert len(file_imports(tree, "f.go").paths) == 2000
    assert tree.whole_reads == 1


def test_an_immutable_tree_is_answered_from_the_index_without_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mod = tmp_path / "example.com" / "m@v1.0.0"
    (mod / "a").mkdir(parents=True)
    (mod / "a" / "a.go").write_text('package a\nimport "x.com/y"\n')
    (mod / "b").mkdir()
    (mod / "b" / "b.go").write_text("//go:build ignore\n\npackage b\n")
    db = tmp_path / "scan.sqlite"
    cache = ScanCache(db)
    idx = PackageIndex(DirTree(mod, immutable=True), cache)
    answers = [(rel, idx.is_go_dir(rel), idx.scan(rel)) for rel in ("a", "b", "c", "")]
    idx.flush()
    cache.save()
    assert answers == [
        (rel, ok, scan_dir(DirTree(mod), rel))
        for rel, ok in (("a", True), ("b", True), ("c", False), ("", False))
    ]

    def fail(*args: object) -> None:
        raise AssertionError("listed or read an indexed immutable tree")

    monkeypatch.setattr(DirTree, "list_dir", fail)
    monkeypatch.setattr(DirTree, "read_prefix", fail)
    again = PackageIndex(DirTree(mod, immutable=True), ScanCache(db))
    assert [(rel, again.is_go_dir(rel), again.scan(rel)) for rel in ("a", "b", "c", "")] == answers


_HEADER_LINES = st.sampled_from(
    [
        "// Copyright 2024\n",
        "\n",
        "/* block */\n",
        "// +build linux\n",
        "// +build ignore\n",
        "//go:build ignore\n",
        "//go:build !ignore\n",
        "// go:build ignore\n",
        "//+build ignore\n",
        "package p\n",
        "/*\n// +build ignore\n*/\n",
        "  //go:build ignore\n",
    ]
)


@given(st.lists(_HEADER_LINES, max_size=8))
def test_a_header_without_constraint_lines_always_counts(lines: list[str]) -> None:
    # scan_file skips the constraint parser for such headers.
    header = "".join(lines)
    if "+build" not in header and "//go:build" not in header:
        assert should_build_any_tags(header)
