"""Deterministic mutations of a real project, each the kind of mistake CI meets.

A mutation only rewrites go.mod, go.sum or adds one .go file, so a project is restored by writing
those back. Every mutation is compared with the go command on the same tree and module cache.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from gomodcheck.module import escape_path

EXTRA_FILE = "zz_gomodcheck_mutation.go"


@dataclass
class Mutation:
    name: str
    gomod: bytes | None = None  # new content, or None to keep
    gosum: bytes | None = None
    extra_go: str | None = None  # content of an added file in the module root package
    # What the comparison may check: "sets" = exact missing/extraneous go.sum lines too.
    compare_sets: bool = True
    notes: list[str] = field(default_factory=list)


def _package_name(root: Path) -> str | None:
    for f in sorted(root.glob("*.go")):
        if f.name.endswith("_test.go"):
            continue
        m = re.search(rb"^package\s+(\w+)", f.read_bytes(), re.MULTILINE)
        if m:
            return m.group(1).decode()
    return None


def _importable_packages(cache: Path, path: str, version: str) -> list[str]:
    d = cache / f"{escape_path(path)}@{version}"
    out = []
    if not d.is_dir():
        return out
    for sub in sorted(d.rglob("*.go")):
        rel = sub.parent.relative_to(d).as_posix()
        parts = rel.split("/") if rel != "." else []
        if any(p in ("internal", "testdata", "vendor") or p.startswith((".", "_")) for p in parts):
            continue
        if sub.name.endswith("_test.go"):
            continue
        pkg = path if not parts else f"{path}/{rel}"
        if pkg not in out:
            out.append(pkg)
    return out


def generate(root: Path, cache: Path, seed: int, count: int) -> Iterator[Mutation]:
    rnd = random.Random(seed)
    gomod = (root / "go.mod").read_text()
    gosum_path = root / "go.sum"
    gosum_lines = gosum_path.read_text().splitlines(keepends=True) if gosum_path.exists() else []
    req_lines = [
        (i, ln)
        for i, ln in enumerate(gomod.splitlines(keepends=True))
        if re.match(r"^\s*(require\s+)?[\w.\-/~]+\s+v\S+(\s*//.*)?$", ln)
        and "=>" not in ln
        and not ln.lstrip().startswith(("module", "go ", "toolchain", "exclude", "retract"))
    ]
    kinds = [
        "del_sum",
        "del_sum",
        "del_sum",
        "stale_sum",
        "del_gomod_sum",
        "drop_indirect",
        "add_indirect",
        "del_require",
        "add_import",
        "add_import",
        "corrupt_sum",
        "local_replace",
        "dup_sum",
        "del_two_sums",
        "bump_require",
    ]
    produced = 0
    attempt = 0
    while produced < count and attempt < count * 6:
        kind = kinds[attempt % len(kinds)]
        attempt += 1
        m = _one(kind, rnd, root, cache, gomod, gosum_lines, req_lines)
        if m is not None:
            m.name = f"{kind}#{attempt}: {m.name}"
            produced += 1
            yield m


def _lines(lines: list[str]) -> bytes:
    return "".join(lines).encode()


def _one(
    kind: str,
    rnd: random.Random,
    root: Path,
    cache: Path,
    gomod: str,
    gosum: list[str],
    reqs: list[tuple[int, str]],
) -> Mutation | None:
    gomod_lines = gomod.splitlines(keepends=True)
    if kind in ("del_sum", "del_gomod_sum") and gosum:
        cands = [
            i
            for i, ln in enumerate(gosum)
            if ln.split()[1:2] and ln.split()[1].endswith("/go.mod") == (kind == "del_gomod_sum")
        ]
        if not cands:
            return None
        i = rnd.choice(cands)
        return Mutation(
            f"delete go.sum line {gosum[i].split()[:2]}", gosum=_lines(gosum[:i] + gosum[i + 1 :])
        )
    if kind == "del_two_sums" and len(gosum) > 2:
        a, b = sorted(rnd.sample(range(len(gosum)), 2))
        rest = [ln for j, ln in enumerate(gosum) if j not in (a, b)]
        return Mutation(f"delete go.sum lines {a + 1},{b + 1}", gosum=_lines(rest))
    if kind == "stale_sum" and gosum:
        i = rnd.randrange(len(gosum))
        f = gosum[i].split()
        # Sorts right after the line it is made from (go.sum order: path, then version).
        stale = f"{f[0]} v99.0.0 h1:{'A' * 43}=\n"
        j = i + 1
        while j < len(gosum) and gosum[j].split()[:1] == [f[0]]:
            j += 1
        return Mutation(f"add stale line for {f[0]}", gosum=_lines([*gosum[:j], stale, *gosum[j:]]))
    if kind == "dup_sum" and gosum:
        i = rnd.randrange(len(gosum))
        return Mutation(
            "duplicate a go.sum line", gosum=_lines([*gosum[: i + 1], gosum[i], *gosum[i + 1 :]])
        )
    if kind == "corrupt_sum" and gosum:
        i = rnd.randrange(len(gosum))
        bad = " ".join(gosum[i].split()[:2]) + "\n"
        return Mutation(
            f"drop the hash of go.sum line {i + 1}",
            gosum=_lines([*gosum[:i], bad, *gosum[i + 1 :]]),
            compare_sets=False,
        )
    if kind == "drop_indirect":
        cands = [(i, ln) for i, ln in reqs if "// indirect" in ln]
        if not cands:
            return None
        i, ln = rnd.choice(cands)
        new = gomod_lines[:]
        new[i] = ln.replace(" // indirect", "")
        return Mutation(f"drop // indirect: {ln.strip()}", gomod="".join(new).encode())
    if kind == "add_indirect":
        cands = [(i, ln) for i, ln in reqs if "//" not in ln]
        if not cands:
            return None
        i, ln = rnd.choice(cands)
        new = gomod_lines[:]
        new[i] = ln.rstrip("\n") + " // indirect\n"
        return Mutation(f"add // indirect: {ln.strip()}", gomod="".join(new).encode())
    if kind == "del_require" and reqs:
        i, ln = rnd.choice(reqs)
        if ln.lstrip().startswith("require"):
            return None
        new = gomod_lines[:i] + gomod_lines[i + 1 :]
        return Mutation(f"delete requirement {ln.strip()}", gomod="".join(new).encode())
    if kind == "bump_require" and reqs:
        i, ln = rnd.choice(reqs)
        f = ln.split()
        if f[0] == "require":
            f = f[1:]
        path, version = f[0], f[1]
        # Other versions go.sum already names: deterministic, and usually in the module cache.
        others = sorted(
            {ln.split()[1].removesuffix("/go.mod") for ln in gosum if ln.split()[:1] == [path]}
            - {version}
        )
        if not others:
            return None
        other = rnd.choice(others)
        new = gomod_lines[:]
        new[i] = ln.replace(f" {version}", f" {other}", 1)
        return Mutation(f"change {path} {version} -> {other}", gomod="".join(new).encode())
    if kind == "add_import":
        name = _package_name(root)
        if name is None or not reqs:
            return None
        for _ in range(6):
            _, ln = rnd.choice(reqs)
            f = ln.split()
            if f[0] == "require":
                f = f[1:]
            pkgs = _importable_packages(cache, f[0], f[1])
            if pkgs:
                pkg = rnd.choice(pkgs)
                src = f'package {name}\n\nimport _ "{pkg}"\n'
                return Mutation(f"import {pkg}", extra_go=src)
        return None
    if kind == "local_replace" and reqs:
        _, ln = rnd.choice(reqs)
        f = ln.split()
        if f[0] == "require":
            f = f[1:]
        new = gomod + f"\nreplace {f[0]} => ./gomodcheck-missing-dir\n"
        return Mutation(
            f"replace {f[0]} with a missing directory", gomod=new.encode(), compare_sets=False
        )
    return None
