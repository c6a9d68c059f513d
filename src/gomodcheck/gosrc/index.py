"""A package index per source tree, kept between runs: which directories hold Go files and what
each one's package imports (scan.scan_dir), so a warm run does not read Go files again.

Like the go command's module index (cmd/go/internal/modindex), an immutable tree (an extracted
module in the module cache, a module zip) is indexed under its path alone: once a directory is
indexed, it is never listed or read again. A tree that can change (the main module, a directory
replacement) is listed on every run and each Go file the scan would read is stat'ed; a directory's
stored scan is used only when the names and identities (size, mtime, inode, ctime) of all those
files are what they were, and nothing is stored for a directory with a file changed in the last
seconds (tree.RACY_NS). Any edit, added or removed file, rename or touch therefore rescans the
directory, as a fresh run would.

The records of one tree are one JSON value in the ScanCache, read on first use and written back
by flush() only when something changed.
"""

from __future__ import annotations

from typing import Any

try:  # the built-in BLAKE2 module: hashlib would load OpenSSL first, a cost for every run
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b

from gomodcheck.gosrc.scan import PackageImports, is_go_dir, scan_dir
from gomodcheck.gosrc.scancache import ScanCache
from gomodcheck.gosrc.tree import SourceTree

# Kinds of directory in an immutable tree's records: [kind] or [_PACKAGE, imports, test imports].
_NOT_GO_DIR = 0  # no regular *.go file
_NO_PACKAGE = 1  # .go files, none of which counts under tidy's tags (imports.ErrNoGo)
_PACKAGE = 2
# A mutable tree's records: [signature, imports, test imports], or [signature] for no package.

_KEY_PREFIX = "pkgindex:v2:"


def _imports(rec: list[Any], at: int) -> PackageImports | None:
    """The PackageImports stored in rec[at:at+2], or None when rec says there is no package."""
    if len(rec) == at:
        return None
    return PackageImports(tuple(rec[at]), tuple(rec[at + 1]))


def _record(scanned: PackageImports | None, head: list[Any]) -> list[Any]:
    if scanned is None:
        return head
    return [*head, list(scanned.imports), list(scanned.test_imports)]


class PackageIndex:
    """is_go_dir and scan_dir for one tree, answered from the cache when it may be."""

    def __init__(self, tree: SourceTree, cache: ScanCache | None) -> None:
        self.tree = tree
        self.cache = cache
        self._key = _KEY_PREFIX + tree.index_key() if cache is not None else ""
        self._stored: dict[str, Any] | None = None  # the records as read from the cache
        self._used: dict[str, list[Any]] = {}  # records looked up or made in this run
        self._changed = False

    def _records(self) -> dict[str, Any]:
        if self._stored is None:
            # Checked: the records are exactly what flush() wrote, so their shape holds.
            value = self.cache.get_checked(self._key) if self.cache is not None else None
            self._stored = value if isinstance(value, dict) else {}
        return self._stored

    def is_go_dir(self, rel: str) -> bool:
        """fsys.IsGoDir: whether rel holds at least one regular file named *.go."""
        if self.cache is None or not self.tree.immutable:
            return is_go_dir(self.tree, rel)
        return bool(self._immutable_record(rel)[0] != _NOT_GO_DIR)

    def scan(self, rel: str) -> PackageImports | None:
        """scan_dir(tree, rel): the package's imports, or None when no file counts."""
        if self.cache is None:
            return scan_dir(self.tree, rel)
        if self.tree.immutable:
            rec = self._immutable_record(rel)
            return _imports(rec, 1) if rec[0] == _PACKAGE else None
        return self._mutable_scan(rel)

    def _immutable_record(self, rel: str) -> list[Any]:
        rec = self._used.get(rel)
        if rec is not None:
            return rec
        stored = self._records().get(rel)
        if stored is not None:
            rec = stored
        elif not is_go_dir(self.tree, rel):
            rec = [_NOT_GO_DIR]
            self._changed = True
        else:
            scanned = scan_dir(self.tree, rel)
            rec = [_NO_PACKAGE] if scanned is None else _record(scanned, [_PACKAGE])
            self._changed = True
        self._used[rel] = rec
        return rec

    def _signature(self, rel: str) -> str | None:
        """A digest of the name and identity of every file scan_dir reads in rel; None when one
        was changed too recently to be trusted (or vanished), or there are none."""
        entries = self.tree.list_dir(rel)
        if not entries:
            return None
        keys = []
        identity = self.tree.identity
        prefix = rel + "/" if rel else ""
        for e in entries:
            name = e.name
            if not e.is_regular or not name.endswith(".go") or name.startswith(("_", ".")):
                continue
            ident = identity(prefix + name)
            if ident is None:
                return None
            keys.append(f"{name}\0{ident}")
        if not keys:
            return None
        keys.sort()
        data = "\n".join(keys).encode("utf-8", "surrogateescape")
        return blake2b(data, digest_size=16).hexdigest()

    def _mutable_scan(self, rel: str) -> PackageImports | None:
        sig = self._signature(rel)
        if sig is None:
            return scan_dir(self.tree, rel)
        stored = self._records().get(rel)
        if stored is not None and stored[0] == sig:
            self._used[rel] = stored
            return _imports(stored, 1)
        scanned = scan_dir(self.tree, rel)
        self._used[rel] = _record(scanned, [sig])
        self._changed = True
        return scanned

    def flush(self) -> None:
        """Put the records into the cache if they changed (ScanCache.save writes them).

        An immutable tree keeps every record it ever had; a mutable one keeps the records of
        this run's directories only, so deleted directories do not pile up.
        """
        if self.cache is None:
            return
        if self.tree.immutable:
            if self._changed:
                merged = dict(self._records())
                merged.update(self._used)
                self.cache.put_checked(self._key, merged)
        elif self._changed or self._used.keys() != self._records().keys():
            self.cache.put_checked(self._key, self._used)
