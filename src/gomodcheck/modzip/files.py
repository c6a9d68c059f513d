"""The files a module zip is made from, whatever holds them: a directory, a zip, memory.

x/mod's zip package works on an abstract File (path, lstat, open); so do we, so the same rules
apply to a directory being zipped, a zip being checked and a git archive being repackaged.
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
from dataclasses import dataclass
from enum import Enum
from typing import IO, Protocol


class Kind(Enum):
    FILE = "file"
    DIR = "dir"
    SYMLINK = "symlink"
    OTHER = "other"  # devices, sockets, pipes


@dataclass(frozen=True)
class FileInfo:
    kind: Kind
    size: int

    @classmethod
    def from_stat(cls, st: os.stat_result) -> FileInfo:
        mode = st.st_mode
        if stat.S_ISREG(mode):
            kind = Kind.FILE
        elif stat.S_ISDIR(mode):
            kind = Kind.DIR
        elif stat.S_ISLNK(mode):
            kind = Kind.SYMLINK
        else:
            kind = Kind.OTHER
        return cls(kind, st.st_size)


class File(Protocol):
    """A file to put in (or found in) a module zip."""

    @property
    def path(self) -> str:
        """Clean slash-separated path relative to the module root."""
        ...

    def lstat(self) -> FileInfo:
        """What the file is; a symbolic link is reported as one, not followed."""
        ...

    def open(self) -> IO[bytes]:
        """The content of a regular file."""
        ...


@dataclass(frozen=True)
class DirFile:
    """A file found by walking a directory."""

    path: str
    fs_path: str
    info: FileInfo

    def lstat(self) -> FileInfo:
        return self.info

    def open(self) -> IO[bytes]:
        return open(self.fs_path, "rb")  # noqa: PTH123 - the caller closes it


@dataclass(frozen=True)
class DataFile:
    """A file held in memory."""

    path: str
    data: bytes

    def lstat(self) -> FileInfo:
        return FileInfo(Kind.FILE, len(self.data))

    def open(self) -> IO[bytes]:
        return io.BytesIO(self.data)


@dataclass(frozen=True)
class ZipMember:
    """A member of an open zip file (such as the output of `git archive`)."""

    path: str
    archive: zipfile.ZipFile
    member: zipfile.ZipInfo

    def lstat(self) -> FileInfo:
        # Unix mode bits live in the high half of external_attr when the creator set them.
        mode = self.member.external_attr >> 16
        if self.member.is_dir():
            return FileInfo(Kind.DIR, 0)
        if mode and stat.S_ISLNK(mode):
            return FileInfo(Kind.SYMLINK, self.member.file_size)
        if mode and not stat.S_ISREG(mode):
            return FileInfo(Kind.OTHER, self.member.file_size)
        return FileInfo(Kind.FILE, self.member.file_size)

    def open(self) -> IO[bytes]:
        return self.archive.open(self.member)
