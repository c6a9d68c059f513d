"""`gomodcheck sumdb export`: the proved records and tiles for go.sum files, in one bundle file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from gomodcheck.tlog import Tree


@click.command(name="export")
@click.option(
    "--gosum",
    "gosum_files",
    type=click.Path(dir_okay=False, path_type=Path),
    multiple=True,
    required=True,
    help="A go.sum (or go.work.sum) whose lines the bundle must prove; repeat for more.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Bundle file to write (SQLite, format gomodcheck-sumdb-bundle/1).",
)
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Verified-state store to use (default: the client's, under GOMODCHECK_STATE_DIR).",
)
@click.option(
    "--since",
    "since_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The tree head the importing side already holds (its previous bundle, or a signed "
    "note file): adds the tiles that prove the new tree extends it.",
)
def command(
    gosum_files: tuple[Path, ...], out: Path, db: Path | None, since_file: Path | None
) -> int:
    """Look up every module of the go.sum files in GOSUMDB (through GOPROXY, as the go command
    reaches it), prove each record and each go.sum line, and write the tree head, the records
    and the tiles that prove them into one file for `gomodcheck sumdb import` on a machine
    without network. Modules excluded by GONOSUMDB/GOPRIVATE are left out.

    Exit 1 if a go.sum line does not match the database (nothing is written), 3 if the
    database cannot be reached.
    """
    from gomodcheck.errors import InputError, UsageError  # noqa: PLC0415
    from gomodcheck.goenv import GoEnv  # noqa: PLC0415
    from gomodcheck.gosum import parse_gosum  # noqa: PLC0415
    from gomodcheck.mirror.bundle import write_bundle  # noqa: PLC0415
    from gomodcheck.mirror.export import export_bundle  # noqa: PLC0415
    from gomodcheck.sumdb import nosumdb_pattern  # noqa: PLC0415
    from gomodcheck.verify.sumdb import open_client  # noqa: PLC0415

    gosums = []
    for path in gosum_files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"{path}: cannot read: {exc.strerror}") from None
        gosum = parse_gosum(data, str(path))
        gosum.raise_if_malformed()
        gosums.append(gosum)
    env = GoEnv.from_environ()
    client = open_client(env, state_path=db)
    if client is None:
        raise UsageError("GOSUMDB=off: there is no checksum database to export from")
    gonosumdb = env.get("GONOSUMDB")
    since = _read_since(since_file, env.get("GOSUMDB")) if since_file else None
    bundle, summary = export_bundle(
        gosums, client, skip=lambda p: nosumdb_pattern(gonosumdb, p) is not None, since=since
    )
    client.flush()
    write_bundle(bundle, out)
    for skipped in summary.skipped:
        click.echo(f"skipped {skipped} (GONOSUMDB/GOPRIVATE)", err=True)
    click.echo(
        f"wrote {out}: {bundle.name} tree#{summary.tree_size}, {summary.records} records, "
        f"{summary.tiles} tiles, {summary.lines} go.sum lines proved"
    )
    return 0


def _read_since(path: Path, gosumdb: str) -> Tree:
    """The verified tree of a --since file: a bundle (its note) or a signed note."""
    from gomodcheck.errors import GomodcheckError, InputError  # noqa: PLC0415
    from gomodcheck.mirror.bundle import FORMAT, read_bundle  # noqa: PLC0415
    from gomodcheck.note import open_note, parse_verifier_key  # noqa: PLC0415
    from gomodcheck.sumdb import parse_gosumdb  # noqa: PLC0415
    from gomodcheck.tlog import parse_tree  # noqa: PLC0415

    try:
        head = path.read_bytes()[:16]
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    msg = read_bundle(path).note if head.startswith(b"SQLite format 3") else path.read_bytes()
    config = parse_gosumdb(gosumdb)
    assert config is not None  # checked by the caller
    try:
        return parse_tree(open_note(msg, [parse_verifier_key(config.key)]).text.encode())
    except GomodcheckError as exc:
        raise InputError(f"{path}: not a {FORMAT} file or a signed tree head: {exc}") from None
