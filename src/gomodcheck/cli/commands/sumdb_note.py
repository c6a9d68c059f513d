"""`gomodcheck sumdb verify-note`: check a signed note (a checkpoint) against verifier keys."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from gomodcheck.errors import InputError, VerificationError

MAX_NOTE_BYTES = 1 << 20  # a tree note is ~200 bytes; a cosigned one with 100 lines is ~15 KiB


def _read(source: str) -> bytes:
    if source == "-":
        data = sys.stdin.buffer.read(MAX_NOTE_BYTES + 1)
        name = "standard input"
    else:
        try:
            with Path(source).open("rb") as handle:
                data = handle.read(MAX_NOTE_BYTES + 1)
        except OSError as exc:
            raise InputError(f"{source}: cannot read: {exc.strerror}") from exc
        name = source
    if len(data) > MAX_NOTE_BYTES:
        raise InputError(f"{name}: larger than {MAX_NOTE_BYTES} bytes; not a signed note")
    return data


@click.command(name="verify-note")
@click.option(
    "--key",
    "keys",
    multiple=True,
    metavar="VERIFIERKEY",
    help="Verifier key name+hash+base64 (repeatable), e.g. the sum.golang.org key.",
)
@click.option(
    "--key-file",
    "key_files",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="File holding one verifier key per line (repeatable).",
)
@click.argument("source", metavar="FILE|-")
def command(keys: tuple[str, ...], key_files: tuple[str, ...], source: str) -> int:
    """Verify a signed note: exit 0 when a known key signed it, 1 when not, 2 when malformed.

    Signatures by keys you did not give (for example witness cosignatures) are listed and
    tolerated; at least one signature by a given key is required, and every signature by a
    given key must verify.
    """
    from gomodcheck import note  # noqa: PLC0415 - keeps --help fast

    all_keys = list(keys)
    for path in key_files:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{path}: cannot read verifier keys: {exc}") from exc
        all_keys.extend(k.strip() for k in text.splitlines() if k.strip() and not k.startswith("#"))
    if not all_keys:
        raise click.UsageError("give at least one --key or --key-file")
    verifiers = [note.parse_verifier_key(k) for k in all_keys]
    label = "standard input" if source == "-" else source
    try:
        opened = note.open_note(_read(source), verifiers)
    except note.MalformedNoteError as exc:
        raise InputError(f"{label}: {exc}") from exc
    except note.UnverifiedNoteError as exc:
        unknown = ", ".join(f"{s.name}+{s.key_hash:08x}" for s in exc.note.unverified_sigs)
        raise VerificationError(
            f"{label}: note has no verifiable signatures; signed only by unknown keys: {unknown}"
        ) from exc
    except VerificationError as exc:
        raise VerificationError(f"{label}: {exc}") from exc
    for sig in opened.sigs:
        click.echo(f"verified: {sig.name}+{sig.key_hash:08x}")
    for sig in opened.unverified_sigs:
        click.echo(f"not verified (unknown key): {sig.name}+{sig.key_hash:08x}")
    click.echo("")
    click.echo(opened.text, nl=False)
    return 0
