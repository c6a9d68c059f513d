"""`gomodcheck sumdb keygen NAME`: an Ed25519 signer key (0600) and its verifier key."""

from __future__ import annotations

import os
from pathlib import Path

import click

from gomodcheck.errors import InputError


def _write_private(path: Path, data: str, force: bool) -> None:
    """Create the file 0600 from the start (never world-readable, even briefly)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    if force:
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, flags, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)
        return
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError as exc:
        raise InputError(f"{path}: already exists; use --force to replace it") from exc
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


@click.command(name="keygen")
@click.argument("name")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(),
    show_default=True,
    help="Directory to write NAME.key and NAME.vkey into.",
)
@click.option("--force", is_flag=True, help="Replace existing key files.")
def command(name: str, out_dir: Path, force: bool) -> int:
    """Create NAME.key (signer key, mode 0600) and NAME.vkey; print the verifier key.

    NAME is the database name clients see, usually its host name (sumdb.example.com). Put the
    printed verifier key in GOSUMDB: GOSUMDB="<verifier key> https://sumdb.example.com".
    """
    from gomodcheck import note  # noqa: PLC0415 - keeps --help fast

    skey, vkey = note.generate_key(name)
    base = name.replace("/", "_")
    out_dir.mkdir(parents=True, exist_ok=True)
    key_path, vkey_path = out_dir / f"{base}.key", out_dir / f"{base}.vkey"
    if not force:
        for existing in (key_path, vkey_path):
            if existing.exists():
                raise InputError(f"{existing}: already exists; use --force to replace it")
    _write_private(key_path, skey + "\n", force)
    vkey_path.write_text(vkey + "\n", encoding="utf-8")
    click.echo(f"wrote {key_path} (signer key, keep secret) and {vkey_path}", err=True)
    click.echo(vkey)
    return 0
