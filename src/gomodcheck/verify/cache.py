"""`verify --cache`: the module cache's copies of go.sum's modules, re-hashed and compared.

For each module version a go.sum names, as `go mod verify` does: the zip's hash and the extracted
directory's hash must equal the .ziphash the go command wrote when it downloaded and verified the
zip. Beyond `go mod verify`: the cached content must also match go.sum itself (the .ziphash and
the .mod file), and a modified directory is compared file by file with the zip, so the report says
which files were added, removed or changed. Modules not in the cache are counted, not reported.

Unchanged files are not re-hashed on a second run (digestcache); modules are checked in parallel.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

from gomodcheck import dirhash
from gomodcheck.digestcache import DigestCache, DigestView, Entry, Identity, reader_view
from gomodcheck.errors import InputError
from gomodcheck.findings import Finding, Location, Report, Rule, Severity
from gomodcheck.gosum import GoSum, parse_gosum
from gomodcheck.modcache import ModCache
from gomodcheck.module import ModuleVersion

MAX_GOMOD_BYTES = 16 << 20


class Change(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True)
class FileChange:
    """A file of the extracted directory that differs from the zip; name is relative."""

    name: str
    change: Change


@dataclass(frozen=True)
class GoSumRef:
    """Where go.sum names a module version (its first line) and every hash it records."""

    file: str
    line: int
    column: int
    expected: tuple[str, ...]

    @property
    def location(self) -> Location:
        return Location(self.file, self.line, self.column)

    @property
    def h1(self) -> tuple[str, ...]:
        return tuple(h for h in self.expected if h.startswith("h1:"))


@dataclass(frozen=True)
class ModuleCheck:
    """What the cache holds for one module version and how it compares."""

    module: ModuleVersion
    ref: GoSumRef  # go.sum's line for the zip hash
    ziphash: str | None = None
    zip_hash: str | None = None  # None: no zip in the cache
    dir_hash: str | None = None  # None: no extracted directory
    partial: bool = False  # a .partial file: extraction was interrupted
    dir_changes: tuple[FileChange, ...] = ()
    errors: tuple[str, ...] = ()

    @property
    def in_cache(self) -> bool:
        return self.zip_hash is not None or self.dir_hash is not None or bool(self.errors)

    @property
    def reference(self) -> str | None:
        """The hash the cache's content should have: .ziphash, else the zip's own hash."""
        return self.ziphash or self.zip_hash

    @property
    def zip_modified(self) -> bool:
        return None not in (self.ziphash, self.zip_hash) and self.zip_hash != self.ziphash

    @property
    def dir_modified(self) -> bool:
        ref = self.reference
        return ref is not None and self.dir_hash is not None and self.dir_hash != ref

    @property
    def gosum_mismatch(self) -> bool:
        """The cache's content (its .ziphash, else its zip) is not what go.sum records."""
        ref = self.reference
        return bool(self.ref.h1) and ref is not None and ref not in self.ref.h1


@dataclass(frozen=True)
class GoModCheck:
    """A cached .mod file against go.sum's `/go.mod` line."""

    module: ModuleVersion
    ref: GoSumRef  # go.sum's "/go.mod" line
    actual: str | None  # None: no .mod file in the cache
    error: str = ""

    @property
    def mismatch(self) -> bool:
        return bool(self.ref.h1) and self.actual is not None and self.actual not in self.ref.h1


@dataclass(frozen=True)
class CacheResult:
    modules: tuple[ModuleCheck, ...]
    gomods: tuple[GoModCheck, ...]
    files_hashed: int = 0
    files_reused: int = 0


# --- checking ---------------------------------------------------------------------------------


class _Hasher:
    """Hashes files through a digest view; counts what it hashed and what it reused."""

    def __init__(self, view: DigestView) -> None:
        self.view = view
        self.hashed = 0
        self.reused = 0

    def file(self, fs_path: str) -> str:
        st = os.lstat(fs_path)
        # A symbolic link's own identity says nothing about its target: always read it.
        cacheable = stat.S_ISREG(st.st_mode)
        ident = Identity.of(st)
        if cacheable:
            known = self.view.get(fs_path, ident)
            if known is not None:
                self.reused += 1
                return known
        digest = dirhash.hash_file(fs_path)
        self.hashed += 1
        if cacheable:
            self.view.put(fs_path, ident, digest)
        return digest

    def zip(self, zip_path: str) -> str:
        ident = Identity.of(Path(zip_path).stat())
        known = self.view.get(zip_path, ident)
        if known is not None:
            self.reused += 1
            return known
        h = dirhash.hash_zip(zip_path)
        self.hashed += 1
        self.view.put(zip_path, ident, h)
        return h

    def dir(self, root: Path, prefix: str) -> list[dirhash.FileDigest]:
        files = dirhash.dir_files(root, prefix)
        return [dirhash.FileDigest(name, self.file(fs)) for name, fs in files]


def diff_dir_against_zip(
    dir_digests: Sequence[dirhash.FileDigest],
    zip_digests: Sequence[dirhash.FileDigest],
    prefix: str,
) -> tuple[FileChange, ...]:
    """Files added to, removed from or changed in the directory, relative to the zip."""
    cut = len(prefix) + 1
    in_dir = {d.name[cut:]: d.sha256 for d in dir_digests}
    in_zip = {
        d.name[cut:]: d.sha256
        for d in zip_digests
        if d.name.startswith(prefix + "/") and not d.name.endswith("/")
    }
    changes = [FileChange(n, Change.ADDED) for n in in_dir if n not in in_zip]
    changes += [FileChange(n, Change.REMOVED) for n in in_zip if n not in in_dir]
    changes += [
        FileChange(n, Change.CHANGED) for n in in_dir if n in in_zip and in_zip[n] != in_dir[n]
    ]
    return tuple(sorted(changes, key=lambda c: (c.name, c.change.value)))


def check_module(cache: ModCache, hasher: _Hasher, mv: ModuleVersion, ref: GoSumRef) -> ModuleCheck:
    base = ModuleCheck(mv, ref)
    try:
        zip_path = cache.zip_path(mv)
        root = cache.extracted_dir(mv)
        partial = cache.partial_path(mv).exists()
    except ValueError as exc:
        return replace(base, errors=(str(exc),))
    ziphash = cache.read_ziphash(mv)
    prefix = f"{mv.path}@{mv.version}"
    errors: list[str] = []
    zip_hash = dir_hash = None
    dir_digests: list[dirhash.FileDigest] = []
    if zip_path.exists():
        try:
            zip_hash = hasher.zip(str(zip_path))
        except (InputError, OSError) as exc:
            errors.append(f"zip {zip_path}: {exc}")
    if root.is_dir():
        try:
            dir_digests = hasher.dir(root, prefix)
            dir_hash = dirhash.summary(dir_digests)
        except (InputError, OSError) as exc:
            errors.append(f"directory {root}: {exc}")
    elif root.exists() or root.is_symlink():
        errors.append(f"{root}: not a directory")
    result = ModuleCheck(mv, ref, ziphash, zip_hash, dir_hash, partial, (), tuple(errors))
    if result.dir_modified and zip_hash is not None:
        try:
            changes = diff_dir_against_zip(dir_digests, dirhash.zip_digests(zip_path), prefix)
        except InputError as exc:
            return replace(result, errors=(*result.errors, str(exc)))
        result = replace(result, dir_changes=changes)
    return result


def check_gomod(cache: ModCache, mv: ModuleVersion, ref: GoSumRef) -> GoModCheck:
    try:
        path = cache.mod_path(mv)
        with path.open("rb") as handle:
            data = handle.read(MAX_GOMOD_BYTES + 1)
    except FileNotFoundError:
        return GoModCheck(mv, ref, None)
    except (OSError, ValueError) as exc:
        return GoModCheck(mv, ref, None, str(exc))
    if len(data) > MAX_GOMOD_BYTES:
        return GoModCheck(mv, ref, None, f"{path}: larger than {MAX_GOMOD_BYTES} bytes")
    return GoModCheck(mv, ref, dirhash.hash_gomod(data))


@dataclass(frozen=True)
class _Task:
    root: Path
    module: ModuleVersion
    ref: GoSumRef
    db_path: Path | None


@dataclass(frozen=True)
class _Done:
    check: ModuleCheck
    new: list[Entry]
    hashed: int
    reused: int


def _run_task(task: _Task) -> _Done:
    """One module, in a worker process; the worker reads the digest database itself."""
    cache = ModCache(task.root)
    hasher = _Hasher(reader_view(task.db_path, _cache_prefixes(cache, task.module)))
    check = check_module(cache, hasher, task.module, task.ref)
    return _Done(check, hasher.view.new, hasher.hashed, hasher.reused)


def _cache_prefixes(cache: ModCache, mv: ModuleVersion) -> list[str]:
    try:
        return [str(cache.extracted_dir(mv)), str(cache.zip_path(mv))]
    except ValueError:
        return []


def verify_cache(
    gosums: Sequence[GoSum],
    cache: ModCache,
    digests: DigestCache,
    *,
    jobs: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> CacheResult:
    """Check every module version the go.sum files name against the module cache.

    Modules are checked in jobs worker processes (0: one per CPU): hashing many small files is
    Python-bound, so threads would queue on the GIL. jobs=1 checks in this process.
    """
    zips: dict[ModuleVersion, GoSumRef] = {}
    mods: dict[ModuleVersion, GoSumRef] = {}
    for gosum in gosums:
        for ln in gosum.lines:
            target = mods if ln.is_gomod else zips
            mv = ModuleVersion(ln.path, ln.version)
            if mv not in target:
                target[mv] = GoSumRef(
                    gosum.filename,
                    ln.line,
                    ln.column,
                    gosum.hashes(ln.path, ln.version, ln.is_gomod),
                )
    tasks = [_Task(cache.root, mv, ref, digests.db_path) for mv, ref in zips.items()]
    # Starting processes costs more than checking a handful of modules.
    workers = jobs or (min(8, os.cpu_count() or 1) if len(tasks) >= 16 else 1)
    if workers == 1 or len(tasks) < 2:
        results_iter: Iterable[_Done] = map(_run_task, tasks)
        pool = None
    else:
        pool = ProcessPoolExecutor(max_workers=workers)
        results_iter = pool.map(_run_task, tasks, chunksize=4)
    checks: list[ModuleCheck] = []
    pending: list[Entry] = []
    hashed = reused = 0
    try:
        for done in results_iter:
            checks.append(done.check)
            hashed, reused = hashed + done.hashed, reused + done.reused
            pending.extend(done.new)
            if len(pending) >= 20_000:  # write as we go: memory stays flat on large caches
                digests.store(pending)
                pending = []
            if progress:
                progress(len(checks), len(tasks))
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    digests.store(pending)
    gomods = tuple(check_gomod(cache, mv, ref) for mv, ref in mods.items())
    return CacheResult(tuple(checks), gomods, hashed, reused)


def read_gosums(directory: Path) -> list[GoSum]:
    """go.sum and go.work.sum in directory (at least one), refusing what the go command refuses."""
    found = []
    for name in ("go.sum", "go.work.sum"):
        path = directory / name
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            continue
        except IsADirectoryError:
            raise InputError(f"{path}: is a directory") from None
        except OSError as exc:
            raise InputError(f"{path}: cannot read: {exc.strerror}") from None
        gosum = parse_gosum(data, str(path))
        gosum.raise_if_malformed()
        found.append(gosum)
    if not found:
        raise InputError(f"{directory}: no go.sum or go.work.sum to verify")
    return found


# --- findings ---------------------------------------------------------------------------------

RULES: dict[str, Rule] = {
    r.id: r
    for r in (
        Rule(
            "CACHE001",
            "cache-zip-modified",
            "module zip in the cache has been modified",
            "The zip's h1: hash differs from the .ziphash the go command wrote when it "
            "downloaded and verified the zip (`go mod verify`: zip has been modified).",
            help_text="Remove the module from the cache (`go clean -modcache`, or delete its "
            "files) and download it again; find out what wrote to the module cache.",
            security_severity=7.5,
            tags=("security", "supply-chain"),
        ),
        Rule(
            "CACHE002",
            "cache-dir-modified",
            "extracted module directory has been modified",
            "The extracted directory's h1: hash differs from the .ziphash (`go mod verify`: "
            "dir has been modified). The finding lists each file added, removed or changed "
            "against the zip.",
            help_text="Delete the module's directory in the module cache and run `go mod "
            "download`; builds must not write into GOMODCACHE (read-only unless -modcacherw).",
            security_severity=7.5,
            tags=("security", "supply-chain"),
        ),
        Rule(
            "CACHE003",
            "cache-gosum-mismatch",
            "cached module does not match go.sum",
            "The module cache holds content whose hash is not the one go.sum records: the go "
            "command stops with 'checksum mismatch' (SECURITY ERROR) when it meets it.",
            help_text="Do not edit go.sum to match the cache. Check the hash against the checksum "
            "database (`gomodcheck verify --sumdb`), then clear the cached copy that is wrong.",
            security_severity=8.0,
            tags=("security", "supply-chain"),
        ),
        Rule(
            "CACHE004",
            "cache-gomod-mismatch",
            "cached go.mod does not match go.sum",
            "The .mod file in cache/download hashes differently from go.sum's '/go.mod' line.",
            help_text="Check go.sum against the checksum database, then delete the cached .mod "
            "file.",
            security_severity=8.0,
            tags=("security", "supply-chain"),
        ),
        Rule(
            "CACHE005",
            "cache-missing-ziphash",
            "module in the cache has no .ziphash",
            "The zip or directory is present but the .ziphash is missing, so the cache cannot say "
            "what content it verified (`go mod verify`: missing ziphash).",
            help_text="Delete the module from the cache and download it again.",
            default_severity=Severity.ERROR,
        ),
        Rule(
            "CACHE006",
            "cache-partial-extraction",
            "module extraction was interrupted",
            "A .partial file marks an extraction that did not finish; the go command re-extracts.",
            help_text="Run `go mod download` to finish the extraction.",
            default_severity=Severity.WARNING,
        ),
        Rule(
            "CACHE007",
            "cache-unreadable",
            "cached module could not be read",
            "A cached zip, directory or .mod file could not be read or is not a valid zip.",
            help_text="Delete the module from the cache and download it again.",
        ),
    )
}


def to_report(result: CacheResult, report: Report, *, max_files: int = 50) -> Report:
    """One finding per problem, located at the go.sum line that names the module."""

    def add(
        rule_id: str, message: str, where: Location, mv: ModuleVersion, evidence: Sequence[str] = ()
    ) -> None:
        rule = RULES[rule_id]
        report.add(
            Finding(
                rule_id,
                rule.default_severity,
                message,
                where,
                evidence=tuple(evidence),
                fix=rule.help_text,
                properties={"module": mv.path, "version": mv.version},
            ),
            rule,
        )

    for c in result.modules:
        where = c.ref.location
        subject = f"{c.module.path}@{c.module.version}"
        for err in c.errors:
            add("CACHE007", f"{subject}: {err}", where, c.module)
        if not c.in_cache:
            continue
        if c.ziphash is None and (c.zip_hash is not None or c.dir_hash is not None):
            add("CACHE005", f"{subject}: missing ziphash", where, c.module)
        if c.partial:
            add(
                "CACHE006",
                f"{subject}: extraction was interrupted (.partial present)",
                where,
                c.module,
            )
        if c.zip_modified:
            add(
                "CACHE001",
                f"{subject}: zip has been modified",
                where,
                c.module,
                [f".ziphash: {c.ziphash}", f"zip:      {c.zip_hash}"],
            )
        if c.dir_modified:
            lines = [f"{fc.change.value}: {fc.name}" for fc in c.dir_changes[:max_files]]
            if len(c.dir_changes) > max_files:
                lines.append(f"... and {len(c.dir_changes) - max_files} more")
            if not c.dir_changes and c.zip_hash is None:
                lines.append("no zip in the cache to compare file by file")
            elif c.zip_modified:
                lines.append("the zip was modified too: files above are compared with it")
            summary = _change_summary(c.dir_changes)
            add(
                "CACHE002",
                f"{subject}: dir has been modified{summary}",
                where,
                c.module,
                [f"expected: {c.reference}", f"dir:      {c.dir_hash}", *lines],
            )
        if c.gosum_mismatch:
            add(
                "CACHE003",
                f"{subject}: module cache content does not match go.sum",
                where,
                c.module,
                [f"go.sum: {h}" for h in c.ref.expected] + [f"cache:  {c.reference}"],
            )
    for g in result.gomods:
        where = g.ref.location
        subject = f"{g.module.path}@{g.module.version}/go.mod"
        if g.error:
            add("CACHE007", f"{subject}: {g.error}", where, g.module)
        elif g.mismatch:
            add(
                "CACHE004",
                f"{subject}: cached go.mod does not match go.sum",
                where,
                g.module,
                [f"go.sum: {h}" for h in g.ref.expected] + [f"cache:  {g.actual}"],
            )
    report.summary.update(summarize(result))
    return report


def _change_summary(changes: Sequence[FileChange]) -> str:
    counts = {k: sum(1 for c in changes if c.change is k) for k in Change}
    parts = [f"{n} {k.value}" for k, n in counts.items() if n]
    return f" ({', '.join(parts)})" if parts else ""


def summarize(result: CacheResult) -> dict[str, int | str]:
    present = [c for c in result.modules if c.in_cache]
    return {
        "modules in go.sum": len(result.modules),
        "modules in cache": len(present),
        "modules verified": sum(
            1
            for c in present
            if not (
                c.errors
                or c.zip_modified
                or c.dir_modified
                or c.gosum_mismatch
                or c.ziphash is None
            )
        ),
        "go.mod files checked": sum(1 for g in result.gomods if g.actual is not None),
        "files hashed": result.files_hashed,
        "files reused from the hash cache": result.files_reused,
    }


__all__ = [
    "RULES",
    "CacheResult",
    "Change",
    "FileChange",
    "GoModCheck",
    "GoSumRef",
    "ModuleCheck",
    "check_gomod",
    "check_module",
    "diff_dir_against_zip",
    "read_gosums",
    "summarize",
    "to_report",
    "verify_cache",
]
