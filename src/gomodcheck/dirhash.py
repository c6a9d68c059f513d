"""Hashes over directory trees and module zips: the "h1:" hash of go.sum and the checksum database.

Hash1 is SHA-256 over a summary with one line per file, sorted by name as bytes:
``"<hex sha256 of content>  <name>\\n"``, then base64 and the "h1:" prefix — what
``sha256sum $(find . -type f | sort) | sha256sum`` prints, as x/mod's dirhash defines it.

Files are hashed in fixed-size chunks, so memory stays constant however large a module is.
Names are str; names that are not UTF-8 travel as surrogate escapes (as os.fsdecode gives them)
and are hashed and sorted as the bytes the go command sees.
"""

from __future__ import annotations

import base64
import hashlib
import os
import stat
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import IO

from gomodcheck.errors import InputError

CHUNK = 1 << 20
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
PREFIX = "h1:"

Opener = Callable[[str], AbstractContextManager[IO[bytes]]]


@dataclass(frozen=True)
class FileDigest:
    """One file of a tree: its name as hashed (slash-separated) and its content's hex SHA-256."""

    name: str
    sha256: str


def name_bytes(name: str) -> bytes:
    """The bytes the go command hashes and sorts for a name."""
    return name.encode("utf-8", "surrogateescape")


def sha256_stream(stream: IO[bytes]) -> str:
    """Hex SHA-256 of a stream, read in chunks."""
    h = hashlib.sha256()
    while chunk := stream.read(CHUNK):
        h.update(chunk)
    return h.hexdigest()


def summary(digests: Iterable[FileDigest]) -> str:
    """The h1: hash of files whose content digests are already known."""
    ordered = sorted(digests, key=lambda d: name_bytes(d.name))
    h = hashlib.sha256()
    for d in ordered:
        if "\n" in d.name:
            raise InputError(f"dirhash: file name with a newline is not supported: {d.name!r}")
        h.update(f"{d.sha256}  ".encode() + name_bytes(d.name) + b"\n")
    return PREFIX + base64.b64encode(h.digest()).decode("ascii")


def hash1(names: Sequence[str], open_file: Opener) -> str:
    """Hash1 over the given names; open_file returns a binary stream for a name."""
    for name in names:
        if "\n" in name:
            raise InputError(f"dirhash: file name with a newline is not supported: {name!r}")
    digests = []
    for name in names:
        with open_file(name) as stream:
            digests.append(FileDigest(name, sha256_stream(stream)))
    return summary(digests)


def hash_gomod(data: bytes) -> str:
    """The go.sum hash of a go.mod file: Hash1 over the single name "go.mod"."""
    return summary([FileDigest("go.mod", hashlib.sha256(data).hexdigest())])


# --- zips -----------------------------------------------------------------------------------


def zip_member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as the go command reads it: raw bytes, not decoded as CP437.

    Python decodes names without the UTF-8 flag as CP437; Go keeps the bytes. Re-encoding
    gives back the bytes, which we carry as surrogate escapes when they are not UTF-8.
    """
    raw = info.orig_filename
    if not info.flag_bits & 0x800 and not raw.isascii():
        raw = raw.encode("cp437").decode("utf-8", "surrogateescape")
    return raw


def zip_digests(path: str | os.PathLike[str]) -> list[FileDigest]:
    """Per-member digests of a zip, in archive order; a duplicated name digests its last member.

    Go's HashZip lists every member name and opens each through a name-to-last-member map, so a
    duplicate name is hashed twice with the last member's content; we keep that behaviour.
    """
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        raise InputError(f"{os.fspath(path)}: not a valid zip file: {exc}") from exc
    except OSError as exc:
        raise InputError(f"{os.fspath(path)}: {exc.strerror or exc}") from exc
    with zf:
        named = [(zip_member_name(info), info) for info in zf.infolist()]
        last = dict(named)
        computed: dict[str, str] = {}
        out = []
        for name, _info in named:
            if "\n" in name:
                raise InputError(f"dirhash: file name with a newline is not supported: {name!r}")
            if name not in computed and name.endswith("/"):
                # Go reads a directory entry as empty, and refuses one that declares data.
                if last[name].file_size:
                    raise InputError(f"{os.fspath(path)}: zip: not a valid zip file ({name!r})")
                computed[name] = EMPTY_SHA256
            if name not in computed:
                try:
                    with zf.open(last[name]) as stream:
                        computed[name] = sha256_stream(stream)
                except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError) as exc:
                    raise InputError(f"{os.fspath(path)}: cannot read {name!r}: {exc}") from exc
            out.append(FileDigest(name, computed[name]))
        return out


def hash_zip(path: str | os.PathLike[str]) -> str:
    """The h1: hash of a module zip, over its member names (with the module@version/ prefix)."""
    return summary(zip_digests(path))


# --- directories ----------------------------------------------------------------------------


def clean_slash_path(p: str) -> str:
    """Go's path.Clean for slash-separated paths (normpath keeps a leading "//"; Go does not)."""
    if not p:
        return "."
    cleaned = os.path.normpath(p) if os.sep == "/" else p
    if cleaned.startswith("//"):
        cleaned = "/" + cleaned.lstrip("/")
    return cleaned


def join_prefix(prefix: str, rel: str) -> str:
    """filepath.Join(prefix, rel) with forward slashes, as DirFiles forms names."""
    return clean_slash_path(f"{prefix}/{rel}" if prefix else rel)


def walk_files(root: str | os.PathLike[str]) -> Iterator[tuple[str, str]]:
    """(relative slash path, filesystem path) for every non-directory under root.

    Like filepath.Walk: entries are examined with lstat, so a symbolic link is a file (its
    target is read when hashed) and is never descended into.
    """
    base = os.fspath(root)
    try:
        st = os.lstat(base)
    except OSError as exc:
        raise InputError(f"{base}: {exc.strerror or exc}") from exc
    if not stat.S_ISDIR(st.st_mode):
        raise InputError(f"{base} is not a directory")
    stack = [("", base)]
    while stack:
        rel_dir, fs_dir = stack.pop()
        try:
            entries = list(os.scandir(fs_dir))
        except OSError as exc:
            raise InputError(f"{fs_dir}: {exc.strerror or exc}") from exc
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            if entry.is_dir(follow_symlinks=False):
                stack.append((rel, entry.path))
            else:
                yield rel, entry.path


def dir_files(root: str | os.PathLike[str], prefix: str) -> list[tuple[str, str]]:
    """(hashed name, filesystem path) of every file under root, names as prefix/relpath."""
    # The walk's relative paths are clean already, so only the prefix needs cleaning; this is
    # join_prefix(prefix, rel) without a normpath per file.
    head = clean_slash_path(prefix) if prefix else ""
    if head in ("", "."):
        return list(walk_files(root))
    head = head if head.endswith("/") else head + "/"
    return [(head + rel, fs) for rel, fs in walk_files(root)]


def hash_file(path: str | os.PathLike[str]) -> str:
    """Hex SHA-256 of one file's content."""
    # os.read on a raw descriptor: no buffered-reader layer, which matters for many small files.
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        try:
            h = hashlib.sha256()
            while chunk := os.read(fd, CHUNK):
                h.update(chunk)
            return h.hexdigest()
        finally:
            os.close(fd)
    except OSError as exc:
        raise InputError(f"{os.fspath(path)}: {exc.strerror or exc}") from exc


def dir_digests(root: str | os.PathLike[str], prefix: str) -> list[FileDigest]:
    """Per-file digests of a directory tree, names as HashDir forms them."""
    return [FileDigest(name, hash_file(fs)) for name, fs in dir_files(root, prefix)]


def hash_dir(root: str | os.PathLike[str], prefix: str) -> str:
    """The h1: hash of a directory, naming each file prefix/relpath (HashDir)."""
    return summary(dir_digests(root, prefix))
