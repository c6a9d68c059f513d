"""ModCache: where the go command keeps each file of a module version."""

from __future__ import annotations

from pathlib import Path

import pytest

from gomodcheck.goenv import GoEnv
from gomodcheck.modcache import ModCache, module_from_extracted_dir
from gomodcheck.module import ModuleVersion


def test_cache_paths_are_case_encoded_like_the_go_command() -> None:
    mc = ModCache(Path("/c"))
    mv = ModuleVersion("github.com/BurntSushi/toml", "v1.3.2")
    assert mc.zip_path(mv) == Path("/c/cache/download/github.com/!burnt!sushi/toml/@v/v1.3.2.zip")
    assert mc.ziphash_path(mv).name == "v1.3.2.ziphash"
    assert mc.lock_path(mv).name == "v1.3.2.lock"
    assert mc.extracted_dir(mv) == Path("/c/github.com/!burnt!sushi/toml@v1.3.2")


def test_versions_with_upper_case_are_encoded_too() -> None:
    mc = ModCache(Path("/c"))
    mv = ModuleVersion("example.com/m", "v1.0.0-RC1")
    assert mc.info_path(mv).name == "v1.0.0-!r!c1.info"
    assert mc.extracted_dir(mv).name == "m@v1.0.0-!r!c1"


def test_non_canonical_versions_have_no_cache_path() -> None:
    with pytest.raises(ValueError, match="non-canonical"):
        ModCache(Path("/c")).zip_path(ModuleVersion("example.com/m", "v1.0"))


def test_gomodcache_defaults_to_gopath_pkg_mod() -> None:
    env = GoEnv({"HOME": "/home/u", "GOPATH": "/gp:/other"})
    assert ModCache.from_env(env).root == Path("/gp/pkg/mod")
    assert ModCache.from_env(GoEnv({"GOMODCACHE": "/mc"})).root == Path("/mc")


def test_module_of_an_extracted_directory_is_read_from_its_path(tmp_path: Path) -> None:
    d = tmp_path / "github.com" / "!burnt!sushi" / "toml@v1.3.2"
    d.mkdir(parents=True)
    want = ModuleVersion("github.com/BurntSushi/toml", "v1.3.2")
    assert module_from_extracted_dir(d, tmp_path) == want
    assert module_from_extracted_dir(d) == want
    assert module_from_extracted_dir(tmp_path) is None


def test_gopkg_in_directories_keep_their_two_element_path(tmp_path: Path) -> None:
    d = tmp_path / "gopkg.in" / "yaml.v3@v3.0.1"
    d.mkdir(parents=True)
    assert module_from_extracted_dir(d) == ModuleVersion("gopkg.in/yaml.v3", "v3.0.1")


def test_zip_versions_lists_every_cached_zip(tmp_path: Path) -> None:
    mc = ModCache(tmp_path)
    for mv in (
        ModuleVersion("github.com/Up/x", "v1.0.0"),
        ModuleVersion("example.com/y", "v0.1.0"),
    ):
        mc.zip_path(mv).parent.mkdir(parents=True, exist_ok=True)
        mc.zip_path(mv).write_bytes(b"")
    assert sorted(map(str, mc.zip_versions())) == ["example.com/y@v0.1.0", "github.com/Up/x@v1.0.0"]
