"""Which packages a directory holds and what they import, as `go mod tidy` sees them.

Ports of imports.ScanDir with the tag set {"*"} (every tag but `ignore`), modload.scanDir's removal
of magic imports ("C", appengine), fsys.IsGoDir, and the directory walk of modload.matchPackages.
Pure: all file access goes through a SourceTree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from gomodcheck.gosrc.constraint import should_build_any_tags
from gomodcheck.gosrc.ignore import IgnorePatterns
from gomodcheck.gosrc.imports import FileImports, read_imports
from gomodcheck.gosrc.scancache import FileScan, ScanCache
from gomodcheck.gosrc.tree import SourceTree


@dataclass(frozen=True)
class PackageImports:
    """Sorted imports of the package's non-test files and of its _test.go files."""

    imports: tuple[str, ...]
    test_imports: tuple[str, ...]


def _is_magic(path: str) -> bool:
    return path in ("C", "appengine", "appengine_internal") or path.startswith(
        ("appengine/", "appengine_internal/")
    )


# How much of a file to read first: license, build constraints and imports fit in this for
# nearly every Go file; the rest of a large (generated) file is never read.
HEAD_BYTES = 8192


def file_imports(tree: SourceTree, rel: str) -> FileImports:
    """read_imports of one file, reading only its first HEAD_BYTES when the header ends there.

    A prefix gives the answer the whole file would when the reader stopped at a byte it had
    fully read: not at the end of the prefix (a token, string or comment may go on), not at a
    slash (a comment whose end is past the prefix), not on a syntax error.
    """
    data, whole = tree.read_prefix(rel, HEAD_BYTES)
    fi = read_imports(data)
    if whole:
        return fi
    end = len(fi.header)
    if fi.syntax_error or end >= len(data) or data[end] == 0x2F:  # '/'
        return read_imports(tree.read_file(rel))
    return fi


def scan_file(tree: SourceTree, rel: str, cache: ScanCache | None = None) -> FileScan:
    """Whether one file counts under tidy's tags, and its import paths."""
    key = tree.cache_key(rel) if cache is not None else None
    if key is not None and cache is not None:
        hit = cache.get(key)
        if hit is not None:
            return hit
    fi = file_imports(tree, rel)
    header = fi.header
    # Only a //go:build or +build line can leave a file out; most headers have neither.
    included = (b"+build" not in header and b"//go:build" not in header) or should_build_any_tags(
        header.decode("utf-8", "replace")
    )
    result = (included, fi.paths)
    if key is not None and cache is not None:
        cache.put(key, result)
    return result


def scan_dir(tree: SourceTree, rel: str, cache: ScanCache | None = None) -> PackageImports | None:
    """The imports of the package in rel, or None when no file counts (imports.ErrNoGo)."""
    return scan_package(tree, rel, lambda name, path: scan_file(tree, path, cache))


def scan_package(
    tree: SourceTree, rel: str, scan_one: Callable[[str, str], FileScan]
) -> PackageImports | None:
    """imports.ScanDir over the .go files of rel, each judged by scan_one(name, path):
    whether the file counts and its imports. None when no file counts."""
    entries = tree.list_dir(rel)
    if entries is None:
        return None
    imports: set[str] = set()
    test_imports: set[str] = set()
    counted = 0
    for e in sorted(entries, key=lambda x: x.name):
        name = e.name
        if not e.is_regular or name.startswith(("_", ".")) or not name.endswith(".go"):
            continue
        included, paths = scan_one(name, f"{rel}/{name}" if rel else name)
        if not included:
            continue
        counted += 1
        target = test_imports if name.endswith("_test.go") else imports
        target.update(paths)
    if counted == 0:
        return None
    return PackageImports(
        tuple(sorted(p for p in imports if not _is_magic(p))),
        tuple(sorted(p for p in test_imports if not _is_magic(p))),
    )


def is_go_dir(tree: SourceTree, rel: str) -> bool:
    """fsys.IsGoDir: the directory holds at least one regular file named *.go."""
    entries = tree.list_dir(rel)
    return entries is not None and any(e.is_regular and e.name.endswith(".go") for e in entries)


def walk_package_dirs(
    tree: SourceTree, *, prune_nested_modules: bool = True, ignore: IgnorePatterns | None = None
) -> Iterator[str]:
    """Directories the pattern walk visits (modload.matchPackages with pruneGoMod|pruneVendor).

    Skips `.`/`_`-prefixed and testdata directories, directories the go.mod `ignore` directive
    names, and nested modules; yields vendor/ itself but not what is below it.
    """
    stack = [""]
    while stack:
        rel = stack.pop()
        yield rel
        elem = rel.rsplit("/", 1)[-1]
        if rel and elem == "vendor":
            continue
        entries = tree.list_dir(rel) or []
        subdirs = []
        for e in entries:
            if not e.is_dir or e.is_symlink:
                continue
            if e.name.startswith((".", "_")) or e.name == "testdata":
                continue
            child = f"{rel}/{e.name}" if rel else e.name
            if ignore and ignore.should_ignore(child):
                continue
            if prune_nested_modules:
                sub = tree.list_dir(child) or []
                if any(s.name == "go.mod" and s.is_regular for s in sub):
                    continue
            subdirs.append(child)
        stack.extend(sorted(subdirs, reverse=True))
