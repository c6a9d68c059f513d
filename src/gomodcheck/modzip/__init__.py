"""Module zips: which files belong in one, checking an existing zip, creating and extracting one.

A Python counterpart of golang.org/x/mod/zip: the same rules, limits and messages. Hashing is in
gomodcheck.dirhash.
"""

from __future__ import annotations

from gomodcheck.modzip.archive import ModuleZipError, check_module_version, check_zip, unzip
from gomodcheck.modzip.create import (
    create,
    create_file,
    create_from_dir,
    create_from_git,
    is_git_worktree,
)
from gomodcheck.modzip.directory import check_dir, list_files_in_dir
from gomodcheck.modzip.files import DataFile, DirFile, File, FileInfo, Kind, ZipMember
from gomodcheck.modzip.rules import (
    MAX_GO_MOD,
    MAX_LICENSE,
    MAX_ZIP_FILE,
    CheckedFiles,
    FileError,
    check_files,
    is_vendored_package,
)

__all__ = [
    "MAX_GO_MOD",
    "MAX_LICENSE",
    "MAX_ZIP_FILE",
    "CheckedFiles",
    "DataFile",
    "DirFile",
    "File",
    "FileError",
    "FileInfo",
    "Kind",
    "ModuleZipError",
    "ZipMember",
    "check_dir",
    "check_files",
    "check_module_version",
    "check_zip",
    "create",
    "create_file",
    "create_from_dir",
    "create_from_git",
    "is_git_worktree",
    "is_vendored_package",
    "list_files_in_dir",
    "unzip",
]
