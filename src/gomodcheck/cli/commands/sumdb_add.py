"""`gomodcheck sumdb add M@V ...`: record module versions in a private checksum database."""

from __future__ import annotations

from pathlib import Path

import click

from gomodcheck.errors import UsageError


@click.command(name="add")
@click.argument("modules", nargs=-1, required=True, metavar="PATH@VERSION...")
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
    help="Signer key file (NAME.key).",
)
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), help="SQLite log file.")
@click.option("--upstream", help="GOPROXY-style list (https://... or file:///dir) to fetch from.")
def command(
    modules: tuple[str, ...],
    config_file: Path | None,
    key_file: Path | None,
    db: Path | None,
    upstream: str | None,
) -> int:
    """Fetch each module version from the upstream, hash it, and append it to the log.

    Prints the go.sum lines recorded (an existing record is printed as it is: the log never
    changes an answer). Safe to run while `sumdb serve` uses the same database.
    """
    from gomodcheck import module, note  # noqa: PLC0415 - heavy imports
    from gomodcheck.server import load_server_config  # noqa: PLC0415
    from gomodcheck.server.logstore import LogStore  # noqa: PLC0415
    from gomodcheck.server.upstream import ProxyUpstream  # noqa: PLC0415

    config = load_server_config(config_file, {"key_file": key_file, "db": db, "upstream": upstream})
    if config.key_file == Path() or not config.upstream:
        raise click.UsageError("give --key and --upstream (or set them in the config file)")
    wanted: list[tuple[str, str]] = []
    for arg in modules:
        path, sep, version = arg.partition("@")
        try:
            if not sep:
                raise ValueError("want PATH@VERSION")
            module.check(path, version)
            if module.canonical_version(version) != version:
                raise ValueError(f"version {version} is not canonical")
        except ValueError as exc:
            raise UsageError(f"{arg}: {exc}") from None
        wanted.append((path, version))

    signer = note.parse_signer_key(config.key_file.read_text(encoding="utf-8").strip())
    store = LogStore(config.db)
    try:
        store.bind_key(signer.verifier().key)
        store.check_consistent()
        source = ProxyUpstream.from_list(config.upstream)
        entries = []
        for path, version in wanted:
            if store.lookup(path, version) is None:
                entries.append((path, version, source.record_text(path, version)))

        def sign(text: bytes) -> bytes:
            return note.sign(text.decode("utf-8"), [signer])

        store.append(entries, sign)
        for path, version in wanted:
            record_id = store.lookup(path, version)
            assert record_id is not None
            click.echo(store.read_records(record_id, 1)[0].decode("utf-8"), nl=False)
        head = store.latest()
        click.echo(f"tree size {head.n if head else 0}", err=True)
    finally:
        store.close()
    return 0
