"""Helpers shared by the check oracle: fetch real projects from the module proxy and run the go command."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

from gomodcheck.check.analyze import Analysis, analyze, present_keys
from gomodcheck.modgraph.sources import ModuleSources
from gomodcheck.module import ModuleVersion

REPO_ROOT = Path(__file__).resolve().parents[3]
GOMODCACHE = Path(os.environ.get("TESTS_GOMODCACHE", REPO_ROOT / "tests" / ".cache" / "gomodcache"))


def go_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GO")}
    env.update(
        GOMODCACHE=str(GOMODCACHE),
        GOFLAGS="-modcacherw",
        GOTOOLCHAIN="local",
        GOWORK="off",
        GOPROXY="https://proxy.golang.org",
        GONOSUMDB="",
        GOPRIVATE="",
        GOPATH=str(GOMODCACHE.parent / "gopath"),
        GOCACHE=str(GOMODCACHE.parent / "gocache"),
    )
    return env


def run_go(args: list[str], cwd: Path, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [shutil.which("go") or "go", *args],
        cwd=cwd,
        env=go_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def fetch_project(modver: str, dest: Path, subdir: str = "") -> Path:
    """Extract the module zip of modver into dest and return the module root."""
    # Outside any module, so `go mod download` looks the version up instead of a go.mod's.
    try:
        r = run_go(["mod", "download", "-json", modver], cwd=Path("/"), timeout=300)
    except subprocess.TimeoutExpired as exc:
        raise RuntimeError(f"go mod download {modver}: timed out") from exc
    info = json.loads(r.stdout)
    if "Error" in info or not info.get("Zip"):
        raise RuntimeError(f"go mod download {modver}: {info.get('Error', r.stderr)}")
    prefix = f"{info['Path']}@{info['Version']}/"
    if dest.exists():
        shutil.rmtree(dest)
    with zipfile.ZipFile(info["Zip"]) as z:
        for name in z.namelist():
            if not name.startswith(prefix) or name.endswith("/"):
                continue
            out = dest / name[len(prefix) :]
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(z.read(name))
    root = dest / subdir if subdir else dest
    fill_local_replaces(root, info["Version"])
    return root


def fill_local_replaces(root: Path, fallback_version: str) -> None:
    """Module zips leave out nested modules; fetch each directory replacement from the proxy.

    The version is the one go.mod requires (or the project's own version for v0.0.0 pins such
    as Kubernetes' staging modules), so both the go command and gomodcheck see the same tree.
    """
    from gomodcheck.modfile import parse_gomod  # noqa: PLC0415

    gomod = parse_gomod((root / "go.mod").read_bytes(), "go.mod")
    required = {r.path: r.version for r in gomod.require}
    for rep in gomod.replace:
        if not rep.is_directory:
            continue
        target = (root / rep.new.path).resolve()
        if (target / "go.mod").exists():
            continue
        if rep.old.path not in required:
            continue  # not needed by the graph of this module
        version = rep.old.version or required[rep.old.path]
        if not version or version.startswith("v0.0.0-0") or version == "v0.0.0":
            version = fallback_version
            if rep.old.path.startswith("k8s.io/") and fallback_version.startswith("v1."):
                version = "v0." + fallback_version[3:]
        try:
            fetch_project(f"{rep.old.path}@{version}", target)
        except (RuntimeError, json.JSONDecodeError):
            continue


@dataclass(frozen=True)
class TidyDiff:
    returncode: int
    gomod_changed: bool
    added: frozenset[str]  # "path version" keys (version may end in /go.mod)
    removed: frozenset[str]
    stderr: str


def tidy_diff(root: Path) -> TidyDiff:
    r = run_go(["mod", "tidy", "-diff"], cwd=root)
    added: set[str] = set()
    removed: set[str] = set()
    section = ""
    for line in r.stdout.splitlines():
        if line.startswith("--- "):
            section = "gosum" if line.endswith("go.sum") else "gomod"
            continue
        if line.startswith(("+++ ", "@@")):
            continue
        if section == "gosum" and line[:1] in "+-":
            f = line[1:].split()
            if len(f) == 3:
                (added if line[0] == "+" else removed).add(f"{f[0]} {f[1]}")
    gomod_changed = any(ln.startswith("--- current/go.mod") for ln in r.stdout.splitlines())
    return TidyDiff(r.returncode, gomod_changed, frozenset(added), frozenset(removed), r.stderr)


def sources_for(root: Path) -> ModuleSources:
    return ModuleSources([GOMODCACHE / "cache" / "download"], GOMODCACHE, root)


def ours(root: Path) -> tuple[Analysis, frozenset[str], frozenset[str]]:
    a = analyze(root, sources_for(root))
    pres = present_keys(a.gosum)
    missing = frozenset(f"{m.path} {m.version}" for m in a.required - pres)
    extra = frozenset(f"{m.path} {m.version}" for m in pres - a.required)
    return a, missing, extra


def key(m: ModuleVersion) -> str:
    return f"{m.path} {m.version}"
