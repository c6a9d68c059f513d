"""The real-module corpus: the dependency closures of large Go projects, fetched by the go command.

Each project's go.mod and go.sum (tests/assets/hashing/projects/<name>/) becomes a main module in a
temporary directory; directory replacements point at sibling modules we do not have, so they are
dropped together with the requirements they served. `go mod download -json all` then fills the
shared module cache and reports, per module version, the hashes the go command computed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

PROJECTS_DIR = Path(__file__).resolve().parents[2] / "assets" / "hashing" / "projects"


@dataclass(frozen=True)
class Downloaded:
    """One module version as `go mod download -json` reported it."""

    path: str
    version: str
    zip: str
    dir: str
    gomod: str
    sum: str
    gomod_sum: str


def go_env(gomodcache: Path, go_bin: str = "go") -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        GOMODCACHE=str(gomodcache),
        GOFLAGS="-mod=mod",
        GOTOOLCHAIN="local",
        GOWORK="off",
        GOPROXY="https://proxy.golang.org",
        GONOSUMDB="",
        GOPRIVATE="",
        GONOPROXY="",
    )
    env.setdefault("GOPATH", str(Path.home() / "go"))
    return env


def decode_stream(text: str) -> list[dict[str, object]]:
    decoder = json.JSONDecoder()
    out: list[dict[str, object]] = []
    i = 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return out
        obj, i = decoder.raw_decode(text, i)
        out.append(obj)


def prepare(project: Path, workdir: Path, env: dict[str, str], go_bin: str) -> None:
    """Copy a project's go.mod/go.sum and drop directory replacements and what they served."""
    workdir.mkdir(parents=True, exist_ok=True)
    shutil.copy(project / "go.mod", workdir / "go.mod")
    shutil.copy(project / "go.sum", workdir / "go.sum")
    edit = json.loads(
        subprocess.run(
            [go_bin, "mod", "edit", "-json"],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    args: list[str] = []
    for rep in edit.get("Replace") or []:
        if "Version" not in rep["New"]:  # a directory replacement
            old = rep["Old"]
            spec = old["Path"] + ("@" + old["Version"] if old.get("Version") else "")
            args += [f"-dropreplace={spec}", f"-droprequire={old['Path']}"]
    # Tools and ignore lines name local packages; the module graph does not need them.
    for tool in edit.get("Tool") or []:
        args.append(f"-droptool={tool['Path']}")
    if args:
        subprocess.run([go_bin, "mod", "edit", *args], cwd=workdir, env=env, check=True)


def download(workdir: Path, env: dict[str, str], go_bin: str) -> list[Downloaded]:
    """Run `go mod download -json all` and keep the module versions that downloaded fully."""
    proc = subprocess.run(
        [go_bin, "mod", "download", "-json", "all"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    return [
        to_downloaded(obj)
        for obj in decode_stream(proc.stdout)
        if "Error" not in obj and obj.get("Zip") and obj.get("Sum")
    ]


def to_downloaded(obj: dict[str, object]) -> Downloaded:
    return Downloaded(
        str(obj["Path"]),
        str(obj["Version"]),
        str(obj["Zip"]),
        str(obj["Dir"]),
        str(obj["GoMod"]),
        str(obj["Sum"]),
        str(obj.get("GoModSum", "")),
    )


def build_corpus(
    gomodcache: Path, workroot: Path, go_bin: str = "go", projects: Iterable[str] | None = None
) -> list[Downloaded]:
    """Download every project's closure (in parallel) and return the distinct module versions."""
    env = go_env(gomodcache, go_bin)
    names = sorted(p.name for p in PROJECTS_DIR.iterdir()) if projects is None else list(projects)

    def one(name: str) -> list[Downloaded]:
        work = workroot / name
        prepare(PROJECTS_DIR / name, work, env, go_bin)
        return download(work, env, go_bin)

    seen: dict[tuple[str, str], Downloaded] = {}
    with ThreadPoolExecutor(max_workers=4) as pool:
        for batch in pool.map(one, names):
            for d in batch:
                seen.setdefault((d.path, d.version), d)
    return sorted(seen.values(), key=lambda d: (d.path, d.version))
