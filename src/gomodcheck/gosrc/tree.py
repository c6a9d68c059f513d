"""Read-only views of Go source trees: a directory on disk or a module zip, behind one interface.

The package loader only lists directories and reads files, so the same code scans the main module,
an extracted module in GOMODCACHE, a module zip in cache/download, or vendor/.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, Protocol

if TYPE_CHECKING:
    import zipfile

# A file changed this recently is never cached: a second write within the same timestamp tick
# would leave size, mtime and ctime as they were ("racy" entries, as git calls them).
RACY_NS = 3_000_000_000


def racy_cutoff() -> int:
    """Files with an mtime or ctime after this (nanoseconds) are too recent to cache."""
    return time.time_ns() - RACY_NS


class Entry(NamedTuple):
    """A directory entry; a NamedTuple because a large tree has tens of thousands."""

    name: str
    is_dir: bool
    is_regular: bool
    is_symlink: bool = False


class SourceTree(Protocol):
    """A tree addressed by slash-separated relative paths ("" is the root)."""

    # True when the content can never change (an extracted module in GOMODCACHE, a module zip):
    # what was learned about it may be kept by its index_key alone.
    immutable: bool

    def list_dir(self, rel: str) -> list[Entry] | None:
        """The entries of a directory (symlinks resolved), or None if it is not a directory."""

    def read_file(self, rel: str) -> bytes: ...

    def read_prefix(self, rel: str, size: int) -> tuple[bytes, bool]:
        """At least the first size bytes of a file (all of a shorter one), and whether that is
        the whole file."""

    def exists(self, rel: str) -> bool: ...

    def cache_key(self, rel: str) -> str | None:
        """A key that changes whenever the file's content may have, or None to not cache."""

    def identity(self, rel: str) -> str | None:
        """What stat says of a file in a mutable tree, as text (size, mtime, inode, ctime), or
        None when it was changed too recently to be trusted or cannot be stat'ed; "" for every
        file of an immutable tree."""

    def index_key(self) -> str:
        """Names the whole tree in a cache (the records of a mutable tree are validated)."""


class RacySeen:
    """Whether this process met a file too recent to cache: then a check verdict made now is
    not worth snapshotting either (check.verdict would refuse it)."""

    seen = False


def _identity(st: os.stat_result, racy_after: int) -> str | None:
    if st.st_mtime_ns > racy_after or st.st_ctime_ns > racy_after:
        RacySeen.seen = True
        return None
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}:{st.st_ctime_ns}"


Listing = tuple[list[Entry], dict[str, str | None]]  # entries; .go file name -> identity


def list_directory(path: str, racy_after: int | None) -> Listing | None:
    """The entries of a directory, symlinks resolved (None if it is not one), and when
    racy_after is given the identity of each regular .go file (None for one changed after it).
    """
    try:
        it = os.scandir(path)
    except (NotADirectoryError, FileNotFoundError, PermissionError):
        return None
    out = []
    ids: dict[str, str | None] = {}
    with it:
        for d in it:
            try:
                if d.is_symlink():
                    # imports.ScanDir follows file symlinks; broken links are ignored.
                    try:
                        st = os.stat(d.path)  # noqa: PTH116 - speed, see DirTree
                    except OSError:
                        continue
                    is_reg = stat.S_ISREG(st.st_mode)
                    out.append(Entry(d.name, stat.S_ISDIR(st.st_mode), is_reg, True))
                else:
                    is_reg = d.is_file()
                    out.append(Entry(d.name, d.is_dir(), is_reg))
                    if racy_after is None or not is_reg or not d.name.endswith(".go"):
                        continue
                    st = d.stat()
                if racy_after is not None and is_reg and d.name.endswith(".go"):
                    ids[d.name] = _identity(st, racy_after)
            except OSError:
                continue
    return out, ids


class DirTree:
    """A directory on disk.

    Uses os-level calls on strings rather than pathlib: scanning Kubernetes visits tens of
    thousands of files, and Path objects cost a measurable share of the run.
    """

    def __init__(self, root: Path, *, immutable: bool = False) -> None:
        self.root = root
        # An extracted module in GOMODCACHE never changes (the go command makes it read-only),
        # so its files are cached by path alone, without a stat per file.
        self.immutable = immutable
        # One run sees a fixed tree; every directory is listed once however often it is asked.
        self._listings: dict[str, list[Entry] | None] = {}
        self._names: dict[str, frozenset[str]] = {}
        # Of a mutable tree: directory -> .go file name -> identity, taken while listing.
        self._ids: dict[str, dict[str, str | None]] = {}
        self._racy_after = racy_cutoff()
        self._root = str(root)
        self._index_key = ("modcache:" if immutable else "dir:") + self._root

    def _path(self, rel: str) -> str:
        return f"{self._root}/{rel}" if rel else self._root

    def list_dir(self, rel: str) -> list[Entry] | None:
        if rel in self._listings:
            return self._listings[rel]
        listing = self._scan(rel)
        self._listings[rel] = listing
        return listing

    def _scan(self, rel: str) -> list[Entry] | None:
        listed = list_directory(self._path(rel), None if self.immutable else self._racy_after)
        if listed is None:
            return None
        entries, ids = listed
        if ids:
            self._ids[rel] = ids
        return entries

    def _identity(self, st: os.stat_result) -> str | None:
        return _identity(st, self._racy_after)

    def identity(self, rel: str) -> str | None:
        if self.immutable:
            return ""
        parent, _, name = rel.rpartition("/")
        if parent not in self._listings:
            self.list_dir(parent)
        known = self._ids.get(parent)
        if known is not None and name in known:
            return known[name]
        try:
            return self._identity(os.stat(self._path(rel)))  # noqa: PTH116 - speed, see class doc
        except OSError:
            return None

    def read_file(self, rel: str) -> bytes:
        with open(self._path(rel), "rb") as f:  # noqa: PTH123 - speed, see class doc
            return f.read()

    def read_prefix(self, rel: str, size: int) -> tuple[bytes, bool]:
        # os.read rather than a buffered file: a cold run reads the head of ten thousand files,
        # and open() adds an fstat and an ioctl to each.
        fd = os.open(self._path(rel), os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        try:
            chunks = []
            got = 0
            while got <= size:
                chunk = os.read(fd, size + 1 - got)
                if not chunk:
                    break
                chunks.append(chunk)
                got += len(chunk)
        finally:
            os.close(fd)
        data = b"".join(chunks)
        return data, got <= size

    def exists(self, rel: str) -> bool:
        parent, _, name = rel.rpartition("/")
        names = self._names.get(parent)
        if names is None:
            names = frozenset(e.name for e in self.list_dir(parent) or ())
            self._names[parent] = names
        return name in names

    def cache_key(self, rel: str) -> str | None:
        """The path, and for a mutable tree the file's identity (size, mtime, inode, ctime): any
        write, rename over, chmod or touch changes the ctime at least. None for a file changed in
        the last seconds (see RACY_NS) or one that cannot be stat'ed."""
        path = self._path(rel)
        if self.immutable:
            return path
        ident = self.identity(rel)
        return None if ident is None else f"{path}\0{ident}"

    def index_key(self) -> str:
        return self._index_key


class ZipTree:
    """A module zip (files under "path@version/"); its directory is read on first use, not before,
    so a run that finds everything in the package index never opens the zip."""

    immutable = True

    def __init__(self, zip_path: Path, prefix: str) -> None:
        self.zip_path = zip_path
        self.prefix = prefix
        st = zip_path.stat()
        self.key_prefix = f"zip:{zip_path}\0{st.st_mtime_ns}\0{st.st_size}\0"
        self._zf: zipfile.ZipFile | None = None
        self._dirs: dict[str, dict[str, Entry]] = {}
        self._files: dict[str, str] = {}

    def _open(self) -> zipfile.ZipFile:
        if self._zf is not None:
            return self._zf
        import zipfile  # noqa: PLC0415 - most runs never open a zip

        zf = zipfile.ZipFile(self.zip_path)
        dirs: dict[str, dict[str, Entry]] = {"": {}}
        files: dict[str, str] = {}
        prefix = self.prefix
        for name in zf.namelist():
            if not name.startswith(prefix) or name.endswith("/"):
                continue
            rel = name[len(prefix) :]
            files[rel] = name
            parts = rel.split("/")
            for i in range(len(parts)):
                parent = "/".join(parts[:i])
                children = dirs.setdefault(parent, {})
                is_dir = i < len(parts) - 1
                if parts[i] not in children:
                    children[parts[i]] = Entry(parts[i], is_dir, not is_dir)
                if is_dir:
                    dirs.setdefault("/".join(parts[: i + 1]), {})
        self._zf, self._dirs, self._files = zf, dirs, files
        return zf

    @property
    def zf(self) -> zipfile.ZipFile:
        return self._open()

    @property
    def dirs(self) -> dict[str, dict[str, Entry]]:
        self._open()
        return self._dirs

    @property
    def files(self) -> dict[str, str]:
        self._open()
        return self._files

    def list_dir(self, rel: str) -> list[Entry] | None:
        children = self.dirs.get(rel)
        return None if children is None else list(children.values())

    def read_file(self, rel: str) -> bytes:
        return self.zf.read(self.files[rel])

    def read_prefix(self, rel: str, size: int) -> tuple[bytes, bool]:
        with self.zf.open(self.files[rel]) as f:
            data = f.read(size)
            if len(data) < size:
                return data, True
            return data, f.read(1) == b""

    def exists(self, rel: str) -> bool:
        return rel in self.files or rel in self.dirs

    def cache_key(self, rel: str) -> str | None:
        return self.key_prefix + rel

    def identity(self, rel: str) -> str | None:
        del rel
        return ""

    def index_key(self) -> str:
        return self.key_prefix.rstrip("\0")
