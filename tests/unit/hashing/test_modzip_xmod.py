"""x/mod zip's own test data (create, create_from_dir, check_files, check_dir, check_zip, unzip).

Each case gives module path and version, the files, and the expected h1: hash of the zip or
the expected error, or the expected valid/omitted/invalid lists — the same verdicts the go
command reaches when it makes or unpacks a module zip.
"""

from __future__ import annotations

import os
import warnings
import zipfile
from pathlib import Path

import pytest

from gomodcheck import dirhash, modzip
from gomodcheck.module import ModuleVersion
from tests.unit.hashing import txtar

DATA = Path(__file__).resolve().parents[2] / "assets" / "hashing" / "xmod_zip"


def _cases(kind: str) -> list[Path]:
    return sorted((DATA / kind).glob("*.txt"))


def _ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


def _format(cf: modzip.CheckedFiles) -> str:
    out = ["valid:\n", *(f"{v}\n" for v in cf.valid), "\nomitted:\n"]
    out += [f"{e.path}: {e.reason}\n" for e in cf.omitted]
    out += ["\ninvalid:\n", *(f"{e.path}: {e.reason}\n" for e in cf.invalid)]
    return "".join(out)


def _write_tree(root: Path, files: list[tuple[str, bytes]]) -> None:
    for name, data in files:
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _mv(arc: txtar.Archive) -> ModuleVersion:
    return ModuleVersion(arc.params["path"], arc.params["version"])


def _expect(arc: txtar.Archive, action: object, tmp_zip: Path) -> None:
    want_err = arc.params.get("wantErr", "")
    try:
        action() if callable(action) else None
    except modzip.ModuleZipError as exc:
        assert want_err, f"unexpected error: {exc}"
        assert want_err in str(exc)
        return
    assert not want_err, f"unexpected success; wanted error containing {want_err!r}"
    if tmp_zip.suffix == ".zip":
        assert dirhash.hash_zip(tmp_zip) == arc.params["hash"]


@pytest.mark.parametrize("case", _cases("create"), ids=_ids(_cases("create")))
def test_create_makes_the_zip_the_go_command_makes(case: Path, tmp_path: Path) -> None:
    arc = txtar.load(case)
    out = tmp_path / "m.zip"
    files = [modzip.DataFile(name, data) for name, data in arc.files]

    def action() -> None:
        with out.open("wb") as f:
            modzip.create(f, _mv(arc), files)

    _expect(arc, action, out)


@pytest.mark.parametrize("case", _cases("create_from_dir"), ids=_ids(_cases("create_from_dir")))
def test_create_from_dir_makes_the_zip_the_go_command_makes(case: Path, tmp_path: Path) -> None:
    arc = txtar.load(case)
    src = tmp_path / "src"
    src.mkdir()
    _write_tree(src, arc.files)
    out = tmp_path / "m.zip"

    def action() -> None:
        with out.open("wb") as f:
            modzip.create_from_dir(f, _mv(arc), src)

    _expect(arc, action, out)


@pytest.mark.parametrize("case", _cases("unzip"), ids=_ids(_cases("unzip")))
def test_unzip_extracts_or_refuses_like_the_go_command(case: Path, tmp_path: Path) -> None:
    arc = txtar.load(case)
    zpath = tmp_path / "in.zip"
    _write_zip(zpath, arc.files)
    dest = tmp_path / "out"
    mv = _mv(arc)
    want_err = arc.params.get("wantErr", "")
    try:
        modzip.unzip(dest, mv, zpath)
    except modzip.ModuleZipError as exc:
        assert want_err and want_err in str(exc), str(exc)
        return
    assert not want_err, f"unexpected success; wanted error containing {want_err!r}"
    assert dirhash.hash_dir(dest, f"{mv.path}@{mv.version}/") == arc.params["hash"]


def _want(arc: txtar.Archive) -> tuple[str, list[tuple[str, bytes]]]:
    want = next(data for name, data in arc.files if name == "want").decode()
    return want, [(n, d) for n, d in arc.files if n != "want"]


@pytest.mark.parametrize("case", _cases("check_files"), ids=_ids(_cases("check_files")))
def test_check_files_sorts_files_like_x_mod(case: Path) -> None:
    want, files = _want(txtar.load(case))
    cf, _ = modzip.check_files([modzip.DataFile(n, d) for n, d in files])
    assert _format(cf) == want
    assert cf.error() == "\n".join(str(e) for e in cf.invalid)


@pytest.mark.parametrize("case", _cases("check_dir"), ids=_ids(_cases("check_dir")))
def test_check_dir_lists_every_file_with_its_reason(case: Path, tmp_path: Path) -> None:
    want, files = _want(txtar.load(case))
    _write_tree(tmp_path, files)
    got = _format(modzip.check_dir(tmp_path)).replace(str(tmp_path), "$work")
    assert got.replace(os.sep, "/") == want


@pytest.mark.parametrize("case", _cases("check_zip"), ids=_ids(_cases("check_zip")))
def test_check_zip_lists_every_bad_member(case: Path, tmp_path: Path) -> None:
    arc = txtar.load(case)
    want, files = _want(arc)
    zpath = tmp_path / "in.zip"
    _write_zip(zpath, files)
    assert _format(modzip.check_zip(_mv(arc), zpath)) == want


def _write_zip(zpath: Path, files: list[tuple[str, bytes]]) -> None:
    """A zip holding exactly these members, duplicates included (as x/mod's tests write it)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns about duplicate names
        with zipfile.ZipFile(zpath, "w") as z:
            for name, data in files:
                z.writestr(
                    zipfile.ZipInfo(
                        name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
                    ),
                    data,
                )
