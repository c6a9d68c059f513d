"""`verify --sumdb`: every go.sum and go.work.sum line checked against the checksum database.

Each line gets one outcome: verified, mismatch (with both hashes), not in the database, skipped
because GONOSUMDB/GOPRIVATE (or GOSUMDB=off) excludes it (with the pattern), or, offline, not in
the verified cache. Lookups run concurrently with a bound. A server that cannot be reached stops
the run with FetchError (exit 3), and a server caught lying stops it with SecurityError.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from gomodcheck.errors import InputError
from gomodcheck.fetcher import Fetcher, FetchPolicy, HttpFetcher
from gomodcheck.findings import Finding, Location, Report, Rule, Severity
from gomodcheck.goenv import GoEnv
from gomodcheck.gosum import GoSum, GoSumLine, parse_gosum
from gomodcheck.proxy.spec import parse_proxy_list
from gomodcheck.sumdb.client import Client, NotInDatabaseError, OfflineError
from gomodcheck.sumdb.config import nosumdb_pattern, parse_gosumdb
from gomodcheck.sumdb.remote import HttpRemote
from gomodcheck.sumdb.state import SqliteState, default_state_path


class Status(StrEnum):
    VERIFIED = "verified"
    MISMATCH = "mismatch"
    NOT_IN_DATABASE = "not-in-database"
    SKIPPED = "skipped"
    NOT_CACHED = "not-cached"


@dataclass(frozen=True)
class LineResult:
    file: str
    line: GoSumLine
    status: Status
    database_hashes: tuple[str, ...] = ()
    reason: str = ""


RULES: dict[Status, Rule] = {
    Status.VERIFIED: Rule(
        "SUMDB001",
        "sumdb-verified",
        "go.sum line matches the checksum database",
        default_severity=Severity.NOTE,
    ),
    Status.MISMATCH: Rule(
        "SUMDB002",
        "sumdb-mismatch",
        "go.sum hash differs from the checksum database",
        "The hash in go.sum is not the hash the checksum database recorded for this module "
        "version. Either go.sum was edited, or the module content changed after it was "
        "first published (a retagged or tampered release).",
        help_text="The database's hash is proved against its signed tree head: find out how "
        "go.sum got the other one (`git log -p go.sum`), then delete the module's lines and "
        "run `go mod download MODULE@VERSION`, which records them after checking the database.",
        security_severity=8.0,
        tags=("security", "supply-chain"),
    ),
    Status.NOT_IN_DATABASE: Rule(
        "SUMDB003",
        "sumdb-not-found",
        "module version is not in the checksum database",
        "The checksum database has no record for this module version: it is private, does "
        "not exist publicly, or cannot be fetched by the public proxy.",
        help_text="If the module is private, add its path prefix to GOPRIVATE or GONOSUMDB.",
    ),
    Status.SKIPPED: Rule(
        "SUMDB004",
        "sumdb-not-covered",
        "go.sum line not covered by the checksum database (GONOSUMDB/GOPRIVATE/GOSUMDB=off)",
        default_severity=Severity.NOTE,
    ),
    Status.NOT_CACHED: Rule(
        "SUMDB005",
        "sumdb-not-cached",
        "offline, and the verified cache has no record of this module version",
        help_text="Run `gomodcheck verify --sumdb` once online to fill the verified cache.",
        default_severity=Severity.WARNING,
    ),
}


_DO_NOT_DISABLE = (
    "Do not set GOSUMDB=off, GONOSUMDB or GOFLAGS=-insecure to get past this: the checksum "
    "database is the evidence that go.sum or the module changed."
)


def check_line(line: GoSumLine, db_lines: Sequence[str]) -> tuple[Status, tuple[str, ...]]:
    """Compare one go.sum line with the database's lines for the same path and version."""
    db_hashes = tuple(f.split()[2] for f in db_lines if len(f.split()) == 3)
    if line.hash in db_hashes:
        return Status.VERIFIED, db_hashes
    return Status.MISMATCH, db_hashes


def verify_gosums(
    files: Sequence[tuple[str, GoSum]],
    client: Client | None,
    *,
    gonosumdb: str = "",
    progress: Callable[[int, int], None] | None = None,
    split: bool = True,
) -> list[LineResult]:
    """Check every line; client None means GOSUMDB=off (every line is then not covered).

    Lookups are prefetched in bulk (concurrently, pipelined where possible) and proved one by
    one; with split, a large cold run gives a share to a forked process (verify.forked). The
    client is closed at the end (its verified answers written to the state).
    """
    results: dict[tuple[str, int], LineResult] = {}
    todo: list[tuple[str, GoSumLine]] = []
    for name, gosum in files:
        for line in gosum.lines:
            if client is None:
                results[(name, line.line)] = LineResult(
                    name, line, Status.SKIPPED, (), "GOSUMDB=off"
                )
                continue
            pattern = nosumdb_pattern(gonosumdb, line.path)
            if pattern is not None:
                reason = f"matches GONOSUMDB/GOPRIVATE pattern {pattern!r}"
                results[(name, line.line)] = LineResult(name, line, Status.SKIPPED, (), reason)
                continue
            todo.append((name, line))

    try:
        _check_all(client, todo, results, progress, split=split)
    finally:
        if client is not None:
            client.close()
    return [results[k] for k in sorted(results, key=lambda k: (_file_order(files, k[0]), k[1]))]


def _check_all(
    client: Client | None,
    todo: list[tuple[str, GoSumLine]],
    results: dict[tuple[str, int], LineResult],
    progress: Callable[[int, int], None] | None,
    *,
    split: bool,
) -> None:
    if client is not None and todo:
        keys = sorted({(line.path, line.go_version) for _, line in todo})
        if progress:
            progress(0, len(keys))
        # The verified cache is read in bulk and the rest fetched in the background; proofs
        # are CPU work, so more threads would only contend for the interpreter, but a forked
        # helper process takes half of a large cold run (verify.forked).
        from gomodcheck.verify.forked import lookup_all  # noqa: PLC0415

        answers = lookup_all(client, keys, progress, split=split)
        for name, line in todo:
            answer = answers[(line.path, line.go_version)]
            if isinstance(answer, NotInDatabaseError):
                result = LineResult(name, line, Status.NOT_IN_DATABASE, (), str(answer))
            elif isinstance(answer, OfflineError):
                result = LineResult(name, line, Status.NOT_CACHED, (), str(answer))
            else:
                status, db_hashes = check_line(line, answer)
                result = LineResult(name, line, status, db_hashes)
            results[(name, line.line)] = result


def _file_order(files: Sequence[tuple[str, GoSum]], name: str) -> int:
    return next(i for i, (n, _) in enumerate(files) if n == name)


def read_gosums(directory: Path) -> list[tuple[str, GoSum]]:
    """go.sum and go.work.sum in directory (at least one must exist), parsed strictly."""
    files: list[tuple[str, GoSum]] = []
    for name in ("go.sum", "go.work.sum"):
        path = directory / name
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise InputError(f"{path}: cannot read: {exc.strerror}") from None
        gosum = parse_gosum(data, str(path))
        gosum.raise_if_malformed()
        files.append((str(path), gosum))
    if not files:
        raise InputError(f"{directory}: no go.sum or go.work.sum to verify")
    return files


def open_client(
    env: GoEnv,
    *,
    offline: bool = False,
    state_path: Path | None = None,
    fetcher: Fetcher | None = None,
) -> Client | None:
    """A client for GOSUMDB reached through GOPROXY as the go command would; None if off."""
    config = parse_gosumdb(env.get("GOSUMDB"))
    if config is None:
        return None
    state = SqliteState(state_path or default_state_path())
    remote: HttpRemote | None = None
    if not offline:
        specs = parse_proxy_list(env.get("GOPROXY"), env.get("GONOPROXY"))
        if fetcher is None:
            fetcher = HttpFetcher(FetchPolicy.from_environ(env.process))
        remote = HttpRemote(config, specs, fetcher)
    return Client(config.key, remote, state)


def summarize(results: Sequence[LineResult]) -> dict[str, int | str]:
    counts: dict[str, int | str] = {"lines checked": len(results)}
    for status in Status:
        counts[status.value] = sum(1 for r in results if r.status is status)
    return counts


def to_report(
    results: Sequence[LineResult], report: Report, *, include_verified: bool = False
) -> Report:
    """Add one finding per line that needs attention (and per verified line if asked)."""
    for r in results:
        if r.status is Status.VERIFIED and not include_verified:
            continue
        rule = RULES[r.status]
        where = Location(r.file, r.line.line, r.line.column)
        subject = f"{r.line.path}@{r.line.go_version}"
        evidence: tuple[str, ...] = ()
        if r.status is Status.VERIFIED:
            message = f"{subject}: verified against the checksum database"
        elif r.status is Status.MISMATCH:
            message = f"{subject}: checksum mismatch with the checksum database"
            evidence = (
                f"go.sum:   {r.line.hash}",
                *(f"database: {h}" for h in r.database_hashes),
            )
        elif r.status is Status.NOT_IN_DATABASE:
            message = f"{subject}: not found in the checksum database"
            evidence = (r.reason,)
        elif r.status is Status.SKIPPED:
            message = f"{subject}: not covered by the checksum database ({r.reason})"
        else:
            message = f"{subject}: not in the verified cache (offline)"
        severity = rule.default_severity
        if r.status is Status.SKIPPED and r.reason == "GOSUMDB=off":
            # Not a scoped exemption but checking turned off for everything: worth a warning.
            severity = Severity.WARNING
        fix = rule.help_text
        do_not: tuple[str, ...] = ()
        if r.status is Status.MISMATCH:
            fix = fix.replace("MODULE@VERSION", f"{r.line.path}@{r.line.version}")
            do_not = (_DO_NOT_DISABLE,)
        report.add(
            Finding(
                rule.id,
                severity,
                message,
                where,
                evidence=evidence,
                fix=fix,
                do_not=do_not,
                properties={"status": r.status.value, "module": r.line.path},
            ),
            rule,
        )
    report.summary.update(summarize(results))
    return report


__all__ = [
    "RULES",
    "LineResult",
    "Status",
    "check_line",
    "open_client",
    "read_gosums",
    "summarize",
    "to_report",
    "verify_gosums",
]
