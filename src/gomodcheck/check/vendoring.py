"""vendor/modules.txt against go.mod, as modload.checkVendorConsistency checks it, and the
vendored packages a -mod=vendor build needs.

Messages are the go command's sub-lines of "inconsistent vendoring"; a build fails on any of them
once -mod=vendor is in effect (the default from go 1.14 when vendor/ exists).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from pathlib import Path

from gomodcheck.gosrc.scan import is_go_dir, scan_dir, walk_package_dirs
from gomodcheck.gosrc.tree import DirTree
from gomodcheck.modfile import GoModFile
from gomodcheck.modgraph import gover
from gomodcheck.module import ModuleVersion
from gomodcheck.vendor import VendorModules


@dataclass(frozen=True)
class VendorIssue:
    module: ModuleVersion
    detail: str
    line: int  # in go.mod (0 when the issue is about modules.txt)
    vendor_line: int = 0

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
    for mv in vendor.build_list:
        meta = vendor.module(mv.path, mv.version)
        if meta is not None and meta.explicit and mv not in required:
            issues.append(
                VendorIssue(
                    mv,
                    "is marked as explicit in vendor/modules.txt, "
                    "but not explicitly required in go.mod",
                    0,
                    meta.line,
                )
            )
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
    vendor_tree = DirTree(root / "vendor")
    queue: deque[tuple[str, str]] = deque()
    seen: set[str] = set()
    if main_imports is None:
        main_imports = {}
        for rel in walk_package_dirs(main_tree):
            if rel == "vendor" or rel.startswith("vendor/"):
                continue
            scanned = scan_dir(main_tree, rel)
            if scanned is not None:
                path = f"{main_path}/{rel}" if rel else main_path
                main_imports[path] = (*scanned.imports, *scanned.test_imports)
    for path, imports in main_imports.items():
        seen.add(path)
        queue.extend((imp, path) for imp in imports)
    out: list[MissingVendored] = []
    while queue:
        path, importer = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        if path == main_path or path.startswith(main_path + "/"):
            continue
        if "." not in path.split("/", 1)[0]:
            continue  # the standard library
        listed = vendor.package_module(path) is not None
        if not listed or not is_go_dir(vendor_tree, path):
            out.append(MissingVendored(path, importer, listed))
            continue
        scanned = scan_dir(vendor_tree, path)
        if scanned is not None:
            for imp in scanned.imports:
                queue.append((imp, path))
    return out
