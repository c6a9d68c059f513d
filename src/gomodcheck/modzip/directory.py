"""Listing a directory as the go command zips it: CheckDir and the walk CreateFromDir uses.

Beyond CheckFiles, the walk leaves out whole directories: version-control metadata (.bzr, .git,
.hg, .svn) and nested modules (a directory with its own go.mod). Symbolic links are never
followed; irregular files are omitted.
"""

from __future__ import annotations

# ruff: noqa: PTH118, PTH208 - a walk over many files: str paths and os.path are cheaper than Path
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from gomodcheck.errors import InputError
from gomodcheck.modzip.files import DirFile, FileInfo, Kind
from gomodcheck.modzip.rules import (
    ERR_NOT_REGULAR,
    ERR_SUBMODULE_DIR,
    ERR_VCS,
    ERR_VENDORED,
    MAX_GO_MOD,
    CheckedFiles,
    FileError,
    check_files,
    gomod_go_version,
    is_vendored_package,
)

VCS_DIRS = frozenset({".bzr", ".git", ".hg", ".svn"})


@dataclass(frozen=True)
class Listing:
    files: list[DirFile]
    omitted: list[FileError]  # whole directories and irregular files left out by the walk


def list_files_in_dir(root: str | os.PathLike[str]) -> Listing:
    """Walk root in lexical order, as filepath.Walk does, recording what is left out and why."""
    base = os.fspath(root)
    if not Path(base).is_dir():
        raise InputError(f"{base}: not a directory")
    lang = None
    try:
        with Path(base, "go.mod").open("rb") as f:
            lang = gomod_go_version(f.read(MAX_GO_MOD + 1))
    except OSError:
        pass
    files: list[DirFile] = []
    omitted: list[FileError] = []

    def walk(fs_dir: str, rel_dir: str) -> None:
        try:
            names = sorted(os.listdir(fs_dir))
        except OSError as exc:
            raise InputError(f"{fs_dir}: {exc.strerror or exc}") from exc
        for name in names:
            fs_path = os.path.join(fs_dir, name)
            rel = f"{rel_dir}/{name}" if rel_dir else name
            try:
                info = FileInfo.from_stat(os.lstat(fs_path))
            except OSError as exc:
                raise InputError(f"{fs_path}: {exc.strerror or exc}") from exc
            # Vendored packages are left out before anything else, so Create from a directory
            # and Create from the same files as a list agree.
            if is_vendored_package(rel, lang):
                omitted.append(FileError(rel, ERR_VENDORED))
                if info.kind is Kind.DIR:
                    walk(fs_path, rel)  # filepath.Walk goes on into it, reporting each file
                continue
            if info.kind is Kind.DIR:
                if name in VCS_DIRS:
                    omitted.append(FileError(rel, ERR_VCS))
                    continue
                gomod = os.path.join(fs_path, "go.mod")
                try:
                    if not stat.S_ISDIR(os.lstat(gomod).st_mode):
                        omitted.append(FileError(rel, ERR_SUBMODULE_DIR))
                        continue
                except OSError:
                    pass
                walk(fs_path, rel)
                continue
            if info.kind is not Kind.FILE:
                omitted.append(FileError(rel, ERR_NOT_REGULAR))
                continue
            files.append(DirFile(rel, fs_path, info))

    walk(base, "")
    return Listing(files, omitted)


def check_dir(root: str | os.PathLike[str]) -> CheckedFiles:
    """CheckDir: which files of a directory would go in its module zip, which not and why.

    Paths in the result are file-system paths under root, as x/mod reports them.
    """
    listing = list_files_in_dir(root)
    cf, _ = check_files(listing.files)
    base = os.fspath(root)
    return CheckedFiles(
        valid=[os.path.join(base, p) for p in cf.valid],
        omitted=[
            FileError(os.path.join(base, e.path), e.reason) for e in [*cf.omitted, *listing.omitted]
        ],
        invalid=[FileError(os.path.join(base, e.path), e.reason) for e in cf.invalid],
        size_error=cf.size_error,
    )
