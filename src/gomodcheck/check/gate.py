"""`gomodcheck check`: turn an Analysis (and the project's files) into findings with fixes."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gomodcheck.check import rules
from gomodcheck.check.analyze import (
    Analysis,
    GraphIncompleteError,
    analyze,
    present_keys,
    providing_package,
    read_project,
)
from gomodcheck.errors import UsageError
from gomodcheck.findings import Finding, Location, Report, Rule, Severity
from gomodcheck.gosrc.platform import BuildContext
from gomodcheck.gosrc.scancache import ScanCache
from gomodcheck.gosum import GoSum, ProblemKind
from gomodcheck.modfile import GoModFile, Replace
from gomodcheck.modgraph import gover
from gomodcheck.modgraph.sources import ModuleSources
from gomodcheck.module import ModuleVersion, match_prefix_patterns

_SUPPRESS = re.compile(r"//\s*gomodcheck:ignore\s+([A-Za-z0-9_,-]+)\s*(.*)$")


@dataclass(frozen=True)
class Policy:
    """The [check] table of gomodcheck.toml."""

    forbid_local_replace: bool = False
    require_vendor: bool = False
    allowed_private: tuple[str, ...] | None = None
    suppress: tuple[tuple[str, str, str], ...] = ()  # (rule, module path or "", reason)

    @classmethod
    def from_table(cls, table: Mapping[str, Any]) -> Policy:
        allowed = table.get("allowed_private")
        sup = []
        for item in table.get("suppress", []) or []:
            if isinstance(item, Mapping):
                sup.append(
                    (
                        str(item.get("rule", "")),
                        str(item.get("module", "")),
                        str(item.get("reason", "")),
                    )
                )
        return cls(
            forbid_local_replace=bool(table.get("forbid_local_replace", False)),
            require_vendor=bool(table.get("require_vendor", False)),
            allowed_private=tuple(str(p) for p in allowed) if isinstance(allowed, list) else None,
            suppress=tuple(sup),
        )


@dataclass
class CheckOptions:
    sources: ModuleSources
    go_version: str = ""  # the CI Go version to check go/toolchain lines against
    policy: Policy = field(default_factory=Policy)
    goprivate: str = ""
    cache: ScanCache | None = None  # import scans kept between runs
    # Workspace mode: the GOWORK setting ("off", "" to search for go.work, or a path to one);
    # None leaves go.work files alone.
    gowork: str | None = None
    goroot: str = ""  # the go.work search stops at GOROOT
    build: BuildContext | None = None  # scan as `go list` for one target, not with every tag
    nosumdb: Callable[[str], bool] | None = None  # GOSUMDB=off / GONOSUMDB matches
    mod_flag: str = ""  # the -mod value GOFLAGS sets ("" for none)


def _loc(file: Path, line: int = 0, column: int = 0) -> Location:
    return Location(str(file), line, column)


def _add(
    report: Report, rule: Rule, message: str, location: Location | None = None, **kw: Any
) -> None:
    report.add(Finding(rule.id, rule.default_severity, message, location, **kw), rule)


def _check_workspace(report: Report, root: Path, ws_file: Path, options: CheckOptions) -> None:
    from gomodcheck.check.workspace import check_workspace  # noqa: PLC0415

    ws = check_workspace(
        report,
        ws_file,
        root,
        options.sources,
        ci_go_version=options.go_version,
        build=options.build,
        cache=options.cache,
        nosumdb=options.nosumdb,
        known_hash=lambda m: _known_hash(options.sources, m),
        mod_flag=options.mod_flag,
    )
    _check_gosum_syntax(report, ws.work_sum)
    for m in ws.modules:
        if m.root != root:
            _check_gosum_syntax(report, m.gosum)


def run_check(root: Path, options: CheckOptions) -> Report:
    report = Report("check")
    ws_file = None
    if options.gowork is not None:
        from gomodcheck.check.workspace import find_gowork  # noqa: PLC0415

        ws_file = find_gowork(root, options.gowork, options.goroot)
    if ws_file is not None and not (root / "go.mod").is_file():
        _check_workspace(report, root, ws_file, options)  # a workspace directory, no module
        return report
    gomod, gosum = read_project(root)
    gomod_path, gosum_path = root / "go.mod", root / "go.sum"
    report.inputs.extend(str(p) for p in (gomod_path, gosum_path) if p.exists())
    _check_gosum_syntax(report, gosum)
    _check_toolchain(report, gomod, gomod_path, options.go_version)
    missing_dirs = _check_replaces(report, gomod, gomod_path, options.policy)
    _check_policy(report, root, gomod_path, options)
    if ws_file is not None:
        _add(
            report,
            rules.GOWORK_PRESENT,
            f"{ws_file} is in effect here unless GOWORK=off: go build uses the workspace, "
            "go mod tidy and the go.sum findings below do not",
            _loc(ws_file),
            fix_commands=("GOWORK=off gomodcheck check",),
        )
        _check_workspace(report, root, ws_file, options)
    analysis = None
    needed: set[str] = set()
    try:
        analysis = analyze(root, options.sources, options.cache)
    except GraphIncompleteError as exc:
        # A missing replacement directory matters only if the graph needs the module: then the
        # go command fails exactly there, and the go.sum analysis cannot go on.
        needed = {
            m.path for m, why in exc.missing.items() if why.startswith("replacement directory")
        }
        if not needed or len(needed) != len(exc.missing):
            raise
        report.summary["go.sum analysis"] = "skipped: a needed replacement directory is missing"
    for rep in missing_dirs:
        if analysis is None:
            used = rep.old.path in needed
        else:
            used = analysis.graph.selected(rep.old.path) != "none"
        _add_missing_dir(report, rep, gomod_path, root, used=used)
    if analysis is not None:
        _check_requirements(report, analysis, gomod_path)
        _check_retractions(report, analysis, gomod_path)
        _check_sums(report, analysis, gosum_path, options.sources)
        report.summary["modules in graph"] = sum(
            1
            for m in analysis.graph.build_list()
            if m.version and m.path not in ("go", "toolchain")
        )
        report.summary["packages loaded"] = len(analysis.load.packages)
        report.summary["go.sum lines required"] = len(analysis.required)
    main_imports = None
    if analysis is not None:
        main_imports = {
            p.path: (*p.imports, *p.test_imports)
            for p in analysis.load.packages.values()
            if p.module is not None
            and p.module.version == ""
            and p.module.path == analysis.main.path
        }
    if ws_file is None or (ws_file.parent / "vendor").resolve() != (root / "vendor").resolve():
        # (When go.work sits beside go.mod, vendor/ is the workspace's: checked with go.work.)
        _check_vendor(report, root, gomod, gomod_path, main_imports, mod_flag=options.mod_flag)
    _apply_suppressions(report, gomod_path, options.policy)
    return report


def _check_vendor(
    report: Report,
    root: Path,
    gomod: GoModFile,
    gomod_path: Path,
    main_imports: dict[str, tuple[str, ...]] | None,
    *,
    mod_flag: str = "",
) -> None:
    from gomodcheck.check.vendoring import (  # noqa: PLC0415
        check_consistency,
        missing_vendored_packages,
        module_vendor_ignored,
        vendor_mode_default,
    )
    from gomodcheck.vendor import parse_modules_txt  # noqa: PLC0415

    txt = root / "vendor" / "modules.txt"
    if mod_flag != "vendor" and module_vendor_ignored(root / "vendor"):
        # `go work vendor` wrote it: only workspace mode reads it (checked with go.work).
        report.summary["module vendor/"] = "not used outside workspace mode (go work vendor)"
        return
    if not txt.is_file():
        if vendor_mode_default(gomod, root):
            _add(
                report,
                rules.VENDOR_INCONSISTENT,
                "vendor/ exists but vendor/modules.txt does not: -mod=vendor builds fail",
                _loc(gomod_path),
                fix_commands=("go mod vendor",),
            )
        return
    report.inputs.append(str(txt))
    vendor = parse_modules_txt(txt.read_bytes(), str(txt))
    header = f"go: inconsistent vendoring in {root}:"
    footer = (
        "To ignore the vendor directory, use -mod=readonly or -mod=mod.\n"
        "\tTo sync the vendor directory, run:\n\t\tgo mod vendor"
    )
    for issue in check_consistency(gomod, vendor):
        loc = _loc(gomod_path, issue.line) if issue.line else _loc(txt, issue.vendor_line)
        _add(
            report,
            rules.VENDOR_INCONSISTENT,
            f"{header}\n\t{issue.go_text}",
            loc,
            evidence=(footer,),
            fix_commands=("go mod vendor",),
            do_not=(
                "set GOFLAGS=-mod=mod in CI: the build then ignores the vendored code you review",
            ),
            properties={"module": issue.module.path},
        )
    main_path = gomod.module.path if gomod.module else ""
    for miss in missing_vendored_packages(root, main_path, vendor, main_imports):
        why = (
            "is listed in vendor/modules.txt but its directory is missing from vendor/"
            if miss.listed
            else "is not in vendor/modules.txt"
        )
        _add(
            report,
            rules.VENDOR_INCONSISTENT,
            f"{miss.importer}: cannot find module providing package {miss.package}: "
            f"import lookup disabled by -mod=vendor (the package {why})",
            _loc(txt),
            fix_commands=("go mod vendor",),
            properties={"package": miss.package},
        )


def _check_gosum_syntax(report: Report, gosum: GoSum | None) -> None:
    if gosum is None:
        return
    marker_lines = {p.line for p in gosum.problems if p.kind == ProblemKind.MERGE_CONFLICT}
    for p in gosum.problems:
        if p.kind == ProblemKind.DUPLICATE:
            dup = next((ln for ln in gosum.lines if ln.line == p.line), None)
            _add(
                report,
                rules.GOSUM_EXTRA,
                f"duplicate go.sum line ({p.message}); go mod tidy removes it",
                _loc(Path(gosum.filename), p.line, 1),
                fix_commands=("go mod tidy",),
                properties={"module": dup.path, "version": dup.go_version} if dup else {},
            )
            continue
        if p.kind == ProblemKind.FIELDS and p.line in marker_lines:
            continue  # the conflict-marker finding on this line says it better
        sev = (
            Severity.ERROR
            if p.go_rejects or p.kind in (ProblemKind.MERGE_CONFLICT, ProblemKind.CONFLICT)
            else Severity.WARNING
        )
        fix = ("go mod tidy",)
        report.add(
            Finding(
                rules.GOSUM_MALFORMED.id,
                sev,
                p.message,
                _loc(Path(gosum.filename), p.line, p.column),
                fix="Remove conflict markers keeping the lines of both sides, then `go mod tidy`."
                if p.kind == ProblemKind.MERGE_CONFLICT
                else rules.GOSUM_MALFORMED.help_text,
                fix_commands=fix,
                do_not=("delete go.sum and regenerate it without review",),
            ),
            rules.GOSUM_MALFORMED,
        )


def _check_toolchain(report: Report, gomod: GoModFile, path: Path, ci: str) -> None:
    if not ci:
        return
    ci = ci.removeprefix("go")
    if not gover.is_valid(ci):
        raise UsageError(f"--go-version {ci!r} is not a Go version such as 1.22.3")
    if gomod.go and gover.compare(gomod.go.version, ci) > 0:
        v = gomod.go.version
        msg = f"go.mod requires go >= {v} (running go {ci}; GOTOOLCHAIN=local)"
        fixes = [f"go mod edit -go={ci}"]
        if re.fullmatch(r"1\.(2[1-9]|[3-9]\d)", v) and gover.compare(ci, "1.21") < 0:
            msg += f"; go {ci} reads 'go {v}' as the toolchain go{v}, which does not exist"
            fixes.insert(0, f"go mod edit -go={v}.0")
        _add(
            report,
            rules.TOOLCHAIN_UNSATISFIED,
            msg,
            _loc(path, gomod.go.line, gomod.go.column),
            evidence=(f"go {v}", f"CI Go version {ci}"),
            fix_commands=tuple(fixes),
            do_not=("set GOTOOLCHAIN=auto in an offline build: the download fails",),
        )
    if gomod.toolchain:
        name = gomod.toolchain.name.removeprefix("go")
        if gover.is_valid(name) and gover.compare(name, ci) > 0:
            report.add(
                Finding(
                    rules.TOOLCHAIN_UNSATISFIED.id,
                    Severity.WARNING,
                    f"toolchain {gomod.toolchain.name} is newer than the CI Go version {ci}: "
                    "the go command downloads it (GOTOOLCHAIN=auto) or fails offline "
                    "(GOTOOLCHAIN=local)",
                    _loc(path, gomod.toolchain.line, gomod.toolchain.column),
                    fix_commands=("go mod edit -toolchain=none",),
                ),
                rules.TOOLCHAIN_UNSATISFIED,
            )


def _check_replaces(report: Report, gomod: GoModFile, path: Path, policy: Policy) -> list[Replace]:
    """Policy findings for directory replaces; returns those whose directory (or go.mod) is gone."""
    root = path.parent
    missing = []
    for r in gomod.replace:
        if not r.is_directory:
            continue
        target = Path(r.new.path)
        target = target if target.is_absolute() else root / target
        if policy.forbid_local_replace:
            _add(
                report,
                rules.POLICY_LOCAL_REPLACE,
                f"{r.old} is replaced by the directory {r.new.path}",
                _loc(path, r.line, r.column),
                fix_commands=(f"go mod edit -dropreplace={r.old.path}",),
            )
        if not (target / "go.mod").is_file():
            missing.append(r)
    return missing


def _add_missing_dir(
    report: Report, r: Replace, gomod_path: Path, root: Path, *, used: bool
) -> None:
    target = Path(r.new.path)
    target = target if target.is_absolute() else root / target
    what = "does not exist" if not target.is_dir() else "has no go.mod file"
    if used:
        report.add(
            Finding(
                rules.REPLACE_DIR_MISSING.id,
                Severity.ERROR,
                f"replacement directory {r.new.path} {what}",
                _loc(gomod_path, r.line, r.column),
                evidence=(f"resolved to {target}", f"{r.old.path} is in the module graph"),
                fix="Copy the directory into the build context (e.g. COPY it before "
                "`go mod download` in the Dockerfile), or replace with a published version.",
            ),
            rules.REPLACE_DIR_MISSING,
        )
    else:
        report.add(
            Finding(
                rules.REPLACE_DIR_MISSING.id,
                Severity.NOTE,
                f"replacement directory {r.new.path} {what}, but {r.old.path} is not in the "
                "module graph, so the go command ignores this replace",
                _loc(gomod_path, r.line, r.column),
            ),
            rules.REPLACE_DIR_MISSING,
        )


def _check_policy(report: Report, root: Path, gomod_path: Path, options: CheckOptions) -> None:
    pol = options.policy
    if pol.require_vendor and not (root / "vendor" / "modules.txt").is_file():
        _add(
            report,
            rules.POLICY_VENDOR,
            "vendor/modules.txt is missing",
            _loc(gomod_path),
            fix_commands=("go mod vendor",),
        )
    if pol.allowed_private is not None and options.goprivate:
        for raw in options.goprivate.split(","):
            pat = raw.strip()
            if pat and pat not in pol.allowed_private:
                _add(
                    report,
                    rules.POLICY_PRIVATE,
                    f"GOPRIVATE pattern {pat!r} is not in [check] allowed_private",
                    evidence=(f"GOPRIVATE={options.goprivate}",),
                )


def _check_retractions(report: Report, a: Analysis, gomod_path: Path) -> None:
    from gomodcheck.modgraph.view import retraction  # noqa: PLC0415

    for r in a.gomod.require:
        m = ModuleVersion(r.path, a.graph.selected(r.path))
        why = retraction(a.graph, m)
        summary = a.graph.summaries.get(m)
        if why:
            _add(
                report,
                rules.RETRACTED_OR_DEPRECATED,
                f"{m.path}@{m.version} is retracted: {why}",
                _loc(gomod_path, r.line, r.column),
                fix_commands=(f"go get {m.path}@latest", "go mod tidy"),
                properties={"module": m.path},
            )
        elif summary is not None and summary.deprecated:
            _add(
                report,
                rules.RETRACTED_OR_DEPRECATED,
                f"{m.path} is deprecated: {summary.deprecated}",
                _loc(gomod_path, r.line, r.column),
                properties={"module": m.path},
            )


def _line_of(gomod: GoModFile, path: str) -> tuple[int, int]:
    for r in gomod.require:
        if r.path == path:
            return r.line, r.column
    return 0, 0


def _check_requirements(report: Report, a: Analysis, gomod_path: Path) -> None:
    for importer, paths in sorted(a.load.unresolved.items()):
        for p in sorted(set(paths)):
            pkg = a.load.packages.get(p)
            err = pkg.error if pkg is not None and pkg.error else "no required module provides"
            if err.startswith("no required module"):
                msg = (
                    f"{importer}: no required module provides package {p}; to add it:\n\tgo get {p}"
                )
                fixes: tuple[str, ...] = (f"go get {p}", "go mod tidy")
            else:
                msg = f"{importer}: {err}"
                fixes = ("go mod tidy",)
            _add(
                report,
                rules.GOMOD_MISSING_REQUIRE,
                msg,
                _loc(gomod_path),
                evidence=("go mod tidy looks the package up on the module proxy (network)",),
                fix_commands=fixes,
                properties={"package": p},
            )
    if a.tidy_requires is None:
        return
    have = {r.path: r for r in a.gomod.require}
    want = {t.path: t for t in a.tidy_requires}
    for path, t in want.items():
        r = have.get(path)
        comment = " // indirect" if t.indirect else ""
        if r is None:
            _add(
                report,
                rules.GOMOD_NOT_TIDY,
                f"go.mod is missing requirement {path} {t.version}{comment}",
                _loc(gomod_path),
                fix_commands=("go mod tidy",),
                properties={"module": path, "change": "add"},
            )
        elif r.version != t.version:
            _add(
                report,
                rules.GOMOD_NOT_TIDY,
                f"requirement {path} {r.version} should be {t.version} "
                "(selected by the module graph)",
                _loc(gomod_path, r.line, r.column),
                fix_commands=("go mod tidy",),
                properties={"module": path, "change": "version"},
            )
        elif r.indirect != t.indirect:
            msg = (
                f"{path} is only needed indirectly: mark it // indirect"
                if t.indirect
                else f"{path} provides a package imported by the main module: drop // indirect"
            )
            _add(
                report,
                rules.GOMOD_NOT_TIDY,
                msg,
                _loc(gomod_path, r.line, r.column),
                fix_commands=("go mod tidy",),
                properties={"module": path, "change": "indirect"},
            )
    for path, r in have.items():
        if path not in want:
            _add(
                report,
                rules.GOMOD_NOT_TIDY,
                f"requirement {path} {r.version} is not needed by any package or test: "
                "go mod tidy removes it",
                _loc(gomod_path, r.line, r.column),
                fix_commands=("go mod tidy",),
                properties={"module": path, "change": "remove"},
            )


def _known_hash(sources: ModuleSources, m: ModuleVersion) -> str:
    """The hash go mod tidy would add, when the module cache already knows it."""
    from gomodcheck.dirhash import hash_gomod  # noqa: PLC0415

    if m.version.endswith("/go.mod"):
        base = ModuleVersion(m.path, m.version.removesuffix("/go.mod"))
        try:
            data, _ = sources.gomod_bytes(base)
        except LookupError:
            return ""
        return hash_gomod(data)
    from gomodcheck.dirhash import hash_zip  # noqa: PLC0415

    p = sources.download_file(m, "ziphash")
    if p is not None:
        return p.read_text(encoding="utf-8", errors="replace").strip()
    z = sources.download_file(m, "zip")
    try:
        return hash_zip(z) if z is not None else ""
    except (OSError, ValueError):
        return ""


def _check_sums(report: Report, a: Analysis, gosum_path: Path, sources: ModuleSources) -> None:
    present = present_keys(a.gosum)
    missing = sorted(a.required - present, key=lambda m: (m.path, m.version))
    extra = sorted(present - a.required, key=lambda m: (m.path, m.version))
    for m in missing:
        h = _known_hash(sources, m)
        line = f"{m.path} {m.version} {h}" if h else f"{m.path} {m.version} <hash>"
        if m.version.endswith("/go.mod"):
            base = m.version.removesuffix("/go.mod")
            msg = (
                f"{m.path}@{base}: missing go.sum entry for go.mod file; to add it:\n"
                f"\tgo mod download {m.path}"
            )
        else:
            pkg = providing_package(a, m)
            if pkg is not None:
                who = _who(pkg)
                msg = (
                    f"missing go.sum entry for module providing package {pkg.path} "
                    f"(imported by {who}); to add:\n\tgo get {who}"
                )
            else:
                msg = (
                    f"missing go.sum entry for {m.path}@{m.version}, needed to verify that "
                    f"imported packages under {m.path} are provided by exactly one module; "
                    "to add:\n"
                    f"\tgo mod download {m.path}"
                )
        _add(
            report,
            rules.GOSUM_MISSING,
            msg,
            _loc(gosum_path),
            evidence=(f"go mod tidy adds: {line}",),
            fix_commands=("go mod tidy",),
            do_not=(rules._NO_DISABLE,),
            properties={"module": m.path, "version": m.version, "line": line},
        )
    if a.gosum is None:
        return
    for m in extra:
        is_gomod = m.version.endswith("/go.mod")
        lines = a.gosum.lookup(m.path, m.version.removesuffix("/go.mod"), is_gomod)
        for ln in lines:
            _add(
                report,
                rules.GOSUM_EXTRA,
                f"go.sum line not needed: {m.path} {m.version} (go mod tidy removes it)",
                _loc(gosum_path, ln.line, 1),
                fix_commands=("go mod tidy",),
                properties={"module": m.path, "version": m.version},
            )


def _who(pkg: Any) -> str:
    return pkg.importers[0] if pkg.importers else "the main module"


def _apply_suppressions(report: Report, gomod_path: Path, policy: Policy) -> None:
    try:
        text = gomod_path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return
    by_line: dict[int, set[str]] = {}
    for no, raw in enumerate(text.splitlines(), 1):
        m = _SUPPRESS.search(raw)
        if not m:
            continue
        ids, reason = m.group(1).split(","), m.group(2).strip()
        if not reason:
            _add(
                report,
                rules.SUPPRESSION_INVALID,
                "gomodcheck:ignore needs a reason; ignored",
                _loc(gomod_path, no),
            )
            continue
        target = no if raw.split("//", 1)[0].strip() else no + 1
        by_line.setdefault(target, set()).update(ids)
    kept: list[Finding] = []
    suppressed = 0
    for f in report.findings:
        loc = f.location
        hit = (
            loc is not None
            and loc.file == str(gomod_path)
            and f.rule_id in by_line.get(loc.line, set())
        )
        mod = str(f.properties.get("module", "")) if f.properties else ""
        for rule_id, module, reason in policy.suppress:
            if (
                rule_id == f.rule_id
                and reason
                and (not module or match_prefix_patterns(module, mod))
            ):
                hit = True
        if hit:
            suppressed += 1
        else:
            kept.append(f)
    report.findings[:] = kept
    if suppressed:
        report.summary["suppressed"] = suppressed


__all__: Sequence[str] = ("CheckOptions", "Policy", "run_check")
