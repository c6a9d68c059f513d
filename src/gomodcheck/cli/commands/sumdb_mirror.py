"""`gomodcheck sumdb mirror`: a verifying, offline-capable mirror of a public checksum database."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="mirror")
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="TOML file with a [sumdb.mirror] table (flags override it).",
)
@click.option("--listen", help="HOST:PORT to listen on (default 127.0.0.1:8080).")
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="SQLite store of verified tree heads, lookups and tiles (created if missing; "
    "`gomodcheck sumdb import --db` fills it from a bundle). Default sumdb-mirror.db.",
)
@click.option(
    "--upstream",
    help="Base URL of the checksum database to mirror "
    "(default https://proxy.golang.org/sumdb/sum.golang.org).",
)
@click.option("--key", help="Verifier key of the database (default: sum.golang.org's).")
@click.option(
    "--offline", is_flag=True, default=None, help="Never contact the upstream; serve the store."
)
@click.option(
    "--latest-interval", type=float, help="Seconds between upstream /latest fetches (default 5)."
)
@click.option(
    "--header-timeout", type=float, help="Seconds a client has to send its headers (default 10)."
)
@click.option("--no-access-log", is_flag=True, default=None, help="Do not log each request.")
@click.option(
    "--lifetime", type=float, default=0.0, hidden=True, help="Exit after this many seconds (tests)."
)
def command(
    *,
    config_file: Path | None,
    listen: str | None,
    db: Path | None,
    upstream: str | None,
    key: str | None,
    offline: bool | None,
    latest_interval: float | None,
    header_timeout: float | None,
    no_access_log: bool | None,
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
    from gomodcheck.mirror.config import load_mirror_config  # noqa: PLC0415
    from gomodcheck.mirror.runner import serve  # noqa: PLC0415 - heavy imports

    overrides = {
        "listen": listen,
        "db": db,
        "upstream": upstream,
        "key": key.strip() if key else None,
        "offline": offline,
        "latest_interval": latest_interval,
        "header_timeout": header_timeout,
        "access_log": False if no_access_log else None,
    }
    serve(load_mirror_config(config_file, overrides), lifetime=lifetime)
    return 0
