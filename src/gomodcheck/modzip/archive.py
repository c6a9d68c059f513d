"""Checking and extracting an existing module zip: x/mod zip's CheckZip and Unzip.

Everything is checked from the central directory before a byte is extracted: the module path and
version, the zip's size, every name (prefix, clean, relative, valid, no case-insensitive or
file/directory collisions, no duplicates) and the declared sizes. Extraction then refuses any
member whose content is longer than it declared, so a zip bomb stops at its declared size.
"""

from __future__ import annotations

import os
import posixpath
import zipfile
from pathlib import Path

from gomodcheck.dirhash import zip_member_name
from gomodcheck.errors import InputError
from gomodcheck.module import ModuleVersion, canonical_version, check, check_file_path
from gomodcheck.modzip.rules import (
    ERR_GO_MOD_CASE,
    ERR_GO_MOD_SIZE,
    ERR_LICENSE_SIZE,
    ERR_PATH_NOT_CLEAN,
    MAX_GO_MOD,
    MAX_LICENSE,
    MAX_ZIP_FILE,
    CheckedFiles,
    CollisionChecker,
    FileError,
    go_clean,
    str_to_fold,
)

CHUNK = 1 << 20


class ModuleZipError(InputError):
    """A module zip that cannot be checked, extracted or created; names the action and file."""

    def __init__(self, verb: str, path: str, message: str) -> None:
        self.verb, self.path, self.message = verb, path, message
        super().__init__(f"{verb} {path}: {message}" if path else f"{verb}: {message}")


def check_module_version(mv: ModuleVersion) -> None:
    """The version must be canonical and the path valid with a matching major version suffix."""
    canonical = canonical_version(mv.version)
    if canonical != mv.version:
        raise ValueError(f'version "{mv.version}" is not canonical (should be "{canonical}")')
    check(mv.path, mv.version)


def _too_large(zip_size: int) -> str:
    return f"module zip file is too large ({zip_size} bytes; limit is {MAX_ZIP_FILE} bytes)"


def _check_zip(mv: ModuleVersion, zf: zipfile.ZipFile) -> CheckedFiles:
    cf = CheckedFiles()
    prefix = f"{mv.path}@{mv.version}/"
    collisions = CollisionChecker()
    total = 0
    for info in zf.infolist():
        full = zip_member_name(info)

        def bad(reason: str, full: str = full) -> None:
            cf.invalid.append(FileError(full, reason))

        if not full.startswith(prefix):
            bad(f'path does not have prefix "{prefix}"')
            continue
        name = full[len(prefix) :]
        if name == "":
            continue
        is_dir = name.endswith("/")
        if is_dir:
            name = name[:-1]
        if go_clean(name) != name:
            bad(ERR_PATH_NOT_CLEAN)
            continue
        try:
            check_file_path(name)
        except ValueError as exc:
            bad(str(exc))
            continue
        reason = collisions.check(name, is_dir)
        if reason:
            bad(reason)
            continue
        if is_dir:
            continue
        base = posixpath.basename(name)
        if str_to_fold(base) == "go.mod":
            if base != name:
                bad("go.mod file not in module root directory")
                continue
            if name != "go.mod":
                bad(ERR_GO_MOD_CASE)
                continue
        size = info.file_size
        if 0 <= size <= MAX_ZIP_FILE - total:
            total += size
        elif not cf.size_error:
            cf.size_error = (
                "total uncompressed size of module contents too large "
                f"(max size is {MAX_ZIP_FILE} bytes)"
            )
        if name == "go.mod" and size > MAX_GO_MOD:
            bad(ERR_GO_MOD_SIZE)
            continue
        if name == "LICENSE" and size > MAX_LICENSE:
            bad(ERR_LICENSE_SIZE)
            continue
        cf.valid.append(full)
    return cf


def _zip_size(path: str, verb: str) -> int:
    try:
        return Path(path).stat().st_size
    except OSError as exc:
        raise ModuleZipError(verb, path, exc.strerror or str(exc)) from exc


def _open_zip(path: str, verb: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        raise ModuleZipError(verb, path, f"not a valid zip file: {exc}") from exc
    except OSError as exc:
        raise ModuleZipError(verb, path, exc.strerror or str(exc)) from exc


def check_zip(mv: ModuleVersion, zip_path: str | os.PathLike[str]) -> CheckedFiles:
    """CheckZip: every member of a module zip sorted into valid and invalid, with reasons.

    Raises ModuleZipError if the module path or version is bad or the file is not a zip.
    """
    path = os.fspath(zip_path)
    try:
        check_module_version(mv)
    except ValueError as exc:
        raise ModuleZipError("check zip", path, str(exc)) from exc
    size = _zip_size(path, "check zip")
    if size > MAX_ZIP_FILE:
        return CheckedFiles(size_error=_too_large(size))
    with _open_zip(path, "check zip") as zf:
        return _check_zip(mv, zf)


def unzip(
    directory: str | os.PathLike[str], mv: ModuleVersion, zip_path: str | os.PathLike[str]
) -> None:
    """Unzip: check the whole zip first, then extract it, holding each member to its size.

    directory may exist but must be empty. Files are written read-only, as in the module cache.
    """
    path, dest = os.fspath(zip_path), Path(directory)
    if dest.is_dir() and any(dest.iterdir()):
        raise ModuleZipError("unzip", path, f"target directory {dest} exists and is not empty")
    try:
        check_module_version(mv)
    except ValueError as exc:
        raise ModuleZipError("unzip", path, str(exc)) from exc
    size = _zip_size(path, "unzip")
    if size > MAX_ZIP_FILE:
        raise ModuleZipError("unzip", path, _too_large(size))
    with _open_zip(path, "unzip") as zf:
        cf = _check_zip(mv, zf)
        if cf.error():
            raise ModuleZipError("unzip", path, cf.error())
        prefix = f"{mv.path}@{mv.version}/"
        dest.mkdir(parents=True, exist_ok=True)
        for info in zf.infolist():
            name = zip_member_name(info)[len(prefix) :]
            if name == "" or name.endswith("/"):
                continue
            target = dest.joinpath(*name.split("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            _extract(zf, info, target, path)


def _extract(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, zip_path: str) -> None:
    limit = info.file_size
    written = 0
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
    try:
        with zf.open(info) as src:
            while chunk := src.read(min(CHUNK, limit + 1 - written)):
                written += len(chunk)
                if written > limit:
                    raise ModuleZipError(
                        "unzip",
                        zip_path,
                        f"uncompressed size of file {info.filename} is larger "
                        f"than declared size ({limit} bytes)",
                    )
                os.write(fd, chunk)
    except (zipfile.BadZipFile, EOFError, NotImplementedError) as exc:
        raise ModuleZipError("unzip", zip_path, f"{info.filename}: {exc}") from exc
    finally:
        os.close(fd)
