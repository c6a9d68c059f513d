"""`gomodcheck sumdb serve`: run a private checksum database the go command can use as GOSUMDB."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="serve")
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="TOML file with a [sumdb.server] table (flags override it).",
)
@click.option(
    "--key",
    "key_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Signer key file written by `gomodcheck sumdb keygen` (NAME.key).",
)
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="SQLite log file (created if missing).",
)
@click.option("--listen", help="HOST:PORT to listen on (default 127.0.0.1:8080).")
@click.option(
    "--upstream",
    help="GOPROXY-style list to fetch unknown module versions from: https://proxy.example.com "
    "or file:///path/to/proxy-dir. Without it, only `sumdb add` adds records.",
)
@click.option("--modules", help="GOPRIVATE-style globs of module paths that lookups may add.")
@click.option("--max-tile-height", type=int, help="Largest tile height served (default 8).")
@click.option("--header-timeout", type=float, help="Seconds a client has to send its headers.")
@click.option("--no-access-log", is_flag=True, default=None, help="Do not log each request.")
@click.option(
    "--mirror",
    help="Also serve a verifying mirror of a public database, in GOSUMDB syntax: "
    "'sum.golang.org https://proxy.golang.org/sumdb/sum.golang.org'. "
    "Mounted at /sumdb/<name>/ for GOPROXY=http://HOST:PORT,...",
)
@click.option(
    "--mirror-state",
    type=click.Path(dir_okay=False, path_type=Path),
    help="SQLite file of the mirror's verified cache.",
)
@click.option(
    "--mirror-refresh",
    type=float,
    help="Seconds between checks of the mirrored database's latest tree (default 5).",
)
@click.option(
    "--lifetime",
    type=float,
    default=0.0,
    hidden=True,
    help="Exit after this many seconds (tests: a server that stops by itself).",
)
def command(
    *,
    config_file: Path | None,
    key_file: Path | None,
    db: Path | None,
    listen: str | None,
    upstream: str | None,
    modules: str | None,
    max_tile_height: int | None,
    header_timeout: float | None,
    no_access_log: bool | None,
    mirror: str | None,
    mirror_state: Path | None,
    mirror_refresh: float | None,
    lifetime: float,
) -> int:
    """Serve /latest, /lookup/M@V and /tile/... as the checksum-database protocol defines them.

    Point the go command at it with
    GOSUMDB="<verifier key> http://HOST:PORT" (the verifier key printed by keygen).
    With --mirror it also proxies a public database, verifying everything it passes on and
    answering from its verified cache when the upstream is unreachable.
    Logs (JSON, one line per request) go to stderr. Stops cleanly on SIGINT/SIGTERM.
    """
    from gomodcheck.server import load_server_config  # noqa: PLC0415 - heavy imports
    from gomodcheck.server.runner import serve  # noqa: PLC0415

    overrides = {
        "key_file": key_file,
        "db": db,
        "listen": listen,
        "upstream": upstream,
        "modules": modules,
        "max_tile_height": max_tile_height,
        "header_timeout": header_timeout,
        "access_log": False if no_access_log else None,
        "mirror": mirror,
        "mirror_state": mirror_state,
        "mirror_refresh": mirror_refresh,
    }
    config = load_server_config(config_file, overrides)
    serve(config, lifetime=lifetime)
    return 0
