"""dirhash: the test vectors of x/mod sumdb/dirhash/hash_test.go, and the edges the go command hits."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import zipfile
from pathlib import Path

import pytest

from gomodcheck import dirhash
from gomodcheck.errors import InputError


def h(s: str) -> str:
    return hashlib.sha256(s.encode()).hexdigest()


def htop(s: str) -> str:
    return "h1:" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()


def _data_opener(name: str) -> io.BytesIO:
    return io.BytesIO(f"data for {name}".encode())


def test_hash1_sorts_names_and_hashes_the_sha256sum_summary() -> None:
    want = htop(f"{h('data for abc')}  abc\n{h('data for xyz')}  xyz\n")
    assert dirhash.hash1(["xyz", "abc"], _data_opener) == want


def test_hash1_rejects_file_names_with_newlines() -> None:
    with pytest.raises(InputError, match="newline"):
        dirhash.hash1(["xyz", "a\nbc"], _data_opener)


def test_hash_dir_names_files_prefix_slash_relpath(tmp_path: Path) -> None:
    (tmp_path / "xyz").write_text("data for xyz")
    (tmp_path / "abc").write_text("data for abc")
    want = htop(f"{h('data for abc')}  prefix/abc\n{h('data for xyz')}  prefix/xyz\n")
    assert dirhash.hash_dir(tmp_path, "prefix") == want


def test_hash_zip_uses_member_names(tmp_path: Path) -> None:
    zpath = tmp_path / "m.zip"
    with zipfile.ZipFile(zpath, "w") as z:
        z.writestr("prefix/xyz", "data for xyz")
        z.writestr("prefix/abc", "data for abc")
    want = htop(f"{h('data for abc')}  prefix/abc\n{h('data for xyz')}  prefix/xyz\n")
    assert dirhash.hash_zip(zpath) == want


def test_zip_and_extracted_dir_of_the_same_module_hash_alike(tmp_path: Path) -> None:
    prefix = "example.com/m@v1.0.0"
    files = {"go.mod": "module example.com/m\n", "a/b/c.go": "package b\n", "README": "hi\n"}
    zpath = tmp_path / "m.zip"
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(f"{prefix}/{name}", text)
    root = tmp_path / "dir"
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    assert dirhash.hash_zip(zpath) == dirhash.hash_dir(root, prefix)


def test_hash_dir_walks_subdirectories_and_cleans_the_prefix(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "xyz").write_text("data for subdir xyz")
    names = [n for n, _ in dirhash.dir_files(tmp_path, "foo/bar@v2.3.4/")]
    assert names == ["foo/bar@v2.3.4/sub/xyz"]


def test_hash_dir_of_a_regular_file_is_an_error(tmp_path: Path) -> None:
    f = tmp_path / "not-a-directory.txt"
    f.write_text("This is a file.")
    with pytest.raises(InputError, match="is not a directory"):
        dirhash.hash_dir(f, "")


def test_hash_dir_reads_through_a_symlinked_file_like_filepath_walk(tmp_path: Path) -> None:
    (tmp_path / "real").write_text("content")
    os.symlink(tmp_path / "real", tmp_path / "link")
    digests = {d.name: d.sha256 for d in dirhash.dir_digests(tmp_path, "p")}
    assert digests == {"p/real": h("content"), "p/link": h("content")}


def test_hash_gomod_is_hash1_over_the_single_name_go_mod() -> None:
    data = b"module example.com/m\n\ngo 1.21\n"
    want = (
        "h1:"
        + base64.b64encode(
            hashlib.sha256(f"{hashlib.sha256(data).hexdigest()}  go.mod\n".encode()).digest()
        ).decode()
    )
    assert dirhash.hash_gomod(data) == want


def test_hash_gomod_of_a_known_real_go_mod() -> None:
    # golang.org/x/text@v0.3.0 has no go.mod; the go command synthesizes "module golang.org/x/text\n"
    # and go.sum records h1:NqM8EUOU14njkJ3fqMW+pc6Ldnwhi/IjpwHt7yyuwOQ= for it.
    assert dirhash.hash_gomod(b"module golang.org/x/text\n") == (
        "h1:NqM8EUOU14njkJ3fqMW+pc6Ldnwhi/IjpwHt7yyuwOQ="
    )


def test_zip_with_duplicate_names_hashes_the_last_member_twice_like_go(tmp_path: Path) -> None:
    zpath = tmp_path / "dup.zip"
    with pytest.warns(UserWarning), zipfile.ZipFile(zpath, "w") as z:
        z.writestr("p/a", "first")
        z.writestr("p/a", "second")
    want = htop(f"{h('second')}  p/a\n{h('second')}  p/a\n")
    assert dirhash.hash_zip(zpath) == want


def test_zip_member_names_without_utf8_flag_are_hashed_as_raw_bytes(tmp_path: Path) -> None:
    zpath = tmp_path / "raw.zip"
    with zipfile.ZipFile(zpath, "w") as z:
        info = zipfile.ZipInfo("p/\u00e9")  # encoded as UTF-8 with the flag set
        z.writestr(info, "x")
    # Clear the UTF-8 flag (bit 11) in both headers: Go then still sees the same bytes.
    raw = bytearray(zpath.read_bytes())
    for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        i = raw.find(sig)
        flags = int.from_bytes(raw[i + off : i + off + 2], "little") & ~0x800
        raw[i + off : i + off + 2] = flags.to_bytes(2, "little")
    zpath.write_bytes(bytes(raw))
    want = (
        "h1:"
        + base64.b64encode(
            hashlib.sha256(f"{h('x')}  ".encode() + "p/\u00e9".encode() + b"\n").digest()
        ).decode()
    )
    assert dirhash.hash_zip(zpath) == want


def test_a_file_that_is_not_a_zip_is_bad_input(tmp_path: Path) -> None:
    f = tmp_path / "x.zip"
    f.write_bytes(b"not a zip")
    with pytest.raises(InputError, match="not a valid zip"):
        dirhash.hash_zip(f)


def test_large_member_hashes_in_chunks(tmp_path: Path) -> None:
    blob = os.urandom(3 * dirhash.CHUNK + 17)
    zpath = tmp_path / "big.zip"
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("p/big", blob)
    digest = hashlib.sha256(blob).hexdigest()
    assert dirhash.zip_digests(zpath) == [dirhash.FileDigest("p/big", digest)]


def test_zip_directory_entries_hash_as_empty_files_like_go(tmp_path: Path) -> None:
    zpath = tmp_path / "dirs.zip"
    with zipfile.ZipFile(zpath, "w") as z:
        z.writestr("p/sub/", b"")
        z.writestr("p/sub/a", "data")
    want = htop(f"{h('')}  p/sub/\n{h('data')}  p/sub/a\n")
    assert dirhash.hash_zip(zpath) == want
