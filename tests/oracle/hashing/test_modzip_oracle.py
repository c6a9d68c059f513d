"""Zips we create from a directory or a git tag hash the same as the zip the go command creates.

Each fixture is a local git repository that the go command fetches directly (GOPROXY=direct):
git's url.insteadOf maps the module's https URL to the local repository, so the go command runs
its real code path (git archive, then x/mod's zip rules) with no network.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from gomodcheck import dirhash, modzip
from gomodcheck.module import ModuleVersion

pytestmark = pytest.mark.oracle

COMMON = {
    "f.go": "package fixture\n",
    "LICENSE": "MIT\n",
    "vendor/x/y/z.go": "package y\n",
    "vendor/top.txt": "kept: directly in vendor/\n",
    "pkg/vendor/vendor.go": "package vendor\n",
    "pkg/vendor/deep/d.go": "package deep\n",
    "sub/go.mod": "module example.com/REPO.git/sub\n",
    "sub/s.go": "package sub\n",
    ".hg_archival.txt": "repo: 0\n",
    "docs/Readme.MD": "docs\n",
}

# name -> (go.mod "go" line, extra files, module subdirectory)
FIXTURES: dict[str, tuple[str, dict[str, str], str]] = {
    "go123_vendor_rules": ("1.23", {"vendor/modules.txt": "# kept before go 1.24\n"}, ""),
    "go124_vendor_rules": ("1.24", {"vendor/modules.txt": "# omitted from go 1.24\n"}, ""),
    "no_go_line": ("", {"vendor/modules.txt": "# no go line: old rules\n"}, ""),
    "submodule_gets_root_license": ("1.22", {}, "sub"),
}


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        env={
            **os.environ,
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.com",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.com",
        },
    )


def _make_repo(root: Path, name: str) -> tuple[Path, str, str, str]:
    go_line, extra, subdir = FIXTURES[name]
    repo = root / name
    repo.mkdir()
    module = f"example.com/{name}.git"
    files = {k: v.replace("REPO", name) for k, v in {**COMMON, **extra}.items()}
    files["go.mod"] = f"module {module}\n" + (f"\ngo {go_line}\n" if go_line else "")
    if subdir:
        files[f"{subdir}/go.mod"] = f"module {module}/{subdir}\n\ngo {go_line}\n"
    for rel, text in files.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    (repo / "link.go").symlink_to("f.go")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "fixture")
    tag = f"{subdir}/v1.0.0" if subdir else "v1.0.0"
    _git(repo, "tag", tag)
    return repo, (f"{module}/{subdir}" if subdir else module), tag, subdir


@pytest.fixture(scope="session")
def downloaded(go_bin: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    base = tmp_path_factory.mktemp("gitfixtures")
    home = base / "home"
    home.mkdir()
    config = ['[protocol "file"]\n\tallow = always\n']
    repos = {}
    (base / "repos").mkdir()
    for name in FIXTURES:
        repo, module, tag, subdir = _make_repo(base / "repos", name)
        config.append(f'[url "file://{repo}"]\n\tinsteadOf = https://example.com/{name}\n')
        repos[name] = (repo, module, tag, subdir)
    (home / ".gitconfig").write_text("".join(config))
    env = {
        **os.environ,
        "HOME": str(home),
        "GOPROXY": "direct",
        "GOPRIVATE": "example.com",
        "GOFLAGS": "-mod=mod",
        "GOMODCACHE": str(base / "modcache"),
        "GOTOOLCHAIN": "local",
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GOWORK": "off",
    }
    env.pop("GIT_CONFIG_GLOBAL", None)
    out: dict[str, dict[str, str]] = {}
    for name, (repo, module, tag, subdir) in repos.items():
        version = "v1.0.0"
        proc = subprocess.run(
            [go_bin, "mod", "download", "-json", f"{module}@{version}"],
            cwd=base,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        info = json.loads(proc.stdout or "{}")
        if proc.returncode != 0 or "Error" in info:
            pytest.fail(
                f"go mod download from local git failed for {name}:\n{proc.stdout}\n{proc.stderr}"
            )
        out[name] = {**info, "repo": str(repo), "tag": tag, "subdir": subdir}
    return out


def _hash_of(write: object) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "m.zip"
        with target.open("wb") as f:
            write(f)  # type: ignore[operator]
        return dirhash.hash_zip(target)


@pytest.mark.parametrize("name", list(FIXTURES))
def test_zip_from_git_tag_hashes_like_go_mod_download(
    name: str, downloaded: dict[str, dict[str, str]]
) -> None:
    d = downloaded[name]
    mv = ModuleVersion(d["Path"], d["Version"])
    ours = _hash_of(lambda f: modzip.create_from_git(f, mv, d["repo"], d["tag"], d["subdir"]))
    assert ours == d["Sum"]


@pytest.mark.parametrize("name", [n for n, fx in FIXTURES.items() if not fx[2]])
def test_zip_from_directory_hashes_like_go_mod_download(
    name: str, downloaded: dict[str, dict[str, str]]
) -> None:
    d = downloaded[name]
    mv = ModuleVersion(d["Path"], d["Version"])
    ours = _hash_of(lambda f: modzip.create_from_dir(f, mv, d["repo"]))
    assert ours == d["Sum"]


@pytest.mark.parametrize("name", list(FIXTURES))
def test_our_check_of_go_made_zip_finds_it_valid_and_unzip_matches(
    name: str, downloaded: dict[str, dict[str, str]], tmp_path: Path
) -> None:
    d = downloaded[name]
    mv = ModuleVersion(d["Path"], d["Version"])
    assert modzip.check_zip(mv, d["Zip"]).error() == ""
    modzip.unzip(tmp_path / "x", mv, d["Zip"])
    assert dirhash.hash_dir(tmp_path / "x", f"{mv.path}@{mv.version}") == d["Sum"]
    assert dirhash.hash_dir(d["Dir"], f"{mv.path}@{mv.version}") == d["Sum"]


def test_fixtures_exercise_the_go_124_vendor_rule(downloaded: dict[str, dict[str, str]]) -> None:
    import zipfile  # noqa: PLC0415

    def names(name: str) -> set[str]:
        d = downloaded[name]
        prefix = f"{d['Path']}@{d['Version']}/"
        with zipfile.ZipFile(d["Zip"]) as z:
            return {n.removeprefix(prefix) for n in z.namelist()}

    assert "vendor/modules.txt" in names("go123_vendor_rules")
    assert "vendor/modules.txt" not in names("go124_vendor_rules")
    assert "pkg/vendor/vendor.go" in names("go124_vendor_rules")  # golang.org/issue/37397
    assert "pkg/vendor/vendor.go" not in names("go123_vendor_rules")
    assert "pkg/vendor/deep/d.go" not in names("go124_vendor_rules")
    assert "LICENSE" in names("submodule_gets_root_license")
