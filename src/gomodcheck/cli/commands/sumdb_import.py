"""`gomodcheck sumdb import BUNDLE`: prove a bundle again and load it into a verified store."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="import")
@click.argument("bundle_file", metavar="BUNDLE", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Store to load into: a mirror's --db, or by default the client's verified cache "
    "(what `gomodcheck verify --sumdb --offline` reads).",
)
@click.option(
    "--key",
    help="Verifier key of the database (default: from GOSUMDB, as the go command reads it).",
)
def command(bundle_file: Path, db: Path | None, key: str | None) -> int:
    """Verify everything in BUNDLE from scratch (the tree head's signature with the key, each
    record's inclusion, every tile against the tree head, consistency with the tree already
    stored) and only then load it. Exit 1 and nothing loaded if any of it fails.
    """
    from gomodcheck.errors import UsageError  # noqa: PLC0415
    from gomodcheck.goenv import GoEnv  # noqa: PLC0415
    from gomodcheck.mirror.bundle import read_bundle  # noqa: PLC0415
    from gomodcheck.mirror.importer import import_bundle  # noqa: PLC0415
    from gomodcheck.sumdb import SqliteState, default_state_path, parse_gosumdb  # noqa: PLC0415

    if key is None:
        config = parse_gosumdb(GoEnv.from_environ().get("GOSUMDB"))
        if config is None:
            raise UsageError("GOSUMDB=off: give the database's verifier key with --key")
        key = config.key
    bundle = read_bundle(bundle_file)
    store = SqliteState(db or default_state_path())
    summary = import_bundle(bundle, key.strip(), store)
    moved = "tree head advanced" if summary.advanced else "tree head unchanged"
    click.echo(
        f"imported {bundle_file}: {bundle.name} tree#{summary.tree_size}, {summary.records} "
        f"records, {summary.tiles} tiles proved and loaded ({moved})"
    )
    return 0
