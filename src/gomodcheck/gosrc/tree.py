"""Read-only views of Go source trees: a directory on disk or a module zip, behind one interface.

The package loader only lists directories and reads files, so the same code scans the main module,
an extracted module in GOMODCACHE, a module zip in cache/download, or vendor/.
"""

from __future__ import annotations

import os
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True)
class Entry:
    name: str
    is_dir: bool
    is_regular: bool
    is_symlink: bool = False


class SourceTree(Protocol):
    """A tree addressed by slash-separated relative paths ("" is the root)."""

    def list_dir(self, rel: str) -> list[Entry] | None:
        """The entries of a directory (symlinks resolved), or None if it is not a directory."""

    def read_file(self, rel: str) -> bytes: ...

    def exists(self, rel: str) -> bool: ...

    def cache_key(self, rel: str) -> str | None:
        """A key that changes whenever the file's content may have, or None to not cache."""


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

    def _path(self, rel: str) -> str:
        return os.path.join(self.root, rel) if rel else str(self.root)  # noqa: PTH118 - speed

    def list_dir(self, rel: str) -> list[Entry] | None:
        if rel in self._listings:
            return self._listings[rel]
        listing = self._scan(rel)
        self._listings[rel] = listing
        return listing

    def _scan(self, rel: str) -> list[Entry] | None:
        base = self._path(rel)
        try:
            it = os.scandir(base)
        except (NotADirectoryError, FileNotFoundError, PermissionError):
            return None
        out = []
        with it:
            for d in it:
                try:
                    if d.is_symlink():
                        # imports.ScanDir follows file symlinks; broken links are ignored.
                        try:
                            st = os.stat(d.path)  # noqa: PTH116 - speed, see class doc
                        except OSError:
                            continue
                        out.append(
                            Entry(d.name, stat.S_ISDIR(st.st_mode), stat.S_ISREG(st.st_mode), True)
                        )
                    else:
                        out.append(Entry(d.name, d.is_dir(), d.is_file()))
                except OSError:
                    continue
        return out

    def read_file(self, rel: str) -> bytes:
        with open(self._path(rel), "rb") as f:  # noqa: PTH123 - speed, see class doc
            return f.read()

    def exists(self, rel: str) -> bool:
        parent, _, name = rel.rpartition("/")
        names = self._names.get(parent)
        if names is None:
            names = frozenset(e.name for e in self.list_dir(parent) or ())
            self._names[parent] = names
        return name in names

    def cache_key(self, rel: str) -> str | None:
        path = self._path(rel)
        if self.immutable:
            return path
        try:
            st = os.stat(path)  # noqa: PTH116 - speed, see class doc
        except OSError:
            return None
        return f"{path}\0{st.st_mtime_ns}\0{st.st_size}"


class ZipTree:
    """A module zip (files under "path@version/"), indexed once; no extraction."""

    def __init__(self, zip_path: Path, prefix: str) -> None:
        self.zf = zipfile.ZipFile(zip_path)
        st = zip_path.stat()
        self.key_prefix = f"zip:{zip_path}\0{st.st_mtime_ns}\0{st.st_size}\0"
        self.dirs: dict[str, dict[str, Entry]] = {"": {}}
        self.files: dict[str, str] = {}
        for name in self.zf.namelist():
            if not name.startswith(prefix) or name.endswith("/"):
                continue
            rel = name[len(prefix) :]
            self.files[rel] = name
            parts = rel.split("/")
            for i in range(len(parts)):
                parent = "/".join(parts[:i])
                children = self.dirs.setdefault(parent, {})
                is_dir = i < len(parts) - 1
                if parts[i] not in children:
                    children[parts[i]] = Entry(parts[i], is_dir, not is_dir)
                if is_dir:
                    self.dirs.setdefault("/".join(parts[: i + 1]), {})

    def list_dir(self, rel: str) -> list[Entry] | None:
        children = self.dirs.get(rel)
        return None if children is None else list(children.values())

    def read_file(self, rel: str) -> bytes:
        return self.zf.read(self.files[rel])

    def exists(self, rel: str) -> bool:
        return rel in self.files or rel in self.dirs

    def cache_key(self, rel: str) -> str | None:
        return self.key_prefix + rel
