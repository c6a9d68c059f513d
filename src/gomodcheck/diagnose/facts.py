"""Offline facts about the checked-out repository, its CI files and the local module cache.

Reads files only; never runs Go and never touches the network. Every reader tolerates damage
(a go.sum with conflict markers is exactly what we may be diagnosing).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from gomodcheck.diagnose.context import RepoFacts, SumRecord
from gomodcheck.diagnose.settings import Setting, settings_in

MAX_FILE = 8 << 20
_CI_GLOBS = (
    ".github/workflows/*.yml",
    ".github/workflows/*.yaml",
    ".gitlab-ci.yml",
    "Jenkinsfile",
    "Dockerfile",
    "Dockerfile.*",
    "*.Dockerfile",
    ".circleci/config.yml",
    "azure-pipelines.yml",
    "Makefile",
    ".envrc",
    ".goreleaser.yml",
    ".goreleaser.yaml",
)
_CONFLICT = ("<<<<<<<", "=======", ">>>>>>>")


def _read(path: Path) -> str | None:
    try:
        if path.stat().st_size > MAX_FILE:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _gosum_entries(text: str) -> tuple[dict[tuple[str, str], tuple[str, ...]], tuple[int, ...]]:
    entries: dict[tuple[str, str], tuple[str, ...]] = {}
    conflicts: list[int] = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith(_CONFLICT):
            conflicts.append(number)
            continue
        fields = line.split()
        if len(fields) == 3:
            key = (fields[0], fields[1])
            entries[key] = (*entries.get(key, ()), fields[2])
    return entries, tuple(conflicts)


def _go_directive(text: str) -> str:
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] == "go":
            return parts[1]
    return ""


def _replace_dirs(text: str) -> list[str]:
    dirs: list[str] = []
    for line in text.splitlines():
        _, arrow, target = line.partition("=>")
        target = target.strip().split(" ")[0] if arrow else ""
        if target.startswith(("./", "../", "/")):
            dirs.append(target)
    return dirs


def ci_settings(root: Path) -> tuple[Setting, ...]:
    """Settings in the repository's CI, Docker and make files, with file and line."""
    found: list[Setting] = []
    for pattern in _CI_GLOBS:
        for path in sorted(root.glob(pattern)):
            text = _read(path)
            if text is None:
                continue
            rel = str(path.relative_to(root))
            for number, line in enumerate(text.splitlines(), 1):
                found.extend(s for s in settings_in(line, rel, number) if s.name != "docker")
    return tuple(found)


def repo_facts(root: Path) -> RepoFacts | None:
    """What the checkout at root holds; None when it is no Go module."""
    gomod = _read(root / "go.mod")
    if gomod is None and not (root / "go.work").is_file():
        return None
    gosum_text = _read(root / "go.sum")
    entries, conflicts = _gosum_entries(gosum_text or "")
    missing = tuple(d for d in _replace_dirs(gomod or "") if not (root / d).exists())
    return RepoFacts(
        root=str(root),
        go_directive=_go_directive(gomod or ""),
        has_gomod=gomod is not None,
        has_vendor=(root / "vendor" / "modules.txt").is_file(),
        has_gowork=(root / "go.work").is_file(),
        gosum=entries,
        gosum_present=gosum_text is not None,
        gosum_conflict_lines=conflicts,
        ci_settings=ci_settings(root),
        missing_replace_dirs=missing,
    )


def _escape(path: str) -> str:
    try:
        from gomodcheck.module import escape_path  # noqa: PLC0415
    except ImportError:  # pragma: no cover - the module package is part of the tool
        return "".join("!" + c.lower() if c.isupper() else c for c in path)
    try:
        return escape_path(path)
    except ValueError:
        return path


def parse_lookup(text: str) -> tuple[str, str] | None:
    """(zip hash, go.mod hash) from a checksum-database lookup response (record and note)."""
    zip_hash = gomod_hash = ""
    for line in text.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[2].startswith("h1:"):
            if fields[1].endswith("/go.mod"):
                gomod_hash = fields[2]
            else:
                zip_hash = fields[2]
    return (zip_hash, gomod_hash) if zip_hash or gomod_hash else None


def cached_lookups(
    gomodcache: Path, modvers: Iterable[tuple[str, str]], db: str = "sum.golang.org"
) -> Mapping[str, SumRecord]:
    """Checksum-database answers the go command cached (it verified them before caching)."""
    out: dict[str, SumRecord] = {}
    base = gomodcache / "cache" / "download" / "sumdb" / db / "lookup"
    for module, version in modvers:
        if not module or not version:
            continue
        text = _read(base / f"{_escape(module)}@{version}")
        parsed = parse_lookup(text) if text else None
        if parsed:
            out[f"{module}@{version}"] = SumRecord(
                parsed[0], parsed[1], f"{db} lookup cached in the module cache"
            )
    return out


def cache_checks(gomodcache: Path, modvers: Iterable[tuple[str, str]]) -> Mapping[str, str]:
    """For modules `go mod verify` complained about: what the local module cache shows now.

    Uses the tool's module-cache layout and dirhash (as `go mod verify` does): the extracted
    directory is hashed and compared with the recorded .ziphash. Missing pieces give no entry.
    """
    try:
        from gomodcheck.dirhash import hash_dir  # noqa: PLC0415
        from gomodcheck.modcache import ModCache  # noqa: PLC0415
        from gomodcheck.module import ModuleVersion  # noqa: PLC0415
    except ImportError:  # pragma: no cover - degrade to no confirmation
        return {}
    cache = ModCache(gomodcache)
    out: dict[str, str] = {}
    for module, version in modvers:
        if not module or not version:
            continue
        try:
            mv = ModuleVersion(module, version)
            recorded = cache.read_ziphash(mv)
            directory = cache.extracted_dir(mv)
        except (ValueError, OSError):
            continue
        key = f"{module}@{version}"
        if recorded is None:
            out[key] = f"{cache.ziphash_path(mv)} is missing in {gomodcache}"
        elif directory.is_dir():
            try:
                now = hash_dir(directory, key)
            except OSError:
                continue
            state = "still differs from" if now != recorded else "now matches"
            out[key] = f"{directory} hashes to {now}, which {state} the recorded {recorded}"
    return out
