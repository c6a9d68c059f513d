"""Whole `check` verdicts kept between runs: a run over an unchanged tree answers from the last.

Like `go test` caching a test result, a verdict is reused only when everything it was computed
from is unchanged:

- the key: gomodcheck's own code, the command's options, every GO*/CGO_* variable and the go
  env file, and the gomodcheck.toml in effect;
- the tree: the stat (times, size, inode) of every directory and every .go or module file under
  the module root, of each local replacement and workspace module outside it, and of go.work,
  gomodcheck.toml and .git in the root and each parent (present or absent); a file added,
  removed, edited or replaced changes its own stat or its directory's;
- the module cache: which of the files and directories the run looked for were there. Module
  cache entries never change once written, so their presence is all a verdict depends on.

A verdict is stored only after a complete run (no error), only without the network or proxy
directories, and only when nothing it depends on changed during the run or in the seconds
before it (a change in the same clock tick as a stat would go unseen). A damaged entry only
means the full check runs. Like the scan cache, the entry is trusted: CI jobs that restore the
state directory across a trust boundary should pass --no-cache.
"""

from __future__ import annotations

import array
import contextlib
import json
import os
import sys
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

from gomodcheck import __version__
from gomodcheck.findings import Report, dump_report, load_report

try:  # the built-in BLAKE2 module: hashlib would load OpenSSL first, a cost for every run
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b

_MAGIC = b"gomodcheck-verdict-2\n"
_SKIP_DIRS = frozenset({".git", ".hg", ".svn", ".bzr", ".jj"})  # VCS data: never Go input
_MODULE_FILES = frozenset(
    {"go.mod", "go.sum", "go.work", "go.work.sum", "modules.txt", "gomodcheck.toml"}
)
_ABOVE = ("go.work", "gomodcheck.toml")  # searched for in every parent, stat'ed


def verdict_key(options: Mapping[str, object], environ: Mapping[str, str], config: bytes) -> str:
    """A digest of what a verdict depends on besides the tree and the module cache."""
    h = blake2b(digest_size=32)
    h.update(f"{__version__}\0{sys.version}\0".encode())
    h.update(_code_fingerprint().encode())
    h.update(json.dumps(dict(options), sort_keys=True, default=str).encode())
    env = sorted(
        (k, v)
        for k, v in environ.items()
        if k.startswith(("GO", "CGO_")) or k in ("HOME", "XDG_CONFIG_HOME", "APPDATA")
    )
    h.update(json.dumps(env).encode("utf-8", "surrogatepass"))
    h.update(config)
    return h.hexdigest()


def _code_fingerprint() -> str:
    """gomodcheck's own files (a changed checkout gives other verdicts, version or not)."""
    package = Path(__file__).resolve().parent.parent
    parts = []
    for folder, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                st = os.stat(os.path.join(folder, name))  # noqa: PTH116, PTH118 - hot, strings
                parts.append(f"{folder}/{name}:{st.st_size}:{st.st_mtime_ns}")
    return "\n".join(parts)


class VerdictCache:
    """One verdict per module root, in the state directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _file(self, root: Path) -> Path:
        name = blake2b(str(root).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        return self.directory / f"{name}.verdict"

    def lookup(self, root: Path, key: str) -> Report | None:
        """The stored verdict for root under key, if nothing it depends on has changed."""
        try:
            data = self._file(root).read_bytes()
        except OSError:
            return None
        try:
            meta, stat_paths, exist_paths, stats, flags = _unpack(data)
            if meta.get("key") != key or not _unchanged(stat_paths, stats):
                return None
            if _presence(exist_paths) != flags:
                return None
            dumped = meta["report"]
            if not isinstance(dumped, Mapping):
                return None
            return load_report(dumped)
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            return None

    def store(
        self,
        root: Path,
        key: str,
        report: Report,
        *,
        extra_roots: Iterable[Path],
        extra_files: Iterable[Path],
        probes: Mapping[str, bool],
        started_ns: int,
    ) -> bool:
        """Keep report as root's verdict; False (nothing stored) when that would not be sound:
        a symlinked directory in the tree, or something changed during the run or just
        before it."""
        snap = _Snapshot()
        if not snap.walk([root, *extra_roots]):
            return False
        for path in [*(d / name for d in (root, *root.parents) for name in _ABOVE), *extra_files]:
            snap.add(str(path))
        exist_paths = [str(d / ".git") for d in (root, *root.parents)]
        exist_paths += sorted(probes)
        if any(os.path.exists(p) != probes[p] for p in probes):  # noqa: PTH110 - strings
            return False  # the module cache changed during the run
        from gomodcheck.gosrc.tree import RACY_NS  # noqa: PLC0415 - the store path only

        if snap.newest > started_ns - RACY_NS:  # a change this recent might share a clock tick
            return False
        meta: dict[str, object] = {"key": key, "report": dump_report(report)}
        blob = _pack(meta, snap.paths, exist_paths, snap.stats, _presence(exist_paths))
        with contextlib.suppress(OSError):
            self.directory.mkdir(parents=True, exist_ok=True)
            target = self._file(root)
            tmp = target.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(blob)
            tmp.replace(target)
            return True
        return False


def local_inputs(root: Path, gowork: Path | None) -> tuple[list[Path], list[Path]]:
    """The directories (besides root) and files a check of root may read outside it: local
    replacement directories of root's go.mod and, in workspace mode, the go.work file, its
    go.work.sum, its vendor directory, its use directories and their replacement directories."""
    from gomodcheck.errors import GomodcheckError  # noqa: PLC0415 - the store path only
    from gomodcheck.modfile import parse_gomod  # noqa: PLC0415
    from gomodcheck.modfile.work import parse_gowork  # noqa: PLC0415

    dirs: list[Path] = []
    files: list[Path] = []

    def replacements(module_dir: Path) -> None:
        try:
            gomod = parse_gomod((module_dir / "go.mod").read_bytes(), "go.mod")
        except (OSError, GomodcheckError):
            return
        dirs.extend(
            Path(os.path.normpath(module_dir / r.new.path)) for r in gomod.replace if r.is_directory
        )

    replacements(root)
    if gowork is not None:
        files += [gowork, gowork.with_name("go.work.sum")]
        dirs.append(gowork.parent / "vendor")
        try:
            work = parse_gowork(gowork.read_bytes(), str(gowork))
        except (OSError, GomodcheckError):
            return dirs, files
        for r in work.replace:
            if r.is_directory:
                dirs.append(Path(os.path.normpath(gowork.parent / r.new.path)))
        for use in work.use:
            module_dir = Path(os.path.normpath(gowork.parent / use.path))
            dirs.append(module_dir)
            replacements(module_dir)
    return dirs, files


class _Snapshot:
    """Paths and their stat (mtime, ctime, size, inode; -1s for a missing path), in order."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.stats = array.array("q")
        self.newest = 0  # the latest mtime or ctime seen

    def add(self, path: str, st: os.stat_result | None = None) -> None:
        if st is None:
            try:
                st = os.stat(path)  # noqa: PTH116 - strings, thousands of them
            except OSError:
                self.paths.append(path)
                self.stats.extend((-1, -1, -1, -1))
                return
        self.paths.append(path)
        self.stats.extend((st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino))
        self.newest = max(self.newest, st.st_mtime_ns, st.st_ctime_ns)

    def walk(self, roots: Iterable[Path]) -> bool:
        """Add every directory and every .go or module file under the roots (each root too,
        present or not); False if a directory is a symbolic link (what it points to could
        change unseen)."""
        seen: set[str] = set()
        for top in roots:
            start = str(top)
            if start in seen:
                continue
            seen.add(start)
            self.add(start)
            stack = [start]
            while stack:
                try:
                    entries = os.scandir(stack.pop())
                except OSError:
                    continue
                with entries:
                    for e in entries:
                        try:
                            if e.is_dir(follow_symlinks=False):
                                if e.name not in _SKIP_DIRS:
                                    self.add(e.path, e.stat(follow_symlinks=False))
                                    stack.append(e.path)
                            elif e.is_symlink() and e.is_dir():
                                return False
                            elif e.name.endswith(".go") or e.name in _MODULE_FILES:
                                self.add(e.path, e.stat())
                        except OSError:
                            self.add(e.path)  # gone meanwhile: recorded as missing
        return True


def _presence(paths: list[str]) -> bytes:
    return bytes(os.path.exists(p) for p in paths)  # noqa: PTH110 - strings, thousands


_CHUNK = 1024  # paths stat'ed between comparisons, so a changed tree is noticed early


def _unchanged(stat_paths: list[str], stored: array.array[int]) -> bool:
    """Whether each path's stat is as stored (the hot loop of a reused verdict: written out
    rather than through _Snapshot.add)."""
    if len(stored) != 4 * len(stat_paths):
        return False
    stat = os.stat
    missing = (-1, -1, -1, -1)
    for start in range(0, len(stat_paths), _CHUNK):
        now = array.array("q")
        extend = now.extend
        for p in stat_paths[start : start + _CHUNK]:
            try:
                st = stat(p)
            except OSError:
                extend(missing)
                continue
            extend((st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino))
        if now != stored[4 * start : 4 * start + len(now)]:
            return False
    return True


def _pack(
    meta: Mapping[str, object],
    stat_paths: list[str],
    exist_paths: list[str],
    stats: array.array[int],
    flags: bytes,
) -> bytes:
    parts = [
        json.dumps(meta).encode(),
        "\0".join(stat_paths).encode("utf-8", "surrogateescape"),
        "\0".join(exist_paths).encode("utf-8", "surrogateescape"),
        stats.tobytes(),
        flags,
    ]
    head = b"".join(len(p).to_bytes(8, "big") for p in parts)
    body = head + b"".join(parts)
    return _MAGIC + blake2b(body, digest_size=32).digest() + body


_PARTS = 5


def _unpack(
    data: bytes,
) -> tuple[dict[str, object], list[str], list[str], array.array[int], bytes]:
    head = len(_MAGIC) + 32
    if not data.startswith(_MAGIC) or len(data) < head + 8 * _PARTS:
        raise ValueError("not a verdict")
    if blake2b(data[head:], digest_size=32).digest() != data[len(_MAGIC) : head]:
        raise ValueError("a verdict not as it was written")
    sizes = [int.from_bytes(data[head + 8 * i : head + 8 * i + 8], "big") for i in range(_PARTS)]
    pos = head + 8 * _PARTS
    parts = []
    for size in sizes:
        parts.append(data[pos : pos + size])
        pos += size
    if pos != len(data):
        raise ValueError("truncated verdict")
    meta = json.loads(parts[0])
    if not isinstance(meta, dict):
        raise ValueError("bad verdict")

    def paths(raw: bytes) -> list[str]:
        return raw.decode("utf-8", "surrogateescape").split("\0") if raw else []

    stats = array.array("q")
    stats.frombytes(parts[3])
    return meta, paths(parts[1]), paths(parts[2]), stats, parts[4]


def now_ns() -> int:
    return time.time_ns()
