"""Lint a set of files or directories: discover, parse, check, apply suppressions and config."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from gomodcheck.errors import InputError, ParseError, Problem
from gomodcheck.findings import Finding, Location, Report
from gomodcheck.lint import checks
from gomodcheck.lint.catalog import RULES
from gomodcheck.lint.checks import LintSettings, finding
from gomodcheck.lint.discover import classify, discover
from gomodcheck.lint.model import Kind, ParsedFile, Span
from gomodcheck.lint.project import Project, ProjectFinder
from gomodcheck.lint.suppress import find_suppressions

MAX_FILE_BYTES = 4 * 1024 * 1024


def parse_file(text: str, path: str, kind: Kind) -> ParsedFile:
    """Parse text as the given kind; ParseError for malformed YAML or JSON."""
    from gomodcheck.lint.parsers import (  # noqa: PLC0415 - parsers load ruamel/bashlex lazily
        devcontainer,
        dockerfile,
        github,
        gitlab,
        goreleaser,
        jenkins,
        makefile,
        simple,
    )

    if kind is Kind.DOCKERFILE:
        return dockerfile.parse(text, path)
    if kind in (Kind.GITHUB_WORKFLOW, Kind.GITHUB_ACTION):
        return github.parse(text, path, kind)
    if kind is Kind.GITLAB_CI:
        return gitlab.parse(text, path)
    if kind is Kind.GORELEASER:
        return goreleaser.parse(text, path)
    if kind is Kind.JENKINSFILE:
        return jenkins.parse(text, path)
    if kind is Kind.MAKEFILE:
        return makefile.parse(text, path)
    if kind is Kind.SHELL:
        return simple.parse_shell(text, path)
    if kind is Kind.ENVFILE:
        return simple.parse_dotenv(text, path)
    if kind is Kind.DEVCONTAINER:
        return devcontainer.parse(text, path)
    return simple.parse_ignore(text, path, kind)


def lint_paths(
    paths: Sequence[Path], settings: LintSettings | None = None, base: Path | None = None
) -> Report:
    """Lint every configuration file under the given directories, and the given files.

    Reported paths are relative to base when a file lies under it (the CLI passes the working
    directory, so annotations match the repository), else relative to the directory linted.
    """
    settings = settings or LintSettings()
    report = Report("lint")
    targets: list[tuple[Path, str, Kind, Path]] = []
    for path in paths:
        if path.is_dir():
            targets.extend(
                (full, rel, kind, path) for full, rel, kind in discover(path, settings.exclude)
            )
        elif path.is_file():
            kind = (
                classify(path.name)
                if ".github" not in path.parts
                else classify("/".join(path.parts[-3:]))
            )
            if kind is None:
                raise InputError(
                    f"{path}: not a CI, Docker or build configuration file gomodcheck can read"
                )
            targets.append((path, str(path), kind, path.parent))
        else:
            raise InputError(f"{path}: no such file or directory")
    if base is not None:
        targets = [(full, _display(full, rel, base), kind, top) for full, rel, kind, top in targets]
    findings: list[Finding] = []
    for top in {t[3] for t in targets}:
        group = [t for t in targets if t[3] == top]
        findings.extend(_lint_group(group, top, settings, report, base))
    for item in sorted(findings, key=_order):
        report.add(item, RULES[item.rule_id])
    report.summary["files linted"] = len(targets)
    return report


def _display(full: Path, rel: str, base: Path) -> str:
    try:
        return full.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return rel


@dataclass(frozen=True)
class _Unreadable:
    reason: str
    detail: str


_Loaded = tuple[ParsedFile, str] | Problem | _Unreadable

# Below this many files a worker process costs more than it saves.
_PARALLEL_MIN_FILES = 64


def _load(full: Path, rel: str, kind: Kind) -> _Loaded:
    """Read and parse one file; failures come back as values so they can cross processes."""
    try:
        with full.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES)
    except OSError as exc:
        return _Unreadable(exc.strerror or str(exc), str(exc))
    text = data.decode("utf-8", errors="replace").replace("\r\n", "\n")
    try:
        return parse_file(text, rel, kind), text
    except ParseError as exc:
        return exc.problems[0]


def _load_star(args: tuple[Path, str, Kind]) -> _Loaded:
    return _load(*args)


def _load_in_parallel(targets: list[tuple[Path, str, Kind, Path]]) -> dict[Path, _Loaded]:
    """Parse many files on every CPU (parsing shell with bashlex is the bulk of linting)."""
    workers = min(os.cpu_count() or 1, 8)
    if workers < 2 or len(targets) < _PARALLEL_MIN_FILES:
        return {}
    import concurrent.futures  # noqa: PLC0415
    import multiprocessing  # noqa: PLC0415

    jobs = [(full, rel, kind) for full, rel, kind, _ in targets]
    try:
        context = multiprocessing.get_context("fork")
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
            results = list(pool.map(_load_star, jobs, chunksize=16))
    except (OSError, concurrent.futures.process.BrokenProcessPool):
        return {}  # no processes to be had: the caller parses each file itself
    return {job[0]: result for job, result in zip(jobs, results, strict=True)}


def _lint_group(
    targets: list[tuple[Path, str, Kind, Path]],
    top: Path,
    settings: LintSettings,
    report: Report,
    base: Path | None,
) -> list[Finding]:
    finder = ProjectFinder(top)
    parsed_files: list[tuple[ParsedFile, Project, str]] = []
    out: list[Finding] = []
    pending = list(targets)
    seen = {t[0].resolve() for t in targets}
    preloaded = _load_in_parallel(targets)
    while pending:
        full, rel, kind, _ = pending.pop(0)
        report.inputs.append(rel)
        loaded = preloaded.pop(full, None) or _load(full, rel, kind)
        if isinstance(loaded, _Unreadable):
            # One unreadable file in a tree must not hide the others: report it and go on.
            out.append(
                finding(
                    "GMC-L000",
                    ParsedFile(rel, kind),
                    Span(1, 1, 1, 2),
                    f"cannot read {kind.value}: {loaded.reason}",
                    [loaded.detail],
                )
            )
            continue
        if isinstance(loaded, Problem):
            line, column = max(loaded.line, 1), max(loaded.column, 1)
            out.append(
                finding(
                    "GMC-L000",
                    ParsedFile(rel, kind),
                    Span(line, column, line, column + 1),
                    f"cannot parse {kind.value}: {loaded.message}",
                    [str(loaded)],
                    do_not=("Do not exclude the file from linting to silence this.",),
                )
            )
            continue
        parsed, text = loaded
        parsed_files.append((parsed, finder.for_file(full), text))
        for include in parsed.includes:  # GitLab local includes with names we would not discover
            extra = (top / include).resolve() if not include.startswith("/") else top / include
            if extra.is_file() and extra not in seen:
                seen.add(extra)
                shown = _display(extra, include, base) if base is not None else include
                pending.append((extra, shown, Kind.GITLAB_CI, top))
    docker_dirs = {
        str(Path(p.path).parent)
        for p, _, _ in parsed_files
        if p.kind is Kind.DOCKERFILE and checks.builds_go_from_context(p)
    }
    by_project: dict[Path | None, list[ParsedFile]] = defaultdict(list)
    projects: dict[Path | None, Project] = {}
    for parsed, project, text in parsed_files:
        found = list(
            _check_file(parsed, project, settings, str(Path(parsed.path).parent) in docker_dirs)
        )
        out.extend(_apply_suppressions(found, text, parsed))
        # CI often runs its gate through `make verify` or a script: all of them count.
        by_project[project.root].append(parsed)
        projects[project.root] = project
    for root, files in by_project.items():
        out.extend(checks.check_ci_gate(files, projects[root]))
    return [_configure(f, settings) for f in out if f.rule_id not in settings.disable]


def _check_file(
    parsed: ParsedFile, project: Project, settings: LintSettings, docker_dir: bool
) -> Iterable[Finding]:
    yield from checks.check_variables(parsed, settings)
    yield from checks.check_commands(parsed, project)
    yield from checks.check_rewrites(parsed)
    yield from checks.check_docker_copy(parsed, project)
    yield from checks.check_ignore(parsed, project, docker_dir)
    yield from checks.check_caches(parsed)
    yield from checks.check_toolchain(parsed, project, settings)


def _apply_suppressions(found: list[Finding], text: str, parsed: ParsedFile) -> list[Finding]:
    suppressions = find_suppressions(text)
    if not suppressions:
        return found
    kept = [
        f
        for f in found
        if not any(s.covers(f.rule_id, f.location.line if f.location else 0) for s in suppressions)
    ]
    for s in suppressions:
        if not s.reason:
            kept.append(
                finding(
                    "GMC-L018",
                    parsed,
                    s.span,
                    f"Suppression of {', '.join(sorted(s.rules))} gives no reason.",
                    [f"ignore[{', '.join(sorted(s.rules))}]"],
                )
            )
    return kept


def _configure(item: Finding, settings: LintSettings) -> Finding:
    level = settings.severity.get(item.rule_id)
    return replace(item, severity=level) if level else item


def _order(item: Finding) -> tuple[str, int, int, str]:
    loc = item.location or Location("")
    return loc.file, loc.line, loc.column, item.rule_id
