"""Vendoring consistency against the go command, on real go.mod + vendor/modules.txt pairs
(containerd, moby) and mutations of them: the exact set of "inconsistent vendoring" sub-lines.

`go list -m -mod=vendor` runs the go command's consistency check without needing any source.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from gomodcheck.check.vendoring import check_consistency
from gomodcheck.modfile import parse_gomod
from gomodcheck.vendor import parse_modules_txt
from tests.conftest import ASSETS

pytestmark = pytest.mark.oracle
PROJECTS = ["containerd", "moby"]
MUTATIONS = 12


def _go_lines(root: Path) -> set[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GO")}
    env.update(
        GOFLAGS="-mod=vendor",
        GOPROXY="off",
        GOTOOLCHAIN="local",
        GOWORK="off",
        GOPATH=str(root.parent / "gopath"),
        GOCACHE=str(root.parent / "gocache"),
    )
    r = subprocess.run(
        [shutil.which("go") or "go", "list", "-m"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return {ln.strip() for ln in r.stderr.splitlines() if ln.startswith("\t") and ": is " in ln}


def _our_lines(root: Path) -> set[str]:
    gomod = parse_gomod((root / "go.mod").read_bytes(), "go.mod")
    vendor = parse_modules_txt((root / "vendor" / "modules.txt").read_bytes())
    return {i.go_text for i in check_consistency(gomod, vendor)}


def _mutate(kind: str, rnd: random.Random, gomod: str, txt: str) -> tuple[str, str]:
    lines = txt.splitlines(keepends=True)
    mods = [i for i, ln in enumerate(lines) if ln.startswith("# ") and "=>" not in ln]
    if kind == "drop_explicit":
        cands = [i for i, ln in enumerate(lines) if ln.startswith("## explicit")]
        i = rnd.choice(cands)
        lines[i] = (
            ln_rest if (ln_rest := re.sub(r"^## explicit;? ?", "## ", lines[i])) != "## \n" else ""
        )
    elif kind == "bump_version":
        i = rnd.choice(mods)
        path, version = lines[i].split()[1:3]
        lines[i] = f"# {path} {version}-0.20000101000000-abcdefabcdef\n"
    elif kind == "add_replace":
        path, version = lines[rnd.choice(mods)].split()[1:3]
        gomod += f"\nreplace {path} => {path} {version}\n"
    elif kind == "drop_require":
        reqs = [
            ln
            for ln in gomod.splitlines(keepends=True)
            if re.match(r"^\t\S+ v\S+( // indirect)?$", ln.rstrip("\n"))
        ]
        gomod = gomod.replace(rnd.choice(reqs), "", 1)
    elif kind == "drop_replacement":
        reps = [i for i, ln in enumerate(lines) if ln.startswith("# ") and "=>" in ln]
        if reps:
            i = rnd.choice(reps)
            lines[i] = lines[i].split("=>")[0].rstrip() + "\n"
    return gomod, "".join(lines)


@pytest.mark.parametrize("name", PROJECTS)
def test_inconsistent_vendoring_lines_equal_the_go_commands(name: str, tmp_path: Path) -> None:
    src = ASSETS / "check" / "vendor" / name
    root = tmp_path / name
    shutil.copytree(src, root)
    gomod0 = (root / "go.mod").read_text()
    txt0 = (root / "vendor" / "modules.txt").read_text()
    assert _go_lines(root) == _our_lines(root) == set()
    rnd = random.Random(name)
    kinds = ["drop_explicit", "bump_version", "add_replace", "drop_require", "drop_replacement"]
    compared = flagged = 0
    for n in range(MUTATIONS):
        gomod, txt = _mutate(kinds[n % len(kinds)], rnd, gomod0, txt0)
        (root / "go.mod").write_text(gomod)
        (root / "vendor" / "modules.txt").write_text(txt)
        go = _go_lines(root)
        assert _our_lines(root) == go, f"mutation {n} ({kinds[n % len(kinds)]})"
        compared += 1
        flagged += bool(go)
    # Most mutations must break vendoring, or the comparison proves little.
    assert compared == MUTATIONS
    assert flagged >= MUTATIONS // 2
