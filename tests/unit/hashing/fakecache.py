"""A module cache laid out as the go command lays it out, built from in-memory files (no network)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from gomodcheck import dirhash
from gomodcheck.modcache import ModCache
from gomodcheck.module import ModuleVersion


def add_module(cache: ModCache, path: str, version: str, files: dict[str, str]) -> ModuleVersion:
    """Write zip, .ziphash, .mod, .info and the extracted directory; returns the module version."""
    mv = ModuleVersion(path, version)
    prefix = f"{path}@{version}/"
    zpath = cache.zip_path(mv)
    zpath.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(prefix + name, text)
    cache.ziphash_path(mv).write_text(dirhash.hash_zip(zpath))
    cache.mod_path(mv).write_text(files.get("go.mod", f"module {path}\n"))
    cache.info_path(mv).write_text(f'{{"Version":"{version}"}}')
    root = cache.extracted_dir(mv)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return mv


def gosum_lines(cache: ModCache, mv: ModuleVersion) -> str:
    """The two go.sum lines the go command would write for a cached module."""
    zip_hash = dirhash.hash_zip(cache.zip_path(mv))
    mod_hash = dirhash.hash_gomod(cache.mod_path(mv).read_bytes())
    return f"{mv.path} {mv.version} {zip_hash}\n{mv.path} {mv.version}/go.mod {mod_hash}\n"


def build(tmp: Path) -> tuple[ModCache, Path, dict[str, ModuleVersion]]:
    """A cache with two modules (one with an upper-case path) and a project whose go.sum names
    them plus one module that is not downloaded."""
    cache = ModCache(tmp / "modcache")
    mods = {
        "a": add_module(
            cache,
            "example.com/a",
            "v1.0.0",
            {
                "go.mod": "module example.com/a\n\ngo 1.21\n",
                "a.go": "package a\n",
                "sub/b.go": "package sub\n",
                "LICENSE": "MIT\n",
            },
        ),
        "Up": add_module(
            cache,
            "github.com/Up/Case",
            "v0.2.0",
            {
                "go.mod": "module github.com/Up/Case\n",
                "case.go": "package casepkg\n",
            },
        ),
    }
    project = tmp / "project"
    project.mkdir()
    text = "".join(gosum_lines(cache, mv) for mv in mods.values())
    text += "example.com/absent v1.2.3 h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
    (project / "go.sum").write_text(text)
    (project / "go.mod").write_text("module example.com/project\n\ngo 1.21\n")
    return cache, project, mods
