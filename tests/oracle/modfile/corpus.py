"""Builds the real-world go.mod corpus: the .mod files of the module graphs of large projects.

Each project's go.mod (at a pinned version) becomes a temporary main module whose directory
replacements are swapped for published versions; `go mod graph` then downloads every go.mod
in its graph into the shared test module cache. Run as a script to warm the cache.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from gomodcheck.module import escape_path, escape_version

# Pinned so the corpus is the same on every run (the latest versions when this was written).
PROJECTS = (
    "k8s.io/kubernetes@v1.37.2",
    "go.etcd.io/etcd/server/v3@v3.7.3",
    "github.com/prometheus/prometheus@v0.316.0",
    "github.com/docker/docker@v28.5.2+incompatible",
    "github.com/moby/moby/v2@v2.0.0-beta.24",
    "github.com/containerd/containerd/v2@v2.4.2",
    "github.com/hashicorp/terraform@v1.13.3",
    "golang.org/x/tools@v0.52.0",
)


def go_env(modcache: Path) -> dict[str, str]:
    return {
        **os.environ,
        "GOMODCACHE": str(modcache),
        "GOFLAGS": "-mod=mod",
        "GOWORK": "off",
        "GOTOOLCHAIN": "local",
        "GOPROXY": "https://proxy.golang.org",
        "GONOSUMDB": "",
        "GOPRIVATE": "",
    }


def _go(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["go", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False
    )


def mod_file(modcache: Path, path: str, version: str) -> Path:
    return (
        modcache
        / "cache"
        / "download"
        / escape_path(path)
        / "@v"
        / f"{escape_version(version)}.mod"
    )


def project_graph(project: str, modcache: Path, log: list[str]) -> set[tuple[str, str]]:
    """The module versions in project's graph whose go.mod is now in the cache."""
    env = go_env(modcache)
    path, version = project.rsplit("@", 1)
    with tempfile.TemporaryDirectory(prefix="gomodcheck-corpus-") as tmp:
        work = Path(tmp)
        got = _go(["list", "-m", "-json", f"{path}@{version}"], work, env)
        gomod = mod_file(modcache, path, version)
        if not gomod.is_file():
            log.append(f"{project}: cannot fetch go.mod: {got.stderr.strip()[:300]}")
            return set()
        (work / "go.mod").write_bytes(gomod.read_bytes())
        edit = _go(["mod", "edit", "-json"], work, env)
        if edit.returncode != 0:
            log.append(f"{project}: go mod edit: {edit.stderr.strip()[:300]}")
            return {(path, version)}
        parsed = json.loads(edit.stdout)
        # Directory replacements point into the project's own tree: use published versions.
        local = [r["Old"] for r in parsed.get("Replace") or [] if "Version" not in r["New"]]
        required = {r["Path"] for r in parsed.get("Require") or []}
        flags = [
            f"-dropreplace={o['Path']}" + (f"@{o['Version']}" if "Version" in o else "")
            for o in local
        ]
        wanted = sorted({o["Path"] for o in local} & required)
        if wanted:
            listed = _go(
                ["list", "-m", "-e", "-json", *(f"{p}@latest" for p in wanted)],
                Path(tmp).parent,
                env,
            )
            dec = json.JSONDecoder()
            text, i = listed.stdout, 0
            while i < len(text.rstrip()):
                obj, i = dec.raw_decode(text, i)
                i += len(text[i:]) - len(text[i:].lstrip())
                if obj.get("Version") and not obj.get("Error"):
                    flags.append(f"-require={obj['Path']}@{obj['Version']}")
                else:  # never published (terraform's internal modules): leave it out
                    flags.append(f"-droprequire={obj['Path']}")
        if flags:
            _go(["mod", "edit", *flags], work, env)
        graph = _go(["mod", "graph"], work, env)
        if graph.returncode != 0:
            log.append(f"{project}: go mod graph: {graph.stderr.strip()[:300]}")
        nodes = {(path, version)}
        for line in graph.stdout.splitlines():
            for node in line.split():
                if "@" in node:
                    p, v = node.rsplit("@", 1)
                    if p not in ("go", "toolchain") and v != "none":
                        nodes.add((p, v))
    return {(p, v) for p, v in nodes if mod_file(modcache, p, v).is_file()}


def build_corpus(modcache: Path) -> tuple[list[Path], list[str]]:
    """(sorted .mod files of all projects' graphs, problems met on the way)."""
    log: list[str] = []
    with ThreadPoolExecutor(max_workers=4) as pool:
        graphs = list(pool.map(lambda p: project_graph(p, modcache, log), PROJECTS))
    nodes = set().union(*graphs)
    return sorted(mod_file(modcache, p, v) for p, v in nodes), log


if __name__ == "__main__":
    cache = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else (Path(__file__).resolve().parents[2] / ".cache" / "gomodcache")
    )
    files, problems = build_corpus(cache)
    for p in problems:
        print(p, file=sys.stderr)
    print(f"{len(files)} go.mod files")
