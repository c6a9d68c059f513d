"""Which files and imports one GOOS/GOARCH build sees (imports.Tags, MatchFile, ShouldBuild).

`go mod tidy` scans with every tag at once (gosrc.scan); `go build` and `go list` scan with the
tags of one target: GOOS, GOARCH, the compiler, "cgo" when enabled, release tags go1.1..go1.N,
tool tags and -tags. File names ending in _GOOS, _GOARCH or _GOOS_GOARCH (before an optional
_test) count only for that target, and a file that imports "C" counts only with cgo.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from gomodcheck.gosrc.constraint import (
    eval_tags,
    should_build,
)
from gomodcheck.gosrc.imports import read_imports
from gomodcheck.gosrc.scan import PackageImports, scan_package
from gomodcheck.gosrc.scancache import FileScan
from gomodcheck.gosrc.tree import SourceTree

# go/build's syslist: the operating systems that satisfy the `unix` tag, and all known ones.
UNIX_OS = frozenset(
    [
        "aix",
        "android",
        "darwin",
        "dragonfly",
        "freebsd",
        "hurd",
        "illumos",
        "ios",
        "linux",
        "netbsd",
        "openbsd",
        "solaris",
    ]
)
KNOWN_OS = UNIX_OS | frozenset(["js", "nacl", "plan9", "wasip1", "windows", "zos"])
KNOWN_ARCH = frozenset(
    [
        "386",
        "amd64",
        "amd64p32",
        "arm",
        "armbe",
        "arm64",
        "arm64be",
        "loong64",
        "mips",
        "mipsle",
        "mips64",
        "mips64le",
        "mips64p32",
        "mips64p32le",
        "ppc",
        "ppc64",
        "ppc64le",
        "riscv",
        "riscv64",
        "s390",
        "s390x",
        "sparc",
        "sparc64",
        "wasm",
    ]
)
# The default microarchitecture level of each GOARCH, as a tool tag (GOAMD64=v1 -> amd64.v1).
_ARCH_LEVEL = {"amd64": "amd64.v1", "arm64": "arm64.v8.0", "386": "386.sse2", "arm": "arm.7"}


@dataclass(frozen=True)
class BuildContext:
    """One build target. `go_minor` is the toolchain's minor version (1.26 -> 26)."""

    goos: str
    goarch: str
    cgo: bool = False
    go_minor: int = 26
    tags: frozenset[str] = frozenset()
    compiler: str = "gc"

    def tag_set(self) -> frozenset[str]:
        out = {self.goos, self.goarch, self.compiler, *self.tags}
        out.update(f"go1.{i}" for i in range(1, self.go_minor + 1))
        if self.cgo:
            out.add("cgo")
        if self.goarch in _ARCH_LEVEL:
            out.add(_ARCH_LEVEL[self.goarch])
        return frozenset(out)

    @cached_property
    def has_tag(self) -> Callable[[str], bool]:
        """imports.matchTag for this target (android implies linux, illumos solaris, ios darwin)."""
        tags = self.tag_set()

        def match(name: str) -> bool:
            if not name or not all(c.isalnum() or c in "_." for c in name):
                return False
            if name in tags:
                return True
            if name == "linux":
                return "android" in tags
            if name == "solaris":
                return "illumos" in tags
            if name == "darwin":
                return "ios" in tags
            if name == "unix":
                return self.goos in UNIX_OS
            return False

        return match

    def match_file(self, name: str) -> bool:
        """imports.MatchFile: a _GOOS/_GOARCH name suffix must fit this target."""
        match = self.has_tag
        stem = name.split(".", 1)[0]
        i = stem.find("_")
        if i < 0:
            return True
        parts = stem[i:].split("_")
        if parts and parts[-1] == "test":
            parts = parts[:-1]
        n = len(parts)
        if n >= 2 and parts[-2] in KNOWN_OS and parts[-1] in KNOWN_ARCH:
            return match(parts[-2]) and match(parts[-1])
        if n >= 1 and parts[-1] in KNOWN_OS:
            return match(parts[-1])
        if n >= 1 and parts[-1] in KNOWN_ARCH:
            return match(parts[-1])
        return True

    def should_build(self, header: str) -> bool:
        """imports.ShouldBuild with this target's tags."""
        match = self.has_tag
        return should_build(header, lambda expr: eval_tags(expr, match))


def scan_dir_for(ctx: BuildContext, tree: SourceTree, rel: str) -> PackageImports | None:
    """imports.ScanDir with ctx's tags: the package's imports, or None when no file counts."""

    def scan_one(name: str, path: str) -> FileScan:
        if not ctx.match_file(name):
            return False, ()
        fi = read_imports(tree.read_file(path))
        if '"C"' in fi.quoted and not ctx.cgo:
            return False, ()
        return ctx.should_build(fi.header.decode("utf-8", "replace")), fi.paths

    return scan_package(tree, rel, scan_one)


__all__ = ["KNOWN_ARCH", "KNOWN_OS", "UNIX_OS", "BuildContext", "scan_dir_for"]
