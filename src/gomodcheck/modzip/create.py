"""Creating a module zip: x/mod zip's Create, CreateFromDir and CreateFromVCS (git).

The zip holds exactly the valid files of CheckFiles under "<module>@<version>/", streamed one at a
time; a file that grows past the size it had when checked stops the write.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from gomodcheck.module import ModuleVersion
from gomodcheck.modzip.archive import CHUNK, ModuleZipError, check_module_version
from gomodcheck.modzip.directory import list_files_in_dir
from gomodcheck.modzip.files import DataFile, File, ZipMember
from gomodcheck.modzip.rules import check_files


def create(out: IO[bytes], mv: ModuleVersion, files: Sequence[File]) -> None:
    """Write the module zip of the given files to out (a seekable binary stream)."""
    try:
        check_module_version(mv)
    except ValueError as exc:
        raise ModuleZipError("create zip", "", str(exc)) from exc
    cf, valid = check_files(files)
    if cf.error():
        raise ModuleZipError("create zip", "", cf.error())
    prefix = f"{mv.path}@{mv.version}/"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zw:
        for f, size in valid:
            info = zipfile.ZipInfo(prefix + f.path)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.file_size = size
            written = 0
            with f.open() as src, zw.open(info, "w", force_zip64=size >= 0x7FFFFFFF) as dst:
                while chunk := src.read(min(CHUNK, size + 1 - written)):
                    written += len(chunk)
                    if written > size:
                        raise ModuleZipError(
                            "create zip", "", f'file "{f.path}" is larger than declared size'
                        )
                    dst.write(chunk)


def create_from_dir(out: IO[bytes], mv: ModuleVersion, directory: str | os.PathLike[str]) -> None:
    """The module zip of a directory, leaving out VCS directories and nested modules."""
    try:
        create(out, mv, list_files_in_dir(directory).files)
    except ModuleZipError as exc:
        raise ModuleZipError(
            "create zip from directory", os.fspath(directory), exc.message
        ) from exc


def _git(repo: str, *args: str, stdout: IO[bytes] | None = None) -> bytes:
    env = {**os.environ, "PWD": repo}
    proc = subprocess.run(
        ["git", *args],
        cwd=repo,
        env=env,
        check=False,
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    if proc.returncode != 0:
        raise ModuleZipError(
            "create zip from version control system",
            repo,
            f"git {args[0]}: {proc.stderr.decode(errors='replace').strip()}",
        )
    return proc.stdout if stdout is None else b""


def is_git_worktree(repo: str | os.PathLike[str]) -> bool:
    """Whether repo is the top of a git work tree (not a bare repository, not a subdirectory)."""
    root = os.fspath(repo)
    try:
        git_dir = _git(root, "rev-parse", "--git-dir").decode().strip()
    except (ModuleZipError, OSError):
        return False
    return os.path.join(root, git_dir) == os.path.join(root, ".git")  # noqa: PTH118


def create_from_git(
    out: IO[bytes], mv: ModuleVersion, repo: str | os.PathLike[str], revision: str, subdir: str = ""
) -> None:
    """The module zip of a git revision (tag or commit), as `git archive` exports it.

    A module in a subdirectory without its own LICENSE gets the repository root's LICENSE,
    as the go command does.
    """
    root = os.fspath(repo)
    if not is_git_worktree(root):
        raise ModuleZipError(
            "create zip from version control system",
            root,
            f'could not find a recognized version control system at "{root}"',
        )
    with tempfile.TemporaryFile() as archive:
        # core.autocrlf=input: the archive must not depend on the platform's line endings.
        _git(
            root,
            "-c",
            "core.autocrlf=input",
            "-c",
            "core.eol=lf",
            "archive",
            "--format=zip",
            revision,
            *([subdir] if subdir else []),
            stdout=archive,
        )
        archive.seek(0)
        with zipfile.ZipFile(archive) as zf:
            files: list[File] = []
            have_license = False
            for info in zf.infolist():
                name = info.filename
                if not name.startswith(subdir) or name.endswith("/"):
                    continue
                rel = name[len(subdir) :].lstrip("/") if subdir else name
                if not rel:
                    continue
                files.append(ZipMember(rel, zf, info))
                have_license = have_license or rel == "LICENSE"
            if not have_license and subdir:
                with contextlib.suppress(ModuleZipError):
                    files.append(
                        DataFile("LICENSE", _git(root, "cat-file", "blob", f"{revision}:LICENSE"))
                    )
            create(out, mv, files)


def create_file(
    zip_path: str | os.PathLike[str], mv: ModuleVersion, directory: str | os.PathLike[str]
) -> None:
    """create_from_dir into a file, written whole or not at all."""
    target = Path(zip_path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w+b") as out:
            create_from_dir(out, mv, directory)
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
