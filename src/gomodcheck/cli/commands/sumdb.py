"""`gomodcheck sumdb ...`: the checksum-database subcommands, each imported on first use."""

from __future__ import annotations

import importlib

import click

# name -> (module, help); each module defines a click command named `command`.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "verify-note": (
        "gomodcheck.cli.commands.sumdb_note",
        "Verify a signed note (a checkpoint) with verifier keys.",
    ),
    "keygen": (
        "gomodcheck.cli.commands.sumdb_keygen",
        "Create a signer key and its verifier key.",
    ),
    "serve": (
        "gomodcheck.cli.commands.sumdb_serve",
        "Serve a private checksum database or a verifying mirror.",
    ),
    "mirror": (
        "gomodcheck.cli.commands.sumdb_mirror",
        "Serve a verifying, offline-capable mirror of a public checksum database.",
    ),
    "add": (
        "gomodcheck.cli.commands.sumdb_add",
        "Add module versions to a private checksum database.",
    ),
    "export": (
        "gomodcheck.cli.commands.sumdb_export",
        "Write verified tiles and lookups for go.sum files into a bundle.",
    ),
    "import": (
        "gomodcheck.cli.commands.sumdb_import",
        "Load a bundle into the local store, verifying it again.",
    ),
}


class _LazySumdbGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = SUBCOMMANDS.get(cmd_name)
        if entry is None:
            return None
        try:
            module = importlib.import_module(entry[0])
        except ModuleNotFoundError:
            return None
        found = getattr(module, "command", None)
        return found if isinstance(found, click.Command) else None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(n, SUBCOMMANDS[n][1]) for n in self.list_commands(ctx)])


@click.group(cls=_LazySumdbGroup, name="sumdb")
def command() -> None:
    """Run and manage a checksum database server, and verify signed notes."""
