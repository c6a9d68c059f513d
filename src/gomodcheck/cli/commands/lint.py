"""`gomodcheck lint [DIR|FILE...]`: CI, Docker and build settings that weaken verification."""

from __future__ import annotations

from pathlib import Path

import click

from gomodcheck.cli.common import emit, fail_on_option, format_option


@click.command(name="lint")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="gomodcheck.toml to use instead of the one found above the first path.",
)
@format_option
@fail_on_option
def command(
    paths: tuple[Path, ...], config_file: Path | None, output_format: str, fail_on: str
) -> int:
    """Check Dockerfiles, CI workflows, Makefiles and scripts under DIR (default: .).

    Suppress one finding with `# gomodcheck: ignore[RULE] reason` on its line or the line above;
    configure rules in the [lint] table of gomodcheck.toml.
    """
    from gomodcheck.config import load_config  # noqa: PLC0415 - keep `--help` fast
    from gomodcheck.lint import lint_paths  # noqa: PLC0415
    from gomodcheck.lint.settings import lint_settings  # noqa: PLC0415

    targets = list(paths) or [Path()]
    config = load_config(targets[0], config_file)
    settings = lint_settings(config.section("lint"), str(config.path or "gomodcheck.toml"))
    report = lint_paths(targets, settings, base=Path.cwd())
    return emit(report, output_format, fail_on)
