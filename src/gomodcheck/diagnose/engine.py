"""Diagnoses a log: scan, group, classify, collapse repeats, gather facts, explain, report."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from gomodcheck.diagnose.blocks import group
from gomodcheck.diagnose.causes import Diagnosis, explain
from gomodcheck.diagnose.context import Context, SumRecord
from gomodcheck.diagnose.families import Failure, classify
from gomodcheck.diagnose.rules import rule, rule_id
from gomodcheck.diagnose.scan import ByteSource, LogLine, scan
from gomodcheck.diagnose.settings import Setting, settings_in, weakening_advice
from gomodcheck.findings import Finding, Location, Report, Severity

MAX_EVIDENCE_LINES = 15
MAX_SETTINGS = 64
MAX_FAILURES = 200


@dataclass(frozen=True)
class Recognised:
    """A failure as first seen, how often it was printed, and where."""

    failure: Failure
    repeats: int
    line_numbers: tuple[int, ...]


@dataclass(frozen=True)
class LogReading:
    failures: tuple[Recognised, ...]
    settings: tuple[Setting, ...]


def read_log(source: ByteSource) -> LogReading:
    """Every distinct module failure in the log, and the settings the log shows, in one pass."""
    settings: list[Setting] = []

    def watched() -> Iterator[LogLine]:
        for line in scan(source):
            if line.hit and len(settings) < MAX_SETTINGS:
                settings.extend(settings_in(line.text, "", line.number))
            yield line

    seen: dict[tuple[str, ...], int] = {}
    found: list[tuple[Failure, int, list[int]]] = []
    for block in group(watched()):
        failure = classify(block)
        if failure is None:
            continue
        index = seen.get(failure.key())
        if index is None:
            if len(found) < MAX_FAILURES:
                seen[failure.key()] = len(found)
                found.append((failure, 1, [block.first_line]))
            continue
        first, count, numbers = found[index]
        if len(numbers) < 20:
            numbers.append(block.first_line)
        found[index] = (first, count + 1, numbers)
    return LogReading(tuple(Recognised(f, c, tuple(n)) for f, c, n in found), tuple(settings))


def build_context(
    reading: LogReading,
    *,
    log_name: str,
    directory: Path | None,
    environ: Mapping[str, str] | None,
    online: bool,
) -> tuple[Context, tuple[str, ...]]:
    """Offline facts first (checkout, environment, module cache), then online ones if asked."""
    from gomodcheck.diagnose.facts import cache_checks, cached_lookups, repo_facts  # noqa: PLC0415
    from gomodcheck.goenv import GoEnv  # noqa: PLC0415

    notes: list[str] = []
    goenv = GoEnv.from_environ(environ)
    names = (
        "GOPRIVATE",
        "GONOPROXY",
        "GONOSUMDB",
        "GOSUMDB",
        "GOPROXY",
        "GOFLAGS",
        "GOTOOLCHAIN",
        "GOWORK",
    )
    # Only what the user set counts as evidence: the defaults say nothing about the failing job.
    env = {name: goenv.get(name) for name in names if goenv.is_set(name)}
    repo = repo_facts(directory) if directory is not None else None
    modvers = [(r.failure.module, r.failure.version) for r in reading.failures]
    sumdb: dict[str, SumRecord] = (
        dict(cached_lookups(goenv.gomodcache, modvers)) if goenv.get("GOMODCACHE") else {}
    )
    verify_failures = [
        (r.failure.module, r.failure.version)
        for r in reading.failures
        if r.failure.family.value == "cache-modified"
    ]
    cache_state = (
        cache_checks(goenv.gomodcache, verify_failures)
        if verify_failures and goenv.get("GOMODCACHE")
        else {}
    )
    proxy_hash: Mapping[str, str] = {}
    if online:
        from gomodcheck.diagnose.online import consult  # noqa: PLC0415

        needs = [
            (r.failure.module, r.failure.version)
            for r in reading.failures
            if r.failure.family.value in ("gosum-mismatch", "sumdb-mismatch")
        ]
        facts = consult(needs)
        sumdb.update(facts.sumdb)
        proxy_hash = facts.proxy_hash
        notes.extend(facts.notes)
    ctx = Context(
        log_name=log_name,
        settings=reading.settings,
        env=env,
        repo=repo,
        sumdb=sumdb,
        proxy_hash=proxy_hash,
        cache_state=cache_state,
        online=online,
    )
    return ctx, tuple(notes)


def to_finding(rec: Recognised, diagnosis: Diagnosis, ctx: Context) -> Finding:
    failure = rec.failure
    lines = failure.block.lines
    # A command's output (--run) has no file: evidence then says "line N".
    where = f"{ctx.log_name}:" if ctx.log_name else "line "
    evidence = [f"{where}{line.number}: {line.text}" for line in lines[:MAX_EVIDENCE_LINES]]
    if len(lines) > MAX_EVIDENCE_LINES:
        evidence.append(f"... {len(lines) - MAX_EVIDENCE_LINES} more lines")
    if rec.repeats > 1:
        evidence.append(
            f"printed {rec.repeats} times, at lines " + ", ".join(map(str, rec.line_numbers[:10]))
        )
    evidence.extend(f"check: {c}" for c in diagnosis.checks)
    do_not = list(diagnosis.do_not)
    settings = [*ctx.settings, *(ctx.repo.ci_settings if ctx.repo else ())]
    for setting in settings:
        advice = weakening_advice(setting)
        if advice and advice not in do_not:
            do_not.append(advice)
    props: dict[str, str | int | float | bool] = {
        "family": failure.family.value,
        "cause": diagnosis.cause,
        "repeats": rec.repeats,
        "security": diagnosis.security,
    }
    if failure.module:
        props["module"] = failure.module
    if failure.version:
        props["version"] = failure.version
    return Finding(
        rule_id=rule_id(failure.family),
        severity=Severity.ERROR,
        message=f"{diagnosis.summary} (cause: {diagnosis.cause})",
        location=Location(ctx.log_name, lines[0].number, 0, lines[-1].number, 0),
        evidence=tuple(evidence),
        fix=diagnosis.explanation,
        fix_commands=diagnosis.fix_commands,
        do_not=tuple(do_not[:8]),
        confidence=diagnosis.confidence,
        properties=props,
    )


def diagnose(
    source: ByteSource,
    *,
    log_name: str = "-",
    directory: Path | None = None,
    environ: Mapping[str, str] | None = None,
    online: bool = False,
) -> Report:
    """The report for one log: one finding per distinct failure, in log order."""
    reading = read_log(source)
    ctx, notes = build_context(
        reading, log_name=log_name, directory=directory, environ=environ, online=online
    )
    report = Report(command="diagnose", inputs=[log_name] if log_name else [])
    for rec in reading.failures:
        diagnosis = explain(rec.failure, ctx)
        report.add(to_finding(rec, diagnosis, ctx), rule(rec.failure.family))
    report.summary["failures diagnosed"] = len(report.findings)
    for number, note in enumerate(notes, 1):
        report.summary[f"note {number}"] = note
    return report
