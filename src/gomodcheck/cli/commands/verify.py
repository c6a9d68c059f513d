"""`gomodcheck verify [DIR]`: go.sum checked against the module cache and the checksum database.

Sources are chosen with flags: --cache (re-hash the module cache's copies), --sumdb (look each
line up in GOSUMDB through GOPROXY). With neither flag both run; --offline keeps to local state.
Each source adds its findings to one report.
"""

from __future__ import annotations

from pathlib import Path

import click

from gomodcheck.cli.common import emit, fail_on_option, format_option
from gomodcheck.errors import UsageError
from gomodcheck.findings import Report


def run_cache(
    report: Report, directory: Path, *, gomodcache: str | None, jobs: int, hash_cache: bool
) -> None:
    """The module-cache source: re-hash zips, directories and .mod files of go.sum's modules."""
    from gomodcheck.digestcache import DigestCache, default_path  # noqa: PLC0415
    from gomodcheck.modcache import ModCache  # noqa: PLC0415
    from gomodcheck.verify import cache as vcache  # noqa: PLC0415

    gosums = vcache.read_gosums(directory)
    try:
        mc = ModCache(Path(gomodcache)) if gomodcache else ModCache.from_env()
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    if not mc.root.is_dir():
        raise UsageError(f"module cache {mc.root} does not exist (set GOMODCACHE or --gomodcache)")
    from gomodcheck.cli.progress import progress_bar  # noqa: PLC0415

    digests = DigestCache(default_path() if hash_cache else None)
    try:
        with progress_bar("hashing the module cache") as progress:
            result = vcache.verify_cache(gosums, mc, digests, jobs=jobs, progress=progress)
    finally:
        digests.close()
    report.inputs.extend(g.filename for g in gosums)
    vcache.to_report(result, report)
    report.summary["module cache"] = str(mc.root)


def run_sumdb(
    report: Report, directory: Path, *, offline: bool, show_verified: bool = False, jobs: int = 0
) -> None:
    """The checksum-database source: every go.sum and go.work.sum line looked up and proved."""
    from gomodcheck.goenv import GoEnv  # noqa: PLC0415
    from gomodcheck.verify import sumdb as vsumdb  # noqa: PLC0415

    env = GoEnv.from_environ()
    files = vsumdb.read_gosums(directory)
    client = vsumdb.open_client(env, offline=offline)
    from gomodcheck.cli.progress import progress_bar  # noqa: PLC0415

    with progress_bar("checksum database") as progress:
        results = vsumdb.verify_gosums(
            files, client, gonosumdb=env.get("GONOSUMDB"), progress=progress, split=jobs != 1
        )
    report.inputs.extend(name for name, _ in files if name not in report.inputs)
    vsumdb.to_report(results, report, include_verified=show_verified)


@click.command(name="verify")
@click.argument(
    "directory", required=False, default=".", type=click.Path(file_okay=False, path_type=Path)
)
@click.option(
    "--cache",
    "use_cache",
    is_flag=True,
    help="Re-hash the module cache's copies of go.sum's modules (zip, directory, .mod).",
)
@click.option(
    "--sumdb",
    "use_sumdb",
    is_flag=True,
    help="Check every go.sum line against the checksum database (GOSUMDB via GOPROXY).",
)
@click.option(
    "--offline",
    is_flag=True,
    help="Use only local state: the module cache and the verified sumdb cache.",
)
@click.option(
    "--show-verified",
    is_flag=True,
    help="With --sumdb, also list each verified line (as a note), not only the problems.",
)
@click.option(
    "--gomodcache",
    metavar="DIR",
    default=None,
    help="Module cache to verify (default: GOMODCACHE as the go command resolves it).",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Worker processes hashing modules (0: one per CPU, at most 8). With --sumdb, 1 keeps "
    "the lookups in one process (otherwise a large cold run is split over two).",
)
@click.option(
    "--hash-cache/--no-hash-cache",
    default=True,
    show_default=True,
    help="Reuse digests of files unchanged since the last run (size, times, inode).",
)
@format_option
@fail_on_option
def command(  # noqa: PLR0917 - click passes every option by position
    directory: Path,
    use_cache: bool,
    use_sumdb: bool,
    offline: bool,
    show_verified: bool,
    gomodcache: str | None,
    jobs: int,
    hash_cache: bool,
    output_format: str,
    fail_on: str,
) -> int:
    """Verify go.sum (and go.work.sum) in DIR against the module cache and the checksum database.

    \b
    Exit codes: 0 everything verified, 1 findings (modified cache, mismatching hashes),
    2 malformed go.sum or bad usage, 3 the checksum database could not be reached.
    """
    if not directory.is_dir():
        raise UsageError(f"{directory}: not a directory")
    if not use_cache and not use_sumdb:
        use_cache = use_sumdb = True
    report = Report("verify")
    if use_cache:
        run_cache(report, directory, gomodcache=gomodcache, jobs=jobs, hash_cache=hash_cache)
    if use_sumdb:
        run_sumdb(report, directory, offline=offline, show_verified=show_verified, jobs=jobs)
    return emit(report, output_format, fail_on)


__all__ = ["command", "run_cache", "run_sumdb"]
