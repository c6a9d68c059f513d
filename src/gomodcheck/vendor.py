"""vendor/modules.txt: which modules and packages `go mod vendor` copied, read as the go command
reads it (cmd/go/internal/modload/vendor.go, readVendorList).

The format, line by line:
  ``# path version``                 a module (``# path version => repl [version]`` if replaced)
  ``# path => repl [version]``       a wildcard replacement from go.mod, no version
  ``## explicit; go 1.21``           annotations of the module above, ";"-separated; unknown ones
                                     are reserved for future use and ignored
  ``golang.org/x/mod/semver``        a package of the module above
  ``## workspace``                   first line when `go work vendor` wrote the file
The go command never rejects this file while reading it: it skips lines it cannot interpret, which
later surfaces as "inconsistent vendoring". We skip the same lines and report each one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from gomodcheck import module, semver
from gomodcheck.findings import Severity
from gomodcheck.gostrings import go_fields, go_trim_space
from gomodcheck.module import ModuleVersion
from gomodcheck.module.quote import has_invalid_utf8

__all__ = [
    "SCHEMA_VERSION",
    "VendorModule",
    "VendorModules",
    "VendorProblem",
    "VendorProblemKind",
    "modules_txt_is_for_workspace",
    "parse_modules_txt",
    "vendor_to_json",
]

SCHEMA_VERSION = "gomodcheck.vendor/v1"
_BOM = "\ufeff"


class VendorProblemKind(StrEnum):
    IGNORED_MODULE_LINE = "ignored-module-line"
    IGNORED_REPLACEMENT = "ignored-replacement"
    IGNORED_LINE = "ignored-line"
    ORPHAN_LINE = "line-before-first-module"
    BOM = "byte-order-mark"
    INVALID_UTF8 = "invalid-utf8"


@dataclass(frozen=True)
class VendorProblem:
    kind: VendorProblemKind
    severity: Severity
    line: int
    column: int
    message: str


@dataclass(frozen=True)
class VendorModule:
    """One module of modules.txt, with everything the lines about it say (merged, as go does)."""

    path: str
    version: str  # "" for a wildcard replacement line
    line: int  # of the first "# path ..." line naming it
    replacement: ModuleVersion | None = None  # version "" for a directory replacement
    explicit: bool = False
    go_version: str = ""
    annotations: tuple[str, ...] = ()  # annotations the go command does not know (reserved)
    packages: tuple[str, ...] = ()

    @property
    def mod(self) -> ModuleVersion:
        return ModuleVersion(self.path, self.version)


@dataclass(frozen=True)
class VendorModules:
    """A parsed vendor/modules.txt."""

    filename: str
    modules: tuple[VendorModule, ...]
    problems: tuple[VendorProblem, ...]
    workspace: bool = False
    # The go command's vendorList: modules providing packages, one selected version per path.
    build_list: tuple[ModuleVersion, ...] = ()
    _by_key: dict[ModuleVersion, VendorModule] = field(
        default_factory=dict, repr=False, compare=False
    )
    _pkg_module: dict[str, ModuleVersion] = field(default_factory=dict, repr=False, compare=False)

    def module(self, path: str, version: str = "") -> VendorModule | None:
        """The entry for path@version ("" for a wildcard replacement line)."""
        return self._by_key.get(ModuleVersion(path, version))

    def package_module(self, package: str) -> ModuleVersion | None:
        """The module the go command takes package from in -mod=vendor builds."""
        return self._pkg_module.get(package)

    @property
    def replaced(self) -> tuple[VendorModule, ...]:
        return tuple(m for m in self.modules if m.replacement is not None)


@dataclass
class _Builder:
    path: str
    version: str
    line: int
    replacement: ModuleVersion | None = None
    explicit: bool = False
    go_version: str = ""
    annotations: list[str] = field(default_factory=list)
    packages: list[str] = field(default_factory=list)

    def freeze(self) -> VendorModule:
        return VendorModule(
            self.path,
            self.version,
            self.line,
            self.replacement,
            self.explicit,
            self.go_version,
            tuple(self.annotations),
            tuple(self.packages),
        )


def parse_modules_txt(data: bytes, filename: str = "vendor/modules.txt") -> VendorModules:
    """Parse vendor/modules.txt content; never raises for bad content (see module docstring)."""
    text = data.decode("utf-8", "surrogateescape")
    problems: list[VendorProblem] = []
    builders: dict[ModuleVersion, _Builder] = {}
    pkg_module: dict[str, ModuleVersion] = {}
    build_list: list[ModuleVersion] = []
    selected: dict[str, str] = {}
    workspace = False
    current: _Builder | None = None

    def problem(
        kind: VendorProblemKind, lineno: int, message: str, severity: Severity = Severity.WARNING
    ) -> None:
        problems.append(VendorProblem(kind, severity, lineno, 1, message))

    if text.startswith(_BOM):
        problem(
            VendorProblemKind.BOM,
            1,
            "byte order mark at start of file: the go command "
            "does not see the first line as a module line",
            Severity.ERROR,
        )
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for lineno, line in enumerate(lines, start=1):
        if has_invalid_utf8(line):
            problem(VendorProblemKind.INVALID_UTF8, lineno, "invalid UTF-8", Severity.ERROR)
        if line.startswith("# "):
            f = go_fields(line)
            if len(f) < 3:
                problem(
                    VendorProblemKind.IGNORED_MODULE_LINE,
                    lineno,
                    "module line without a version: the go command ignores it",
                )
                # Go leaves its current module unchanged here; keep packages attached to it.
                continue
            if semver.is_valid(f[2]):
                key, rest = ModuleVersion(f[1], f[2]), f[3:]
            elif f[2] == "=>":
                key, rest = ModuleVersion(f[1], ""), f[2:]
            else:
                current = None
                problem(
                    VendorProblemKind.IGNORED_MODULE_LINE,
                    lineno,
                    f'{module.go_quote(f[2])} is not a version or "=>": the go command '
                    "ignores this module line and the package lines after it",
                )
                continue
            current = builders.get(key)
            if current is None:
                current = builders[key] = _Builder(key.path, key.version, lineno)
            if len(rest) >= 2 and rest[0] == "=>":
                if len(rest) == 2:
                    current.replacement = ModuleVersion(rest[1], "")
                elif len(rest) == 3 and semver.is_valid(rest[2]):
                    current.replacement = ModuleVersion(rest[1], rest[2])
                else:
                    problem(
                        VendorProblemKind.IGNORED_REPLACEMENT,
                        lineno,
                        "replacement not understood: the go command ignores it",
                    )
            elif rest:
                problem(
                    VendorProblemKind.IGNORED_REPLACEMENT,
                    lineno,
                    "unexpected text after the module version: the go command ignores it",
                )
            continue

        if current is None:
            if line.startswith("## ") and go_trim_space(line[3:]) == "workspace" and not builders:
                workspace = True
            elif go_fields(line):
                problem(
                    VendorProblemKind.ORPHAN_LINE,
                    lineno,
                    "no module line the go command understands above this line: "
                    "it ignores this line",
                )
            continue

        if line.startswith("## "):
            for raw_entry in line[3:].split(";"):
                entry = go_trim_space(raw_entry)
                if entry == "explicit":
                    current.explicit = True
                elif entry.startswith("go "):
                    current.go_version = entry[3:]
                elif entry:
                    current.annotations.append(entry)
            continue

        f = go_fields(line)
        if not f:
            continue
        if len(f) == 1:
            try:
                module.check_import_path(f[0])
            except module.InvalidPathError as e:
                problem(
                    VendorProblemKind.IGNORED_LINE,
                    lineno,
                    f"{e}: the go command ignores this package line",
                )
                continue
            mv = ModuleVersion(current.path, current.version)
            current.packages.append(f[0])
            pkg_module[f[0]] = mv
            prev = selected.get(mv.path)
            if prev is None or semver.compare(prev, mv.version) < 0:
                build_list.append(mv)
                selected[mv.path] = mv.version
            continue
        problem(
            VendorProblemKind.IGNORED_LINE,
            lineno,
            "not a module, annotation or package line: the go command ignores it",
        )

    by_key = {k: b.freeze() for k, b in builders.items()}
    return VendorModules(
        filename,
        tuple(by_key.values()),
        tuple(problems),
        workspace,
        tuple(build_list),
        by_key,
        pkg_module,
    )


def modules_txt_is_for_workspace(data: bytes) -> bool:
    """modload.modulesTextIsForWorkspace: whether `go work vendor` wrote the file, as the go
    command decides it before using vendor/ by default: the first line (of the first 512 bytes
    only) is an annotation line with a ``workspace`` entry. The ``## workspace`` line anywhere
    else does not count."""
    line = data[:512].split(b"\n", 1)[0].decode("utf-8", "surrogateescape")
    if not line.startswith("## "):
        return False
    return any(go_trim_space(entry) == "workspace" for entry in line[3:].split(";"))


def vendor_to_json(vendor: VendorModules) -> dict[str, Any]:
    """The parsed file as a JSON-ready dict in our versioned shape (SCHEMA_VERSION)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "file": vendor.filename,
        "workspace": vendor.workspace,
        "modules": [
            {
                "path": m.path,
                "version": m.version,
                "line": m.line,
                "replacement": None
                if m.replacement is None
                else {
                    "path": m.replacement.path,
                    "version": m.replacement.version,
                },
                "explicit": m.explicit,
                "go_version": m.go_version,
                "annotations": list(m.annotations),
                "packages": list(m.packages),
            }
            for m in vendor.modules
        ],
        "build_list": [{"path": m.path, "version": m.version} for m in vendor.build_list],
        "problems": [
            {
                "kind": str(p.kind),
                "severity": str(p.severity),
                "line": p.line,
                "column": p.column,
                "message": p.message,
            }
            for p in vendor.problems
        ],
    }
