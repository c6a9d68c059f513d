"""Odd zips hash exactly as x/mod's dirhash.HashZip hashes them, or fail where it fails.

A small Go program (tests/assets/hashing/gohash) calls HashZip on each zip; the cases are the
corners a hostile or broken zip can hit: directory entries, duplicate names, names without the
UTF-8 flag, stored and deflated members, a member longer than it declares.
"""

from __future__ import annotations

import shutil
import subprocess
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from gomodcheck import dirhash
from gomodcheck.errors import InputError
from tests.oracle.hashing.corpus import go_env

pytestmark = pytest.mark.oracle

GOHASH = Path(__file__).resolve().parents[2] / "assets" / "hashing" / "gohash"


def _write(
    path: Path, members: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # duplicate names are the point
        with zipfile.ZipFile(path, "w", method) as z:
            for name, data in members:
                z.writestr(name, data)


def _clear_utf8_flags(path: Path) -> None:
    raw = bytearray(path.read_bytes())
    for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (i := raw.find(sig, start)) >= 0:
            flags = int.from_bytes(raw[i + off : i + off + 2], "little") & ~0x800
            raw[i + off : i + off + 2] = flags.to_bytes(2, "little")
            start = i + 4
    path.write_bytes(bytes(raw))


def _shrink_declared_size(path: Path) -> None:
    raw = bytearray(path.read_bytes())
    local, central = raw.find(b"PK\x03\x04"), raw.find(b"PK\x01\x02")
    raw[local + 22 : local + 26] = (3).to_bytes(4, "little")
    raw[central + 24 : central + 28] = (3).to_bytes(4, "little")
    path.write_bytes(bytes(raw))


def _plain(
    members: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED
) -> Callable[[Path], None]:
    return lambda p: _write(p, members, method)


def _then(first: Callable[[Path], None], second: Callable[[Path], None]) -> Callable[[Path], None]:
    def both(p: Path) -> None:
        first(p)
        second(p)

    return both


CASES: dict[str, Callable[[Path], None]] = {
    "empty": _plain([]),
    "directory_entries": _plain([("m@v1.0.0/sub/", b""), ("m@v1.0.0/sub/a.go", b"package a\n")]),
    "directory_entry_with_data": _plain([("m@v1.0.0/sub/", b"xx"), ("m@v1.0.0/a", b"a")]),
    "duplicate_names": _plain([("m@v1.0.0/a.go", b"one"), ("m@v1.0.0/a.go", b"two")]),
    "stored_members": _plain([("m@v1.0.0/a", b"x" * 70000)], zipfile.ZIP_STORED),
    "unsorted_names": _plain([("m@v1.0.0/z", b"z"), ("m@v1.0.0/A", b"A"), ("m@v1.0.0/a", b"a")]),
    "utf8_name_without_flag": _then(
        _plain([("m@v1.0.0/caf\u00e9.go", b"package cafe\n")]), _clear_utf8_flags
    ),
    "utf8_name_with_flag": _plain([("m@v1.0.0/\u00fcber.go", b"package uber\n")]),
    "declared_size_too_small": _then(
        _plain([("m@v1.0.0/big", b"0123456789" * 100)]), _shrink_declared_size
    ),
    "not_a_zip": lambda p: p.write_bytes(b"PK\x03\x04 this is not a zip"),
}


@pytest.fixture(scope="session")
def gohash(go_bin: str, shared_gomodcache: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("gohash")
    for name in ("go.mod", "go.sum", "main.go"):
        shutil.copy(GOHASH / name, src / name)
    proc = subprocess.run(
        [go_bin, "build", "-o", str(src / "gohash"), "."],
        cwd=src,
        env=go_env(shared_gomodcache),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if proc.returncode != 0:
        pytest.fail(
            f"building the Go reference (needs golang.org/x/mod from the proxy):\n{proc.stderr}"
        )
    return src / "gohash"


@pytest.mark.parametrize("case", list(CASES))
def test_odd_zip_hashes_like_x_mod_hashzip(case: str, gohash: Path, tmp_path: Path) -> None:
    zpath = tmp_path / f"{case}.zip"
    CASES[case](zpath)
    theirs = subprocess.run(
        [str(gohash), str(zpath)], capture_output=True, text=True, check=True
    ).stdout.strip()
    try:
        ours = dirhash.hash_zip(zpath)
    except InputError as exc:
        assert theirs.startswith("error:"), f"we failed ({exc}) where Go hashed: {theirs}"
        return
    assert ours == theirs
