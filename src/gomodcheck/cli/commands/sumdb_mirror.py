"""`gomodcheck sumdb mirror`: a verifying, offline-capable mirror of a public checksum database."""

from __future__ import annotations

from pathlib import Path

import click

from gomodcheck.sumdb.config import SUM_GOLANG_ORG_KEY


@click.command(name="mirror")
@click.option(
    "--listen", default="127.0.0.1:8080", show_default=True, help="HOST:PORT to listen on."
)
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="SQLite store of verified tree heads, lookups and tiles (created if missing; "
    "`gomodcheck sumdb import --db` fills it from a bundle).",
)
@click.option(
    "--upstream",
    default="https://proxy.golang.org/sumdb/sum.golang.org",
    show_default=True,
    help="Base URL of the checksum database to mirror.",
)
@click.option(
    "--key",
    default=SUM_GOLANG_ORG_KEY,
    show_default=True,
    help="Verifier key of the database (its name is the key's first field).",
)
@click.option("--offline", is_flag=True, help="Never contact the upstream; serve the store only.")
@click.option(
    "--latest-interval",
    type=float,
    default=5.0,
    show_default=True,
    help="Seconds between upstream /latest fetches.",
)
@click.option(
    "--header-timeout",
    type=float,
    default=10.0,
    show_default=True,
    help="Seconds a client has to send its request headers.",
)
@click.option("--no-access-log", is_flag=True, help="Do not log each request.")
@click.option(
    "--lifetime", type=float, default=0.0, hidden=True, help="Exit after this many seconds (tests)."
)
def command(
    *,
    listen: str,
    db: Path,
    upstream: str,
    key: str,
    offline: bool,
    latest_interval: float,
    header_timeout: float,
    no_access_log: bool,
    lifetime: float,
) -> int:
    """Serve a checksum database, proving every note, lookup and tile before passing it on.

    Use it as GOSUMDB="<key> http://HOST:PORT", or through a proxy list as
    GOPROXY=http://HOST:PORT,https://proxy.golang.org (it answers /sumdb/<name>/supported and
    404 for module downloads, so the go command takes modules from the next entry).
    A lying upstream is logged with proof and the last verified state is served; with the
    upstream unreachable (or --offline) the verified store answers. Logs are JSON on stderr;
    /healthz reports the tree size and alerts.
    """
    from gomodcheck.mirror.runner import MirrorConfig, serve  # noqa: PLC0415 - heavy imports

    if latest_interval < 0 or header_timeout <= 0:
        raise click.UsageError("--latest-interval must be >= 0 and --header-timeout > 0")
    config = MirrorConfig(
        db=db,
        listen=listen,
        key=key.strip(),
        upstream=upstream,
        offline=offline,
        latest_interval=latest_interval,
        header_timeout=header_timeout,
        access_log=not no_access_log,
    )
    serve(config, lifetime=lifetime)
    return 0
