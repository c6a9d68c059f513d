"""`gomodcheck graph [DIR]`: the module graph with each module's status, as JSON, DOT or Mermaid."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from gomodcheck.modgraph.load import ModuleGraph
    from gomodcheck.modgraph.sources import ModuleSources


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
@click.option(
    "--gowork",
    default=None,
    metavar="PATH|off",
    help="The go.work file whose workspace to show, or off (default: GOWORK, else the go.work "
    "in DIR or a parent directory).",
)
def command(  # noqa: PLR0917 - click passes every option positionally
    directory: Path,
    output_format: str,
    modcache: Path | None,
    proxy_dirs: tuple[str, ...],
    edges: bool,
    gowork: str | None,
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
    sources = ModuleSources(dirs, cache_root, root)
    ws_mg = _workspace_graph(root, sources, env.get("GOWORK") if gowork is None else gowork)
    if ws_mg is not None:
        mg, direct = ws_mg
    else:
        gomod, _ = read_project(root)
        mg = _load_graph_or_fail(main_module_from(gomod), sources)
        direct = {r.path: not r.indirect for r in gomod.require}
    view = build_view(mg, direct, env.get("GOPRIVATE"))
    sys.stdout.write(render(view, output_format, edges=edges))
    return 0


def _workspace_graph(
    root: Path, sources: ModuleSources, gowork: str
) -> tuple[ModuleGraph, dict[str, bool]] | None:
    """The workspace's graph (`go list -m all` in workspace mode), or None in module mode."""
    from gomodcheck.check.analyze import GraphIncompleteError  # noqa: PLC0415
    from gomodcheck.check.workspace import (  # noqa: PLC0415
        find_gowork,
        module_summary,
        read_workspace,
        workspace_main,
    )
    from gomodcheck.errors import InputError  # noqa: PLC0415
    from gomodcheck.modgraph.load import MissingModFiles  # noqa: PLC0415
    from gomodcheck.modgraph.workspace import load_workspace_graph  # noqa: PLC0415

    if gowork not in ("off", "auto", ""):
        gowork = str(Path(gowork).resolve())
    ws_file = find_gowork(root, gowork, os.environ.get("GOROOT", ""))
    if ws_file is None:
        return None
    ws = read_workspace(ws_file)
    if not ws.loadable or not ws.modules:
        raise InputError(
            "the go command cannot load this workspace (run `gomodcheck check` for why):\n\t"
            + "\n\t".join(f.message.splitlines()[0] for f, _ in ws.findings)
        )
    try:
        mg = load_workspace_graph(
            workspace_main(ws),
            {m.path: module_summary(m) for m in ws.modules},
            sources.summary,
            go_version=ws.go_version,
            toolchain=ws.work.toolchain.name if ws.work.toolchain else "",
        )
    except MissingModFiles as exc:
        lines = [f"{m.path}@{m.version}: {why}" for m, why in sorted(exc.missing.items(), key=str)]
        raise GraphIncompleteError(
            "cannot load the workspace module graph (fail closed):\n\t" + "\n\t".join(lines),
            exc.missing,
        ) from exc
    direct: dict[str, bool] = {}
    for m in ws.modules:
        for r in m.gomod.require:
            direct[r.path] = direct.get(r.path, False) or not r.indirect
    return mg, direct


__all__ = ["command", "json"]
