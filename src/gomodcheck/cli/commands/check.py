"""`gomodcheck check [DIR]`: the offline CI gate for go.mod, go.sum, vendor/ and go.work."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import click

from gomodcheck.cli.common import emit, fail_on_option, format_option

if TYPE_CHECKING:
    from gomodcheck.check.gate import CheckOptions
    from gomodcheck.findings import Report
    from gomodcheck.goenv import GoEnv


@click.command("check")
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--go-version",
    default="",
    envvar="GOMODCHECK_GO_VERSION",
    help="The Go version CI builds with (e.g. 1.22.3); go/toolchain lines are checked against it.",
)
@click.option(
    "--modcache",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Module cache to read go.mod files and sources from (default: GOMODCACHE).",
)
@click.option(
    "--proxy-dir",
    "proxy_dirs",
    multiple=True,
    help="A module proxy directory on disk (path or file:// URL), searched after the module "
    "cache. Repeatable.",
)
@click.option(
    "--online",
    is_flag=True,
    default=False,
    help="Fetch go.mod files missing locally through GOPROXY (by default check never uses "
    "the network).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="gomodcheck.toml to use instead of the nearest one.",
)
@click.option(
    "--no-cache",
    is_flag=True,
    default=False,
    envvar="GOMODCHECK_NO_CACHE",
    help="Do not keep import scans and verdicts in the state directory between runs (a verdict "
    "is reused only while the tree, the module cache entries it read, the options, the "
    "environment and gomodcheck itself are unchanged).",
)
@click.option(
    "--gowork",
    default=None,
    metavar="PATH|off",
    help="The go.work file to check the workspace of, or off for module mode (default: GOWORK, "
    "else the go.work in DIR or a parent directory, as the go command finds it).",
)
@format_option
@fail_on_option
def command(  # noqa: PLR0917 - click passes every option positionally
    directory: Path,
    go_version: str,
    modcache: Path | None,
    proxy_dirs: tuple[str, ...],
    online: bool,
    config_path: Path | None,
    no_cache: bool,
    gowork: str | None,
    output_format: str,
    fail_on: str,
) -> int:
    """Check that go.mod and go.sum are what `go mod tidy` would write, offline.

    Reports missing and extraneous go.sum lines (with the go command's error), untidy
    requirements and `// indirect` comments, missing replacement directories, go/toolchain lines
    the CI Go version cannot satisfy, and policy violations from gomodcheck.toml [check].
    In workspace mode (a go.work in effect) it also checks go.work: use directories, go lines,
    replace conflicts, and the checksums a build of every workspace module needs from go.work.sum
    and the modules' go.sum files, or, when the workspace is vendored (`go work vendor`),
    vendor/modules.txt and vendor/ against go.work and every workspace module.
    Exit 0 clean, 1 findings, 2 malformed input, 3 a needed go.mod or module source is missing.
    """
    from gomodcheck.config import load_config  # noqa: PLC0415
    from gomodcheck.goenv import GoEnv  # noqa: PLC0415

    root = directory.resolve()
    config = load_config(root, config_path)
    table = config.section("check")
    base = config.path.parent if config.path else root
    env = GoEnv.from_environ()
    cache_root = modcache or (
        base / str(table["modcache"]) if "modcache" in table else env.gomodcache
    )
    dirs = [cache_root / "cache" / "download"]
    for d in (*proxy_dirs, *[str(x) for x in table.get("proxy_dirs", [])]):
        p = Path(d.removeprefix("file://"))
        dirs.append(p if p.is_absolute() else base / p)
    online = online or bool(table.get("online", False))
    verdicts = None
    if not no_cache and not online and len(dirs) == 1:
        # Nothing but the tree and the module cache goes in: a verdict can be reused.
        from gomodcheck.check.verdict import VerdictCache, now_ns, verdict_key  # noqa: PLC0415
        from gomodcheck.store import state_dir  # noqa: PLC0415

        started = now_ns()
        key = verdict_key(
            {"root": root, "go": go_version, "modcache": cache_root, "gowork": gowork},
            {**env.process, **{f"go env -w {k}": v for k, v in env.file_values.items()}},
            config.path.read_bytes() if config.path else b"",
        )
        verdicts = VerdictCache(state_dir() / "check-verdicts")
        reused = verdicts.lookup(root, key)
        if reused is not None:  # the same report, byte for byte, as a full run would give
            return emit(reused, output_format, fail_on)
    from gomodcheck.gosrc.tree import RacySeen  # noqa: PLC0415

    RacySeen.seen = False
    report, options = _run(root, table, env, cache_root, dirs, go_version, online, gowork, no_cache)
    if verdicts is not None and options.sources.probes is not None and not RacySeen.seen:
        from gomodcheck.check.verdict import local_inputs  # noqa: PLC0415
        from gomodcheck.check.workspace import find_gowork  # noqa: PLC0415

        gowork_file = None
        if options.gowork is not None:
            gowork_file = find_gowork(root, options.gowork, options.goroot)
        extra_dirs, extra_files = local_inputs(root, gowork_file)
        verdicts.store(
            root,
            key,
            report,
            extra_roots=extra_dirs,
            extra_files=extra_files,
            probes=options.sources.probes,
            started_ns=started,
        )
    return emit(report, output_format, fail_on)


def _run(  # noqa: PLR0917 - the command's settings, resolved
    root: Path,
    table: Mapping[str, object],
    env: GoEnv,
    cache_root: Path,
    dirs: list[Path],
    go_version: str,
    online: bool,
    gowork: str | None,
    no_cache: bool,
) -> tuple[Report, CheckOptions]:
    """The full check (no verdict to reuse)."""
    from gomodcheck.check.gate import CheckOptions, Policy, run_check  # noqa: PLC0415
    from gomodcheck.modgraph.sources import ModuleSources  # noqa: PLC0415

    proxy = None
    if online:
        from gomodcheck.fetcher import HttpFetcher  # noqa: PLC0415
        from gomodcheck.proxy.client import ProxyClient  # noqa: PLC0415
        from gomodcheck.proxy.spec import parse_proxy_list  # noqa: PLC0415

        proxy = ProxyClient(
            parse_proxy_list(env.get("GOPROXY"), env.get("GONOPROXY")),
            HttpFetcher(),
            env.get("GONOPROXY"),
        )
    sources = ModuleSources(dirs, cache_root, root, proxy)
    if not no_cache and proxy is None and len(dirs) == 1:
        sources.probes = {}
    options = CheckOptions(sources, go_version, Policy.from_table(table), env.get("GOPRIVATE"))
    _workspace_options(options, env, gowork)
    if not no_cache:
        from gomodcheck.gosrc.scancache import ScanCache  # noqa: PLC0415
        from gomodcheck.store import state_dir  # noqa: PLC0415

        options.cache = ScanCache(state_dir() / "scan-cache.sqlite")
        sources.cache = options.cache
    report = run_check(root, options)
    if options.cache is not None:
        options.cache.save()
    return report, options


def _workspace_options(options: CheckOptions, env: GoEnv, gowork: str | None) -> None:
    """GOWORK and the checksum-database settings, as the go command reads them."""
    import os  # noqa: PLC0415

    from gomodcheck.check.workspace import nosumdb_matcher  # noqa: PLC0415
    from gomodcheck.goenv import mod_flag  # noqa: PLC0415

    if gowork is not None and gowork not in ("off", "auto", ""):
        gowork = str(Path(gowork).resolve())  # the flag may be relative; GOWORK may not
    options.gowork = env.get("GOWORK") if gowork is None else gowork
    options.goroot = os.environ.get("GOROOT", "")
    options.nosumdb = nosumdb_matcher(
        env.get("GOSUMDB"), env.get("GONOSUMDB") or env.get("GOPRIVATE")
    )
    options.mod_flag = mod_flag(env.get("GOFLAGS"))
