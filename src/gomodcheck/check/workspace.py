"""`gomodcheck check` in workspace mode: go.work, its modules, and the checksums a build needs.

The go command's rules, ported from modload: which go.work is in effect (FindGoWork: GOWORK=off,
an absolute path, or a search of the directory and its parents), what it refuses to load
(LoadWorkFile, loadModFile, makeMainModules, replacementFrom), the module graph over every
workspace module (modgraph.workspace), and which checksums a build and test of every workspace
module looks up (`go list -deps -test` with one pattern per `use` directory): the go.mod of every
module whose requirements were read, the zip of every module that could provide an imported
package, and the go.mod of every module that provides one. In workspace mode a checksum counts
when go.work.sum or any workspace module's go.sum has it; a missing one is not an error to the
go command: it asks the checksum database and appends the line to go.work.sum (modfetch
checkModSum, WriteGoSum), so the build needs the network and leaves go.work.sum changed.

Vendoring (`go work vendor`, vendor/ beside go.work): when -mod=vendor is in effect as
setDefaultBuildMod decides it, vendor/modules.txt is checked against go.work and every workspace
module's go.mod (checkVendorConsistency) and the workspace's imports against vendor/; go.work.sum
is then not consulted, as the go command does not consult it.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from gomodcheck.check import rules
from gomodcheck.check.analyze import missing_sources_error
from gomodcheck.check.pkgload import Loader, _prefixes
from gomodcheck.check.sums import _valid_import, modkey
from gomodcheck.errors import InputError, UsageError
from gomodcheck.findings import Finding, Location, Report, Rule, Severity
from gomodcheck.gosrc.ignore import IgnorePatterns
from gomodcheck.gosrc.platform import BuildContext, scan_dir_for
from gomodcheck.gosrc.scan import PackageImports, scan_dir, walk_package_dirs
from gomodcheck.gosrc.scancache import ScanCache
from gomodcheck.gosrc.tree import DirTree, SourceTree
from gomodcheck.gosum import GoSum, parse_gosum
from gomodcheck.modfile import GoModFile, GoWorkFile, Use, parse_gomod, parse_gowork
from gomodcheck.modgraph import gover
from gomodcheck.modgraph.load import MissingModFiles, ModSummary, ModuleGraph, Retraction
from gomodcheck.modgraph.sources import ModuleSources
from gomodcheck.modgraph.workspace import (
    ModuleReplaces,
    WorkspaceMain,
    load_workspace_graph,
    module_string,
    replace_problems,
)
from gomodcheck.module import ModuleVersion, match_prefix_patterns

# A go.work without a go line means go 1.18 (gover.FromGoWork); a go.mod without one, go 1.16.
DEFAULT_GOWORK_GO = "1.18"
DEFAULT_GOMOD_GO = "1.16"


def _clean(p: Path) -> Path:
    """filepath.Clean: lexical, without resolving symbolic links."""
    return Path(os.path.normpath(p))


def find_gowork(directory: Path, gowork: str, goroot: str = "") -> Path | None:
    """modload.FindGoWork: the go.work file in effect for a command run in directory.

    gowork is the GOWORK setting: "off" disables workspace mode, "" or "auto" searches the
    directory and its parents (never crossing into GOROOT), anything else must be an absolute
    path to the file.
    """
    if gowork == "off":
        return None
    if gowork not in ("", "auto"):
        if not Path(gowork).is_absolute():
            raise UsageError("go: invalid GOWORK: not an absolute path")
        return Path(gowork)
    d = _clean(Path(directory).absolute())
    stop = os.path.normpath(goroot) if goroot else ""
    while True:
        f = d / "go.work"
        if f.is_file():
            return f
        parent = d.parent
        if parent == d or (stop and str(parent) == stop):
            return None
        d = parent


@dataclass
class WorkModule:
    """A `use` directory and the module in it."""

    use: Use
    root: Path
    gomod: GoModFile
    gosum: GoSum | None

    @property
    def path(self) -> str:
        return self.gomod.module.path if self.gomod.module else ""

    @property
    def go_version(self) -> str:
        return self.gomod.go.version if self.gomod.go else DEFAULT_GOMOD_GO


@dataclass
class Workspace:
    file: Path
    work: GoWorkFile
    modules: list[WorkModule]
    work_sum: GoSum | None
    findings: list[tuple[Finding, Rule]] = field(default_factory=list)

    @property
    def dir(self) -> Path:
        return self.file.parent

    @property
    def go_version(self) -> str:
        return self.work.go.version if self.work.go else DEFAULT_GOWORK_GO

    @property
    def loadable(self) -> bool:
        """Whether the go command gets past loading go.work and the workspace modules."""
        return not any(f.severity == Severity.ERROR for f, _ in self.findings)

    def short(self, p: Path | str) -> str:
        """base.ShortPath: relative to the workspace directory when that is shorter."""
        p = str(p)
        try:
            rel = os.path.relpath(p, self.dir)
        except ValueError:
            return p
        return rel if len(rel) < len(p) else p

    def add(
        self,
        rule: Rule,
        message: str,
        location: Location | None,
        *,
        severity: Severity | None = None,
        evidence: tuple[str, ...] = (),
        fix: str = "",
        fix_commands: tuple[str, ...] = (),
        do_not: tuple[str, ...] = (),
    ) -> None:
        finding = _finding(
            rule,
            message,
            location,
            severity=severity,
            evidence=evidence,
            fix=fix,
            fix_commands=fix_commands,
            do_not=do_not,
        )
        self.findings.append((finding, rule))


def _loc(path: Path, line: int = 0, column: int = 0) -> Location:
    return Location(str(path), line, column)


def read_workspace(path: Path, ci_go_version: str = "") -> Workspace:
    """Read go.work and its modules; record what makes the go command refuse the workspace.

    ci_go_version, when given, is the Go release that runs the build (GOTOOLCHAIN=local).
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"go: reading go.work: open {path}: {exc.strerror}") from exc
    work = parse_gowork(data, str(path))
    ws = Workspace(path, work, [], None)
    ci = ci_go_version.removeprefix("go")
    if ci and not gover.is_valid(ci):
        raise UsageError(f"--go-version {ci!r} is not a Go version such as 1.22.3")
    if ci and gover.compare(ws.go_version, ci) > 0:
        line = work.go.line if work.go else 0
        ws.add(
            rules.TOOLCHAIN_UNSATISFIED,
            f"go: go.work requires go >= {ws.go_version} (running go {ci}; GOTOOLCHAIN=local)",
            _loc(path, line),
            fix_commands=(f"go work edit -go={ci}",),
            do_not=("set GOTOOLCHAIN=auto in an offline build: the download fails",),
        )
        return ws  # ReadWorkFile stops here
    if ci and work.toolchain:
        name = work.toolchain.name.removeprefix("go")
        if gover.is_valid(name) and gover.compare(name, ci) > 0:
            ws.add(
                rules.TOOLCHAIN_UNSATISFIED,
                f"go.work asks for toolchain {work.toolchain.name}, newer than the CI Go "
                f"version {ci}: the go command downloads it (GOTOOLCHAIN=auto) or ignores it "
                "(GOTOOLCHAIN=local)",
                _loc(path, work.toolchain.line, work.toolchain.column),
                severity=Severity.WARNING,
                fix_commands=("go work edit -toolchain=none",),
            )
    seen: set[str] = set()
    for use in work.use:
        key = str(_clean(ws.dir / use.path))
        if key in seen:
            ws.add(
                rules.GOWORK_INVALID,
                f"go: error loading go.work:\n{ws.short(path)}:{use.line}: path {key} appears "
                "multiple times in workspace",
                _loc(path, use.line, use.column),
                fix_commands=(f"go work edit -dropuse={use.path}",),
            )
            return ws  # LoadWorkFile fails as a whole
        seen.add(key)
    for use in work.use:
        root = _clean(ws.dir / use.path)
        gomod_path = root / "go.mod"
        try:
            gomod_data = gomod_path.read_bytes()
        except OSError as exc:
            what = "no such file or directory" if not gomod_path.exists() else exc.strerror
            ws.add(
                rules.GOWORK_INVALID,
                f"go: cannot load module {ws.short(root)} listed in go.work file: open "
                f"{ws.short(gomod_path)}: {what}",
                _loc(path, use.line, use.column),
                evidence=(f"use {use.path} resolves to {root}",),
                fix=(
                    "Drop the use line, or make the directory available (a CI checkout or "
                    "Docker build context that leaves it out breaks workspace builds)."
                ),
                fix_commands=(f"go work edit -dropuse={use.path}",),
            )
            continue
        gomod = parse_gomod(gomod_data, str(gomod_path))
        if gomod.module is None:
            raise InputError(f"{gomod_path}: no module directive")
        sum_path = root / "go.sum"
        gosum = parse_gosum(sum_path.read_bytes(), str(sum_path)) if sum_path.is_file() else None
        mod = WorkModule(use, root, gomod, gosum)
        ws.modules.append(mod)
        mv = mod.go_version
        too_new_for_ci = bool(ci) and gover.compare(mv, ci) > 0
        if too_new_for_ci or (
            gover.compare(mv, ws.go_version) > 0 and gover.compare(mv, gover.GO_STRICT) >= 0
        ):
            verb = "lists" if work.go else "implicitly requires"
            ws.add(
                rules.GOWORK_GO_VERSION,
                f"go: module {ws.short(root)} listed in go.work file requires go >= {mv}, but "
                f"go.work {verb} go {ws.go_version}; to update it:\n\tgo work use",
                _loc(path, work.go.line, work.go.column) if work.go else _loc(path),
                evidence=(f"{gomod_path}: go {mv}",),
                fix_commands=("go work use",),
            )
    paths: set[str] = set()
    for mod in ws.modules:
        if mod.path in paths:
            ws.add(
                rules.GOWORK_INVALID,
                f"go: module {mod.path} appears multiple times in workspace",
                _loc(path, mod.use.line, mod.use.column),
                fix_commands=(f"go work edit -dropuse={mod.use.path}",),
            )
        paths.add(mod.path)
    if not ws.loadable:
        return ws
    for p in replace_problems(
        [m.path for m in ws.modules],
        str(path),
        [(r.old, r.new, r.line) for r in work.replace],
        [
            (_module_replaces(m), [(r.old, r.new, r.line) for r in m.gomod.replace])
            for m in ws.modules
        ],
    ):
        fix = (
            (f"go work edit -dropreplace={p.old.path}",)
            if p.kind == "all-versions"
            else (f"go work edit -replace={module_string(p.old)}=[override]",)
        )
        ws.add(rules.GOWORK_REPLACE, p.message, _loc(Path(p.file), p.line), fix_commands=fix)
    if ws.file.with_name("go.work.sum").is_file():
        sum_path = ws.file.with_name("go.work.sum")
        ws.work_sum = parse_gosum(sum_path.read_bytes(), str(sum_path))
    return ws


def _module_replaces(m: WorkModule) -> ModuleReplaces:
    reps: dict[ModuleVersion, ModuleVersion] = {}
    for r in m.gomod.replace:
        reps[r.old] = r.new
    return ModuleReplaces(str(m.root), str(m.root / "go.mod"), reps)


def workspace_main(ws: Workspace) -> WorkspaceMain:
    excludes = {ModuleVersion(e.path, e.version) for m in ws.modules for e in m.gomod.exclude}
    paths = tuple(m.path for m in ws.modules)
    return WorkspaceMain(
        path=paths[0] if paths else "command-line-arguments",
        go_version=ws.go_version,
        requires=(),
        excludes=frozenset(excludes),
        work_dir=str(ws.dir),
        main_paths=paths,
        work_replaces={r.old: r.new for r in ws.work.replace},
        module_replaces=tuple(_module_replaces(m) for m in ws.modules),
    )


def module_summary(m: WorkModule) -> ModSummary:
    g = m.gomod
    return ModSummary(
        module=m.path,
        go_version=g.go.version if g.go else "",
        require=tuple(ModuleVersion(r.path, r.version) for r in g.require),
        retract=tuple(Retraction(r.low, r.high, r.rationale) for r in g.retract),
        deprecated=g.module.deprecated if g.module else "",
    )


@dataclass
class WsPackage:
    path: str
    module: ModuleVersion | None  # None: standard library, or not resolved (error set)
    error: str = ""
    imports: tuple[str, ...] = ()
    test_imports: tuple[str, ...] = ()
    importers: list[str] = field(default_factory=list)


@dataclass
class WorkspaceAnalysis:
    main: WorkspaceMain
    graph: ModuleGraph
    packages: dict[str, WsPackage]
    # go.sum keys ("v1.2.3" or "v1.2.3/go.mod") the go command looks up and would record.
    needed: set[ModuleVersion]
    present: set[ModuleVersion]
    why: dict[ModuleVersion, str]  # needed key -> a package that needs it ("" for the graph)
    unresolved: dict[str, list[str]]
    missing_sources: dict[ModuleVersion, str]
    replace_conflicts: list[tuple[ModuleVersion, str, str]]

    @property
    def missing(self) -> set[ModuleVersion]:
        return self.needed - self.present


def _pattern_roots(ws: Workspace) -> list[tuple[WorkModule, IgnorePatterns, str]]:
    """For each module, the ignore patterns search.MatchDirs applies to its `./dir/...` pattern:
    those of the last workspace module (in use order) whose root contains the directory, and
    the directory's path relative to that root."""
    out = []
    for mod in ws.modules:
        owner = mod
        for other in ws.modules:
            if mod.root == other.root or str(mod.root).startswith(str(other.root) + os.sep):
                owner = other
        rel = os.path.relpath(mod.root, owner.root).replace(os.sep, "/")
        ignore = IgnorePatterns.parse(i.path for i in owner.gomod.ignore)
        out.append((mod, ignore, "" if rel == "." else rel))
    return out


def _scanner(
    build: BuildContext | None, cache: ScanCache | None
) -> Callable[[SourceTree, str], PackageImports | None]:
    """imports.ScanDir with every tag (build None, as `go mod tidy` and `go work vendor`
    scan) or as `go list` scans for one target."""

    def scan(tree: SourceTree, rel: str) -> PackageImports | None:
        return scan_dir(tree, rel, cache) if build is None else scan_dir_for(build, tree, rel)

    return scan


def _workspace_imports(
    ws: Workspace, scan: Callable[[SourceTree, str], PackageImports | None]
) -> dict[str, tuple[str, ...]]:
    """Every package the `./dir/...` patterns of the use directories match, with the imports
    of its files and of its tests."""
    out: dict[str, tuple[str, ...]] = {}
    for mod, ignore, prefix in _pattern_roots(ws):
        tree = DirTree(mod.root)
        for rel in walk_package_dirs(tree):
            full = f"{prefix}/{rel}" if prefix and rel else (prefix or rel)
            if rel == "vendor" or ignore.should_ignore(full):
                continue
            scanned = scan(tree, rel)
            if scanned is not None:
                path = f"{mod.path}/{rel}" if rel else mod.path
                out[path] = (*scanned.imports, *scanned.test_imports)
    return out


def analyze_workspace(
    ws: Workspace,
    sources: ModuleSources,
    *,
    build: BuildContext | None = None,
    cache: ScanCache | None = None,
) -> WorkspaceAnalysis:
    """The module graph, the packages of every workspace module with their tests and imports,
    and the checksums the go command needs for them. build None scans with every build tag
    (as `go mod tidy` does); a BuildContext scans as `go list` does for that one target."""
    main = workspace_main(ws)
    graph = load_workspace_graph(
        main,
        {m.path: module_summary(m) for m in ws.modules},
        sources.summary,
        go_version=ws.go_version,
        toolchain=ws.work.toolchain.name if ws.work.toolchain else "",
    )
    trees: dict[str, SourceTree] = {m.path: DirTree(m.root) for m in ws.modules}

    def tree_for(m: ModuleVersion) -> SourceTree | None:
        if not m.version and m.path in trees:
            return trees[m.path]
        return sources.tree(m)

    scan = _scanner(build, cache)
    mains = set(main.main_paths)
    loader = Loader(
        main,
        trees[main.path],
        tree_for,
        lambda p: "" if p in mains else None,
        graph.selected,
        pruned=True,  # two passes: the main modules first, then the whole graph
        cache=cache,
    )
    pkgs: dict[str, WsPackage] = {}
    scans: dict[str, PackageImports] = {}
    queue: deque[tuple[str, bool, str]] = deque()
    for mod, ignore, prefix in _pattern_roots(ws):
        tree = trees[mod.path]
        for rel in walk_package_dirs(tree):
            full = f"{prefix}/{rel}" if prefix and rel else (prefix or rel)
            if ignore.should_ignore(full):
                continue
            scanned = scan(tree, rel)
            if scanned is None:
                continue
            path = f"{mod.path}/{rel}" if rel else mod.path
            scans[path] = scanned
            queue.append((path, True, ""))
    unresolved: dict[str, list[str]] = {}
    while queue:
        path, is_root, importer = queue.popleft()
        pkg = pkgs.get(path)
        if pkg is None:
            found, rel, err = loader.resolve(path, importer or path)
            pkg = WsPackage(path, found, err)
            pkgs[path] = pkg
            scanned = scans.get(path)
            if scanned is None and found is not None:
                src = loader.tree(found)
                scanned = scan(src, rel) if src is not None else None
            if scanned is not None:
                pkg.imports, pkg.test_imports = scanned.imports, scanned.test_imports
            for imp in pkg.imports:
                queue.append((imp, False, path))
            if is_root:  # -test: the tests of the packages the patterns match
                for imp in pkg.test_imports:
                    queue.append((imp, False, path))
            if pkg.error and importer:
                unresolved.setdefault(importer, []).append(path)
        if importer:
            pkg.importers.append(importer)
    needed, why = _needed_sums(main, graph, pkgs.values(), ws.go_version)
    present: set[ModuleVersion] = set()
    for s in (ws.work_sum, *(m.gosum for m in ws.modules)):
        if s is not None:
            present.update(
                ModuleVersion(p, v + "/go.mod" if g else v)
                for p, v, g in s.keys()  # noqa: SIM118 - GoSum is not iterable
            )
    conflicts = []
    for m in {*graph.loaded(), *graph.build_list()}:
        hit = main.replacement_conflict(m)
        if hit is not None:
            conflicts.append((m, *hit))
    conflicts.sort(key=lambda c: (c[0].path, c[0].version))
    return WorkspaceAnalysis(
        main,
        graph,
        pkgs,
        needed,
        present,
        why,
        unresolved,
        dict(loader.missing_sources),
        conflicts,
    )


def _needed_sums(
    main: WorkspaceMain,
    graph: ModuleGraph,
    packages: Iterable[WsPackage],
    go_version: str,
) -> tuple[set[ModuleVersion], dict[ModuleVersion, str]]:
    """The keys the go command checks while loading (checkModSum) and keeps (keepSums).

    A package found in a workspace module (or the standard library) resolves in the first pass
    and costs nothing. Any other resolves against the whole graph: every module whose path is a
    prefix of the package's is downloaded (its zip checked), the graph is loaded (each go.mod
    read is checked), and the providing module's go.mod is read for its go version; that sum
    is kept below go 1.21 only when the graph read the same go.mod.
    """
    why: dict[ModuleVersion, str] = {}
    pkg_mods: dict[ModuleVersion, str] = {}
    graph_needed = False
    for pkg in packages:
        if pkg.module is None and not pkg.error:
            continue  # standard library
        if pkg.module is not None and main.is_main(pkg.module):
            continue
        graph_needed = True
        if not _valid_import(pkg.path):
            continue
        for prefix in _prefixes(pkg.path):
            if prefix in ("go", "toolchain"):
                continue
            v = graph.selected(prefix)
            if v == "none" or main.is_main(ModuleVersion(prefix, v)):
                continue
            r = main.resolve(ModuleVersion(prefix, v))
            if r.version:
                why.setdefault(r, pkg.path)
        if pkg.module is not None:
            r = main.resolve(pkg.module)
            if r.version:
                pkg_mods.setdefault(modkey(r), pkg.path)
    if graph_needed:
        for m in graph.loaded():
            r = main.resolve(m)
            if r.version:
                why.setdefault(modkey(r), "")
    keep_pkg_gomod = gover.compare(go_version, gover.TIDY_GO_MOD_SUM) >= 0
    for k, p in pkg_mods.items():
        if keep_pkg_gomod or k in why:
            why.setdefault(k, p)
    return set(why), why


def check_workspace(
    report: Report,
    ws_file: Path,
    cwd: Path,
    sources: ModuleSources,
    *,
    ci_go_version: str = "",
    build: BuildContext | None = None,
    cache: ScanCache | None = None,
    nosumdb: Callable[[str], bool] | None = None,
    known_hash: Callable[[ModuleVersion], str] | None = None,
    mod_flag: str = "",
) -> Workspace:
    """Add the workspace findings for a go command run in cwd to report; return the workspace.

    mod_flag is the -mod value GOFLAGS sets ("" for none): it decides, with vendor/, whether the
    build reads vendor/ or the module cache.
    """
    ws = read_workspace(ws_file, ci_go_version)
    report.inputs.append(str(ws_file))
    for f, rule in ws.findings:
        report.add(f, rule)
    report.summary["workspace modules"] = len(ws.modules)
    if ws.loadable:
        _check_cwd_module(report, ws, cwd)
    if not ws.loadable or not ws.modules:
        report.summary["go.work.sum analysis"] = "skipped: the go command cannot load go.work"
        return ws
    skipped = _check_vendor(report, ws, cwd, mod_flag, _scanner(build, cache))
    if skipped:
        report.summary["go.work.sum analysis"] = f"skipped: {skipped}"
        return ws
    try:
        a = analyze_workspace(ws, sources, build=build, cache=cache)
    except MissingModFiles as exc:
        dirs = {m: why for m, why in exc.missing.items() if why.startswith("replacement dir")}
        if len(dirs) != len(exc.missing):
            from gomodcheck.check.analyze import GraphIncompleteError  # noqa: PLC0415

            lines = [f"{m.path}@{m.version}: {w}" for m, w in sorted(exc.missing.items(), key=str)]
            raise GraphIncompleteError(
                "cannot load the workspace module graph: these go.mod files are neither in the "
                "module cache nor reachable (fail closed):\n\t" + "\n\t".join(lines),
                exc.missing,
            ) from exc
        for m, why in sorted(dirs.items(), key=str):
            _add(
                report,
                rules.REPLACE_DIR_MISSING,
                f"{module_string(m)}: {why}",
                _loc(ws_file),
                evidence=("the module is in the workspace module graph",),
            )
        report.summary["go.work.sum analysis"] = "skipped: a replacement directory is missing"
        return ws
    if a.missing_sources:
        raise missing_sources_error(a.missing_sources, "the workspace's import graph")
    for m, first, second in a.replace_conflicts:
        _add(
            report,
            rules.GOWORK_REPLACE,
            f"conflicting replacements found for {module_string(m)} in workspace modules defined "
            f"by {first} and {second}",
            _loc(Path(second)),
            fix_commands=(f"go work edit -replace={module_string(m)}=[override]",),
            properties={"module": m.path, "version": m.version},
        )
    _report_unresolved(report, ws, a)
    _report_missing(report, ws, a, nosumdb, known_hash)
    report.summary["workspace build list"] = sum(
        1 for m in a.graph.build_list() if m.path not in ("go", "toolchain")
    )
    report.summary["workspace packages loaded"] = len(a.packages)
    report.summary["workspace checksums needed"] = len(a.needed)
    return ws


def _check_cwd_module(report: Report, ws: Workspace, cwd: Path) -> None:
    """A go command run in a module go.work does not list fails (modload.resolveLocalPackage)."""
    cwd = cwd.resolve()
    if not (cwd / "go.mod").is_file() or any(m.root == cwd for m in ws.modules):
        return
    owner = None  # the workspace module with the longest root containing cwd
    for m in ws.modules:
        if cwd.is_relative_to(m.root) and (owner is None or len(m.path) > len(owner.path)):
            owner = m
    rel = ws.short(cwd)
    if owner is not None:
        pkg = f"{owner.path}/{cwd.relative_to(owner.root).as_posix()}"
        msg = f"main module ({owner.path}) does not contain package {pkg}"
    else:
        msg = (
            "current directory is contained in a module that is not one of the workspace "
            "modules listed in go.work. You can add the module to the workspace using:\n"
            f"\tgo work use {rel}"
        )
    _add(
        report,
        rules.GOWORK_INVALID,
        msg,
        _loc(ws.file),
        evidence=(f"{cwd / 'go.mod'} is not used by {ws.file}",),
        fix_commands=(f"go work use {rel}", "GOWORK=off go build ./..."),
    )


def _add(
    report: Report,
    rule: Rule,
    message: str,
    location: Location | None,
    *,
    evidence: tuple[str, ...] = (),
    fix: str = "",
    fix_commands: tuple[str, ...] = (),
    do_not: tuple[str, ...] = (),
    properties: dict[str, str] | None = None,
) -> None:
    finding = _finding(
        rule,
        message,
        location,
        evidence=evidence,
        fix=fix,
        fix_commands=fix_commands,
        do_not=do_not,
        properties=properties,
    )
    report.add(finding, rule)


def _finding(
    rule: Rule,
    message: str,
    location: Location | None,
    *,
    severity: Severity | None = None,
    evidence: tuple[str, ...] = (),
    fix: str = "",
    fix_commands: tuple[str, ...] = (),
    do_not: tuple[str, ...] = (),
    properties: dict[str, str] | None = None,
) -> Finding:
    return Finding(
        rule.id,
        severity or rule.default_severity,
        message,
        location,
        evidence=evidence,
        fix=fix,
        fix_commands=fix_commands,
        do_not=do_not,
        properties=properties or {},
    )


_VENDOR_FOOTER = (
    "To ignore the vendor directory, use -mod=readonly or -mod=mod.\n"
    "\tTo sync the vendor directory, run:\n\t\tgo work vendor"
)


def _check_vendor(
    report: Report,
    ws: Workspace,
    cwd: Path,
    mod_flag: str,
    scan: Callable[[SourceTree, str], PackageImports | None],
) -> str:
    """The go command's vendoring rules in workspace mode (setDefaultBuildMod,
    checkVendorConsistency, importFromModules under -mod=vendor). Returns why the go.work.sum
    analysis does not apply ("" when it does: the build reads the module cache)."""
    from gomodcheck.check.vendoring import (  # noqa: PLC0415
        WorkspaceVendorCheck,
        check_workspace_consistency,
        vendored_import_gaps,
        workspace_vendor_mode,
    )
    from gomodcheck.vendor import parse_modules_txt  # noqa: PLC0415

    vendor_dir = ws.dir / "vendor"
    txt = vendor_dir / "modules.txt"
    mode = workspace_vendor_mode(ws.work.go.version if ws.work.go else "", vendor_dir, mod_flag)
    if mode.build_mod == "mod":
        _add(
            report,
            rules.GOWORK_INVALID,
            "go: -mod may only be set to readonly or vendor when in workspace mode, but it is set "
            'to "mod"\n\tRemove the -mod flag to use the default readonly value, '
            "\n\tor set GOWORK=off to disable workspace mode.",
            _loc(ws.file),
            evidence=("GOFLAGS sets -mod=mod",),
            fix="Remove -mod=mod from GOFLAGS (workspace builds take -mod=readonly or "
            "-mod=vendor only), or build each module with GOWORK=off.",
        )
        return "the go command refuses -mod=mod in workspace mode"
    if not mode.vendor:
        if mode.vendor_dir_exists and not mode.explicit:
            what = (
                f"{ws.short(vendor_dir)}/ exists but {ws.short(txt)} does not"
                if not txt.is_file()
                else f"{ws.short(vendor_dir)}/ exists"
            )
            _add(
                report,
                rules.VENDOR_UNUSED,
                f"{what}: the go command does not use it in workspace mode ({mode.reason}); "
                "it builds from the module cache instead of the vendored code",
                _loc(txt if txt.is_file() else vendor_dir),
                fix="Run `go work vendor` in the workspace directory if the workspace is meant "
                "to be vendored (its modules.txt starts with `## workspace`); otherwise delete "
                "vendor/.",
                fix_commands=("go work vendor",),
            )
        return ""
    report.inputs.append(str(txt))
    exists = txt.is_file()
    vendor = parse_modules_txt(txt.read_bytes() if exists else b"", str(txt))
    evidence: tuple[str, ...] = (_VENDOR_FOOTER,)
    if not exists:
        evidence += (f"{txt} does not exist: the go command reads it as empty",)
    main = workspace_main(ws)
    olds = [r.old for m in ws.modules for r in m.gomod.replace] + [m.mod for m in vendor.replaced]
    reported: set[ModuleVersion] = set()
    for old in olds:
        hit = main.replacement_conflict(old)
        if hit is not None and old not in reported:
            reported.add(old)
            _add(
                report,
                rules.GOWORK_REPLACE,
                f"conflicting replacements found for {module_string(old)} in workspace modules "
                f"defined by {hit[0]} and {hit[1]}",
                _loc(Path(hit[1])),
                fix_commands=(f"go work edit -replace={module_string(old)}=[override]",),
                properties={"module": old.path, "version": old.version},
            )
    sync = f"Run `go work vendor` in {ws.dir} and commit vendor/."
    check = WorkspaceVendorCheck(ws.work, ws.file, [(m.root, m.gomod) for m in ws.modules], cwd)
    issues = check_workspace_consistency(check, vendor, txt)
    for issue in issues:
        if issue.line and issue.file:
            loc = _loc(Path(issue.file), issue.line)
        else:
            loc = _loc(txt, issue.vendor_line)
        _add(
            report,
            rules.VENDOR_INCONSISTENT,
            f"go: inconsistent vendoring in {ws.dir}:\n\t{issue.go_text}",
            loc,
            evidence=evidence,
            fix=sync,
            fix_commands=("go work vendor",),
            do_not=(
                "set GOFLAGS=-mod=readonly in CI: the build then ignores the vendored code you "
                "review and downloads modules instead",
            ),
            properties={"module": issue.module.path},
        )
    if issues:
        return "inconsistent vendoring stops the go command"
    gaps = vendored_import_gaps(
        DirTree(vendor_dir),
        [m.path for m in ws.modules],
        vendor,
        _workspace_imports(ws, scan),
        scan,
        go_version=ws.go_version,
    )
    lookup = "import lookup disabled by -mod=vendor"
    if not mode.explicit and mode.reason:
        lookup += f"\n\t({mode.reason})"
    for gap in gaps:
        if not gap.listed:
            why = f"{gap.package} is not listed in {ws.short(txt)}"
            if (vendor_dir / gap.package).is_dir():
                why += (
                    f" (go: ignoring package {gap.package} which exists in the vendor directory "
                    "but is missing from vendor/modules.txt. To sync the vendor directory run go "
                    "work vendor.)"
                )
        else:
            why = (
                f"{gap.package} is listed in {ws.short(txt)}, "
                f"but vendor/{gap.package} holds no .go file"
            )
        _add(
            report,
            rules.VENDOR_INCONSISTENT,
            f"{gap.importer}: cannot find module providing package {gap.package}: {lookup}",
            _loc(txt),
            evidence=(why,),
            fix=sync,
            fix_commands=("go work vendor",),
            properties={"package": gap.package},
        )
    report.summary["vendored packages missing"] = len(gaps)
    return "-mod=vendor builds read vendor/, not go.work.sum"


def _report_unresolved(report: Report, ws: Workspace, a: WorkspaceAnalysis) -> None:
    roots = {m.path: m.root for m in ws.modules}
    for importer, paths in sorted(a.unresolved.items()):
        owner = a.packages[importer].module if importer in a.packages else None
        for p in sorted(set(paths)):
            err = a.packages[p].error
            if err.startswith("no required module"):
                if owner is not None and owner.path in roots:
                    where = ws.short(roots[owner.path])
                    err += f"; to add it:\n\tcd {where}\n\tgo get {p}"
                else:
                    err += f"; to add it:\n\tgo get {p}"
            _add(
                report,
                rules.GOMOD_MISSING_REQUIRE,
                f"{importer}: {err}",
                _loc(ws.file),
                fix_commands=(f"go get {p}",) if "go get" in err else (),
                properties={"package": p},
            )


def _report_missing(
    report: Report,
    ws: Workspace,
    a: WorkspaceAnalysis,
    nosumdb: Callable[[str], bool] | None,
    known_hash: Callable[[ModuleVersion], str] | None,
) -> None:
    sum_file = ws.file.with_name("go.work.sum")
    for m in sorted(a.missing, key=lambda k: (k.path, k.version)):
        base = m.version.removesuffix("/go.mod")
        is_gomod = m.version.endswith("/go.mod")
        noun = "go.mod" if is_gomod else "module"
        pkg = a.why.get(m, "")
        if is_gomod and not pkg:
            what = "for go.mod file (its requirements are part of the workspace module graph)"
        elif is_gomod:
            what = f"for go.mod file of the module providing package {pkg}"
        else:
            what = f"for module providing package {pkg}"
        h = known_hash(m) if known_hash is not None else ""
        line = f"{m.path} {m.version} {h or '<hash>'}"
        unverified = nosumdb is not None and nosumdb(m.path)
        evidence = [
            "in workspace mode the go command does not stop here: it looks the hash up in the "
            "checksum database and appends the line to go.work.sum, so the build needs the "
            "network and leaves go.work.sum changed",
            f"without access to the checksum database it stops with: {m.path}@{base}: "
            f"verifying {noun}: ...",
            f"go mod download adds: {line}",
        ]
        if unverified:
            evidence.insert(
                1,
                f"{m.path} matches GONOSUMDB/GOPRIVATE (or GOSUMDB=off): the go command records "
                "whatever hash it downloads, unverified",
            )
        report.add(
            Finding(
                rules.GOWORK_SUM_MISSING.id,
                rules.GOWORK_SUM_MISSING.default_severity,
                f"{m.path}@{base}: missing go.work.sum entry {what}",
                _loc(sum_file),
                evidence=tuple(evidence),
                fix=f"Run `go mod download` in {ws.dir}: in workspace mode it records the "
                "checksums of the whole build list in go.work.sum. Commit go.work.sum.",
                fix_commands=("go mod download",),
                do_not=(rules._NO_DISABLE,),
                properties={"module": m.path, "version": m.version, "line": line},
            ),
            rules.GOWORK_SUM_MISSING,
        )


def nosumdb_matcher(gosumdb: str, gonosumdb: str) -> Callable[[str], bool]:
    """modfetch.useSumDB, negated: GOSUMDB=off, or a GONOSUMDB (default GOPRIVATE) match."""
    if gosumdb == "off":
        return lambda _path: True
    return lambda path: bool(gonosumdb) and match_prefix_patterns(gonosumdb, path)


__all__ = [
    "WorkModule",
    "Workspace",
    "WorkspaceAnalysis",
    "analyze_workspace",
    "check_workspace",
    "find_gowork",
    "nosumdb_matcher",
    "read_workspace",
    "workspace_main",
]
