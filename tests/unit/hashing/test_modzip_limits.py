"""Module zip limits and hostile zips: sizes, lying headers, paths that escape, duplicates."""

from __future__ import annotations

import io
import os
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest

from gomodcheck import modzip
from gomodcheck.module import ModuleVersion
from gomodcheck.modzip import MAX_GO_MOD, MAX_LICENSE, MAX_ZIP_FILE, FileInfo, Kind

MV = ModuleVersion("example.com/large", "v1.0.0")


@dataclass(frozen=True)
class SizedFile:
    """A file that claims a size without holding the bytes (x/mod's fakeFile)."""

    path: str
    size: int
    data: bytes = b""

    def lstat(self) -> FileInfo:
        return FileInfo(Kind.FILE, self.size)

    def open(self) -> IO[bytes]:
        return io.BytesIO(self.data)


@pytest.mark.parametrize(
    ("files", "want"),
    [
        ([SizedFile("large.go", MAX_ZIP_FILE)], ""),
        ([SizedFile("large.go", MAX_ZIP_FILE + 1)], "module source tree too large"),
        ([SizedFile("small.go", 10), SizedFile("large.go", MAX_ZIP_FILE - 10)], ""),
        (
            [SizedFile("small.go", 10), SizedFile("large.go", MAX_ZIP_FILE - 9)],
            "module source tree too large",
        ),
        ([SizedFile("go.mod", MAX_GO_MOD)], ""),
        ([SizedFile("go.mod", MAX_GO_MOD + 1)], "go.mod file too large"),
        ([SizedFile("LICENSE", MAX_LICENSE)], ""),
        ([SizedFile("LICENSE", MAX_LICENSE + 1)], "LICENSE file too large"),
        ([SizedFile("neg.go", -1)], "module source tree too large"),
    ],
    ids=[
        "one_large",
        "one_too_large",
        "total_large",
        "total_too_large",
        "large_gomod",
        "too_large_gomod",
        "large_license",
        "too_large_license",
        "negative",
    ],
)
def test_size_limits_are_those_of_x_mod(files: list[SizedFile], want: str) -> None:
    cf, _ = modzip.check_files(files)
    assert (want in cf.error()) if want else cf.error() == ""


def test_create_stops_when_a_file_is_larger_than_it_said(tmp_path: Path) -> None:
    with (
        (tmp_path / "m.zip").open("wb") as out,
        pytest.raises(modzip.ModuleZipError, match="larger than declared size"),
    ):
        modzip.create(out, MV, [SizedFile("lie.go", 1, b"package large")])


def _zip(path: Path, members: list[tuple[str, bytes]]) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in members:
                z.writestr(name, data)
    return path


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("/etc/passwd", "path does not have prefix"),
        ("example.com/large@v1.0.0/../../escape.go", 'invalid path element ".."'),
        ("example.com/large@v1.0.0/a/../../escape.go", "file path is not clean"),
        ("example.com/large@v1.0.0//abs.go", "empty path element"),
        (
            "example.com/large@v1.0.0/Dup.go",
            'case-insensitive file name collision: "dup.go" and "Dup.go"',
        ),
        ("example.com/large@v1.0.0/dup.go", 'multiple entries for file "dup.go"'),
        ("example.com/large@v1.0.0/dup.go/x.go", 'entry "dup.go" is both a file and a directory'),
    ],
)
def test_hostile_names_are_refused_before_anything_is_extracted(
    tmp_path: Path, name: str, reason: str
) -> None:
    zpath = _zip(
        tmp_path / "bad.zip",
        [("example.com/large@v1.0.0/dup.go", b"package a\n"), (name, b"package b\n")],
    )
    cf = modzip.check_zip(MV, zpath)
    assert any(reason in e.reason and e.path == name for e in cf.invalid), cf.invalid
    dest = tmp_path / "out"
    with pytest.raises(modzip.ModuleZipError, match="unzip"):
        modzip.unzip(dest, MV, zpath)
    assert not dest.exists() or not any(dest.rglob("*"))
    assert not (tmp_path / "escape.go").exists()


def test_member_longer_than_its_declared_size_is_not_extracted_past_it(tmp_path: Path) -> None:
    # A zip bomb's trick: the header declares a small size, the data inflates to much more.
    payload = b"0" * (1 << 20)
    zpath = _zip(tmp_path / "bomb.zip", [("example.com/large@v1.0.0/bomb.go", payload)])
    raw = bytearray(zpath.read_bytes())
    small = (10).to_bytes(4, "little")
    local = raw.find(b"PK\x03\x04")
    raw[local + 22 : local + 26] = small  # local header: uncompressed size
    central = raw.find(b"PK\x01\x02")
    raw[central + 24 : central + 28] = small  # central directory: uncompressed size
    zpath.write_bytes(bytes(raw))
    dest = tmp_path / "out"
    with pytest.raises(modzip.ModuleZipError):
        modzip.unzip(dest, MV, zpath)
    written = dest / "bomb.go"
    assert not written.exists() or written.stat().st_size <= 10


def test_zip_file_over_500_mib_is_refused_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "big.zip"
    with big.open("wb") as f:
        f.truncate(MAX_ZIP_FILE + 1)  # sparse: no disk space used
    assert "module zip file is too large" in modzip.check_zip(MV, big).error()


def test_symlinks_and_nested_modules_are_left_out_of_a_directory_zip(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module example.com/large\n")
    (tmp_path / "a.go").write_text("package a\n")
    os.symlink("a.go", tmp_path / "link.go")
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "go.mod").write_text("module example.com/large/nested\n")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref\n")
    cf = modzip.check_dir(tmp_path)
    reasons = {Path(e.path).name: e.reason for e in cf.omitted}
    assert reasons == {
        "link.go": "not a regular file",
        "nested": "directory is in another module",
        ".git": "directory is a version control repository",
    }
    assert sorted(Path(v).name for v in cf.valid) == ["a.go", "go.mod"]


def test_check_zip_rejects_a_bad_module_version(tmp_path: Path) -> None:
    zpath = _zip(tmp_path / "m.zip", [])
    with pytest.raises(modzip.ModuleZipError, match="not canonical"):
        modzip.check_zip(ModuleVersion("example.com/m", "v1.0"), zpath)
    with pytest.raises(modzip.ModuleZipError, match="should be v0 or v1, not v2"):
        modzip.check_zip(ModuleVersion("example.com/m", "v2.0.0"), zpath)
