"""`gomodcheck graph [DIR]`: the module graph with each module's status, as JSON, DOT or Mermaid."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click


@click.command("graph")
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["json", "dot", "mermaid", "text"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--modcache",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Module cache to read go.mod files from (default: GOMODCACHE).",
)
@click.option(
    "--proxy-dir",
    "proxy_dirs",
    multiple=True,
    help="A module proxy directory on disk (path or file:// URL). Repeatable.",
)
@click.option(
    "--edges/--no-edges", default=True, help="Include requirement edges (json, dot, mermaid)."
)
def command(
    directory: Path,
    output_format: str,
    modcache: Path | None,
    proxy_dirs: tuple[str, ...],
    edges: bool,
) -> int:
    """Print the build list (`go list -m all`) with direct/indirect, replaced, excluded,
    retracted (when known) and private (GOPRIVATE) status, from local go.mod files only."""
    from gomodcheck.check.analyze import _load_graph_or_fail, main_module_from, read_project  # noqa: PLC0415
    from gomodcheck.config import load_config  # noqa: PLC0415
    from gomodcheck.goenv import GoEnv  # noqa: PLC0415
    from gomodcheck.modgraph.render import render  # noqa: PLC0415
    from gomodcheck.modgraph.sources import ModuleSources  # noqa: PLC0415
    from gomodcheck.modgraph.view import build_view  # noqa: PLC0415

    root = directory.resolve()
    config = load_config(root)
    table = config.section("check")
    base = config.path.parent if config.path else root
    env = GoEnv.from_environ()
    cache_root = modcache or (
        base / str(table["modcache"]) if "modcache" in table else env.gomodcache
    )
    dirs = [cache_root / "cache" / "download"]
    for d in (*proxy_dirs, *[str(x) for x in table.get("proxy_dirs", [])]):
        p = Path(d.removeprefix("file://"))
        dirs.append(p if p.is_absolute() else base / p)
    gomod, _ = read_project(root)
    main = main_module_from(gomod)
    mg = _load_graph_or_fail(main, ModuleSources(dirs, cache_root, root))
    view = build_view(mg, {r.path: not r.indirect for r in gomod.require}, env.get("GOPRIVATE"))
    sys.stdout.write(render(view, output_format, edges=edges))
    return 0


__all__ = ["command", "json"]
