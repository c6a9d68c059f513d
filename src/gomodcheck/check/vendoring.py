"""vendor/modules.txt against go.mod (or, in workspace mode, go.work and every workspace
module's go.mod), as modload.checkVendorConsistency checks it, and the vendored packages a
-mod=vendor build needs.

Messages are the go command's sub-lines of "inconsistent vendoring"; a build fails on any of them
once -mod=vendor is in effect (the default from go 1.14 when vendor/ exists; in workspace mode
only when vendor/modules.txt starts with `## workspace`, see workspace_vendor_mode).
"""

from __future__ import annotations

import os
import posixpath
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from gomodcheck.gosrc.scan import PackageImports, is_go_dir, scan_dir, walk_package_dirs
from gomodcheck.gosrc.tree import DirTree, SourceTree
from gomodcheck.modfile import GoModFile, GoWorkFile, Replace, is_directory_path
from gomodcheck.modgraph import gover
from gomodcheck.module import ModuleVersion
from gomodcheck.vendor import VendorModules, modules_txt_is_for_workspace

# gover.ExplicitModulesTxtImportVersion: from this go version on, a package directory under
# vendor/ that modules.txt does not list is ignored.
EXPLICIT_MODULES_TXT_IMPORT = "1.23"


@dataclass(frozen=True)
class VendorIssue:
    module: ModuleVersion
    detail: str
    line: int  # in go.mod (0 when the issue is about modules.txt)
    vendor_line: int = 0
    # Workspace mode: the go.mod or go.work file `line` is in ("" in module mode: go.mod).
    file: str = ""

    @property
    def go_text(self) -> str:
        who = (
            f"{self.module.path}@{self.module.version}" if self.module.version else self.module.path
        )
        return f"{who}: {self.detail}"


def vendor_mode_default(gomod: GoModFile, root: Path) -> bool:
    """-mod=vendor is the default when vendor/ exists and go.mod says go >= 1.14."""
    go = gomod.go.version if gomod.go else ""
    return (root / "vendor").is_dir() and bool(go) and gover.compare(go, "1.14") >= 0


def _explicit_not_required(
    vendor: VendorModules, required: set[ModuleVersion], where: str, file: str = ""
) -> list[VendorIssue]:
    """Modules marked explicit in modules.txt that no go.mod (of the module or workspace)
    requires, in build-list order."""
    out = []
    for mv in vendor.build_list:
        meta = vendor.module(mv.path, mv.version)
        if meta is not None and meta.explicit and mv not in required:
            detail = (
                "is marked as explicit in vendor/modules.txt, "
                f"but not explicitly required in {where}"
            )
            out.append(VendorIssue(mv, detail, 0, meta.line, file=file))
    return out


def _describe(m: ModuleVersion) -> str:
    return f"{m.path}@{m.version}" if m.version else m.path


def check_consistency(gomod: GoModFile, vendor: VendorModules) -> list[VendorIssue]:
    go = gomod.go.version if gomod.go else ""
    pre114 = gover.compare(go, "1.14") < 0
    vendor_version = {m.path: m.version for m in vendor.build_list}
    issues: list[VendorIssue] = []
    for r in gomod.require:
        mv = ModuleVersion(r.path, r.version)
        meta = vendor.module(r.path, r.version)
        if meta is None or not meta.explicit:
            if pre114:
                vv = vendor_version.get(r.path)
                if vv is not None and vv != r.version:
                    issues.append(
                        VendorIssue(
                            mv,
                            f"is explicitly required in go.mod, but vendor/modules.txt indicates "
                            f"{r.path}@{vv}",
                            r.line,
                        )
                    )
            else:
                issues.append(
                    VendorIssue(
                        mv,
                        "is explicitly required in go.mod, "
                        "but not marked as explicit in vendor/modules.txt",
                        r.line,
                    )
                )
    seen: set[ModuleVersion] = set()
    for rep in gomod.replace:
        if rep.old in seen:
            continue
        seen.add(rep.old)
        meta = vendor.module(rep.old.path, rep.old.version)
        vr = meta.replacement if meta is not None else None
        if vr is None:
            if pre114 and (
                not rep.old.version or vendor_version.get(rep.old.path) != rep.old.version
            ):
                continue
            issues.append(
                VendorIssue(
                    rep.old,
                    "is replaced in go.mod, but not marked as replaced in vendor/modules.txt",
                    rep.line,
                )
            )
        elif vr != rep.new:
            issues.append(
                VendorIssue(
                    rep.old,
                    f"is replaced by {_describe(rep.new)} in go.mod, "
                    f"but marked as replaced by {_describe(vr)} in vendor/modules.txt",
                    rep.line,
                )
            )
    required = {ModuleVersion(r.path, r.version) for r in gomod.require}
    issues += _explicit_not_required(vendor, required, "go.mod")
    replaces = {r.old for r in gomod.replace}
    for m in vendor.modules:
        if m.replacement is None:
            continue
        if m.mod not in replaces and ModuleVersion(m.path, "") not in replaces:
            issues.append(
                VendorIssue(
                    m.mod,
                    "is marked as replaced in vendor/modules.txt, but not replaced in go.mod",
                    0,
                    m.line,
                )
            )
    return issues


@dataclass(frozen=True)
class MissingVendored:
    package: str
    importer: str
    listed: bool  # listed in modules.txt (then the directory is missing)


def missing_vendored_packages(
    root: Path,
    main_path: str,
    vendor: VendorModules,
    main_imports: dict[str, tuple[str, ...]] | None = None,
) -> list[MissingVendored]:
    """Packages the main module's packages and tests import, transitively, that vendor/ lacks."""
    main_tree = DirTree(root)
    if main_imports is None:
        main_imports = {}
        for rel in walk_package_dirs(main_tree):
            if rel == "vendor" or rel.startswith("vendor/"):
                continue
            scanned = scan_dir(main_tree, rel)
            if scanned is not None:
                path = f"{main_path}/{rel}" if rel else main_path
                main_imports[path] = (*scanned.imports, *scanned.test_imports)
    return vendored_import_gaps(
        DirTree(root / "vendor"), (main_path,), vendor, main_imports, scan_dir
    )


def vendored_import_gaps(
    vendor_tree: SourceTree,
    main_paths: Sequence[str],
    vendor: VendorModules,
    main_imports: dict[str, tuple[str, ...]],
    scan: Callable[[SourceTree, str], PackageImports | None],
    *,
    go_version: str = "",
) -> list[MissingVendored]:
    """Packages that main_imports (package -> its imports, tests' included) need, transitively,
    and that a -mod=vendor build cannot find (modload.importFromModules in vendor mode).

    A package under a main module path counts as found. A vendored package is found when its
    directory holds .go files and modules.txt lists it; below go_version 1.23 (go.mod's, or
    go.work's in workspace mode) an unlisted directory is used too ("" means 1.23 or later).
    """
    unlisted_ok = bool(go_version) and gover.compare(go_version, EXPLICIT_MODULES_TXT_IMPORT) < 0
    queue: deque[tuple[str, str]] = deque()
    seen: set[str] = set()
    for path, imports in main_imports.items():
        seen.add(path)
        queue.extend((imp, path) for imp in imports)
    out: list[MissingVendored] = []
    while queue:
        path, importer = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        if any(path == mp or path.startswith(mp + "/") for mp in main_paths):
            continue
        if "." not in path.split("/", 1)[0]:
            continue  # the standard library
        listed = vendor.package_module(path) is not None
        if not is_go_dir(vendor_tree, path) or not (listed or unlisted_ok):
            out.append(MissingVendored(path, importer, listed))
            continue
        scanned = scan(vendor_tree, path)
        if scanned is not None:
            for imp in scanned.imports:
                queue.append((imp, path))
    return out


@dataclass(frozen=True)
class VendorMode:
    """cfg.BuildMod as the go command settles it (setDefaultBuildMod), and why."""

    build_mod: str  # "vendor", "readonly" or "mod"
    explicit: bool  # -mod came from GOFLAGS (or the command line)
    reason: str  # cfg.BuildModReason: why vendor/ is or is not used by default ("" if explicit)
    vendor_dir_exists: bool

    @property
    def vendor(self) -> bool:
        return self.build_mod == "vendor"


def workspace_vendor_mode(work_go: str, vendor_dir: Path, mod_flag: str = "") -> VendorMode:
    """setDefaultBuildMod in workspace mode. work_go is go.work's go line ("" when it has none),
    vendor_dir the vendor directory beside go.work, mod_flag the -mod value from GOFLAGS.

    Without -mod, vendor/ is used only when go.work has a go line >= 1.14 and
    vendor/modules.txt was written by `go work vendor` (its first line is `## workspace`); a
    vendor/ without modules.txt, or one `go mod vendor` wrote, is ignored.
    """
    exists = vendor_dir.is_dir()
    if mod_flag:
        return VendorMode(mod_flag, True, "", exists)
    if not exists:
        return VendorMode("readonly", False, "", exists)
    if not work_go:
        why = "Go version in go.work is unspecified, so vendor directory was not used."
        return VendorMode("readonly", False, why, exists)
    if gover.compare(work_go, "1.14") < 0:
        why = f"Go version in go.work is {work_go}, so vendor directory was not used."
        return VendorMode("readonly", False, why, exists)
    txt = vendor_dir / "modules.txt"
    try:
        data = txt.read_bytes() if txt.is_file() else b""
    except OSError:
        data = b""
    if not modules_txt_is_for_workspace(data):
        why = "In workspace mode, but vendor directory is not for a workspace"
        return VendorMode("readonly", False, why, exists)
    why = "Go version in go.work is at least 1.14 and vendor directory exists."
    return VendorMode("vendor", False, why, exists)


def module_vendor_ignored(vendor_dir: Path) -> bool:
    """Outside workspace mode the go command ignores, by default, a vendor/ that
    `go work vendor` wrote ("Outside workspace mode, but vendor directory is for a workspace.")."""
    txt = vendor_dir / "modules.txt"
    try:
        return txt.is_file() and modules_txt_is_for_workspace(txt.read_bytes())
    except OSError:
        return False


@dataclass(frozen=True)
class _Standing:
    """replacementFrom's answer: the replacement as written, the module root it is relative to
    (None when it comes from go.work), and the directive."""

    new: ModuleVersion
    mod_root: Path | None
    source: Path
    directive: Replace


def _lookup(replaces: Sequence[Replace], m: ModuleVersion) -> tuple[str, Replace] | None:
    """modload.replacement: (m.version for an exact match, "" for a path-wide one; directive)."""
    for r in replaces:
        if r.old == m:
            return m.version, r
    for r in replaces:
        if r.old == ModuleVersion(m.path, ""):
            return "", r
    return None


def _to_directory_path(p: str) -> str:
    """modload.ToDirectoryPath."""
    return p if is_directory_path(p) else "./" + posixpath.normpath(p.replace(os.sep, "/"))


@dataclass(frozen=True)
class WorkspaceVendorCheck:
    """The inputs of checkVendorConsistency in workspace mode."""

    work: GoWorkFile
    work_file: Path
    modules: Sequence[tuple[Path, GoModFile]]  # (root, go.mod) of each `use`, in go.work order
    cwd: Path  # where the go command runs: paths in messages are relative to it when shorter

    @property
    def work_dir(self) -> Path:
        return self.work_file.parent

    def short(self, p: Path | str) -> str:
        """base.ShortPath."""
        p = str(p)
        if not p:
            return ""
        try:
            rel = os.path.relpath(p, self.cwd)
        except ValueError:
            return p
        return rel if len(rel) < len(p) else p

    def replacement_from(self, m: ModuleVersion) -> _Standing | None:
        """modload.replacementFrom: go.work's replace wins; else the first workspace module's
        (a later exact-version replace that differs is a conflict, and the first stands)."""
        if not m.version and any(g.module and g.module.path == m.path for _, g in self.modules):
            return None  # the workspace version of a main module is never replaced
        hit = _lookup(self.work.replace, m)
        if hit is not None:
            return _Standing(hit[1].new, None, self.work_file, hit[1])
        found: _Standing | None = None
        for root, g in self.modules:
            hit = _lookup(g.replace, m)
            if hit is None:
                continue
            from_version, r = hit
            if found is not None and from_version and found.new != r.new:
                return found
            found = _Standing(r.new, root, root / "go.mod", r)
        return found

    def canonical(self, s: _Standing | None) -> ModuleVersion | None:
        """modload.canonicalizeReplacePath: a module's relative directory replacement made
        relative to the workspace directory."""
        if s is None:
            return None
        r = s.new
        if posixpath.isabs(r.path) or Path(r.path).is_absolute() or r.version:
            return r
        if s.mod_root is None:
            return r
        target = os.path.normpath(s.mod_root / r.path)
        try:
            rel = os.path.relpath(target, self.work_dir)
        except ValueError:
            return ModuleVersion(_to_directory_path(target), "")
        return ModuleVersion(_to_directory_path(rel), "")


def check_workspace_consistency(
    ws: WorkspaceVendorCheck, vendor: VendorModules, modules_txt: Path
) -> list[VendorIssue]:
    """checkVendorConsistency in workspace mode, sub-lines in the go command's order."""
    issues: list[VendorIssue] = []
    txt = str(modules_txt)
    for root, g in ws.modules:
        for r in g.require:
            meta = vendor.module(r.path, r.version)
            if meta is None or not meta.explicit:
                issues.append(
                    VendorIssue(
                        ModuleVersion(r.path, r.version),
                        "is explicitly required in go.mod, "
                        "but not marked as explicit in vendor/modules.txt",
                        r.line,
                        file=str(root / "go.mod"),
                    )
                )
    seen: set[ModuleVersion] = set()
    for replaces in [*(g.replace for _, g in ws.modules), ws.work.replace]:
        for rep in replaces:
            if rep.old in seen:
                continue
            seen.add(rep.old)
            standing = ws.replacement_from(rep.old)
            canonical = ws.canonical(standing)
            meta = vendor.module(rep.old.path, rep.old.version)
            vr = meta.replacement if meta is not None else None
            source = str(standing.source) if standing is not None else ""
            line = standing.directive.line if standing is not None else 0
            if vr is None:
                if canonical is None:
                    continue  # not replaced after all: a workspace module
                issues.append(
                    VendorIssue(
                        rep.old,
                        f"is replaced in {ws.short(source)}, "
                        "but not marked as replaced in vendor/modules.txt",
                        line,
                        file=source,
                    )
                )
            elif vr != canonical:
                written = _describe(standing.new) if standing is not None else ""
                issues.append(
                    VendorIssue(
                        rep.old,
                        f"is replaced by {written} in {ws.short(source)}, "
                        f"but marked as replaced by {_describe(vr)} in vendor/modules.txt",
                        line,
                        meta.line if meta is not None else 0,
                        file=source or txt,
                    )
                )
    required = {ModuleVersion(r.path, r.version) for _, g in ws.modules for r in g.require}
    issues += _explicit_not_required(vendor, required, "a go.mod", txt)
    for m in vendor.modules:
        if m.replacement is not None and ws.replacement_from(m.mod) is None:
            issues.append(
                VendorIssue(
                    m.mod,
                    "is marked as replaced in vendor/modules.txt, "
                    "but not replaced in the workspace",
                    0,
                    m.line,
                    file=txt,
                )
            )
    return issues
