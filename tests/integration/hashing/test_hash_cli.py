"""`gomodcheck hash` as a user runs it: zips, directories, go.mod files and bad input."""

from __future__ import annotations

import zipfile
from pathlib import Path

from gomodcheck import dirhash
from tests.conftest import run_cli


def _module(tmp_path: Path) -> tuple[Path, Path]:
    prefix = "github.com/Up/m@v1.2.3"
    files = {"go.mod": "module github.com/Up/m\n", "m.go": "package m\n"}
    zpath = tmp_path / "m.zip"
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(f"{prefix}/{name}", text)
    root = tmp_path / "modcache" / "github.com" / "!up" / "m@v1.2.3"
    root.mkdir(parents=True)
    for name, text in files.items():
        (root / name).write_text(text)
    return zpath, root


def test_hash_of_a_zip_prints_its_h1(tmp_path: Path) -> None:
    zpath, _ = _module(tmp_path)
    proc = run_cli("hash", str(zpath))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == dirhash.hash_zip(zpath) + "\n"


def test_hash_of_a_directory_with_module_equals_the_zip(tmp_path: Path) -> None:
    zpath, root = _module(tmp_path)
    proc = run_cli("hash", str(root), "--module", "github.com/Up/m@v1.2.3")
    assert proc.stdout.strip() == dirhash.hash_zip(zpath), proc.stderr


def test_hash_infers_the_module_of_a_module_cache_directory(tmp_path: Path) -> None:
    zpath, root = _module(tmp_path)
    proc = run_cli("hash", str(root), env={"GOMODCACHE": str(tmp_path / "modcache")})
    assert proc.stdout.strip() == dirhash.hash_zip(zpath), proc.stderr


def test_hash_gomod_prints_the_go_sum_go_mod_hash(tmp_path: Path) -> None:
    gomod = tmp_path / "go.mod"
    gomod.write_bytes(b"module golang.org/x/text\n")
    proc = run_cli("hash", "--gomod", str(gomod))
    assert proc.stdout == "h1:NqM8EUOU14njkJ3fqMW+pc6Ldnwhi/IjpwHt7yyuwOQ=\n"


def test_directory_of_unknown_module_asks_for_module_flag(tmp_path: Path) -> None:
    proc = run_cli("hash", str(tmp_path))
    assert proc.returncode == 2
    assert "--module PATH@VERSION" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_bad_input_exits_2_with_a_clear_message(tmp_path: Path) -> None:
    notzip = tmp_path / "x.zip"
    notzip.write_text("hello")
    gomod = tmp_path / "v1.0.0.mod"
    gomod.write_text("module example.com/m\n")
    cases = [
        (("hash", str(notzip)), "not a valid zip"),
        (("hash", str(tmp_path / "missing")), "no such file"),
        (("hash", str(tmp_path), "--module", "nodot@v1.0.0"), "malformed module path"),
        (("hash", str(tmp_path), "--module", "example.com/m@v1.0"), "not canonical"),
        (("hash", "--gomod", str(tmp_path)), "is a directory"),
        (("hash",), "give a module zip or directory"),
        (("hash", str(gomod)), "use --gomod"),
    ]
    for args, message in cases:
        proc = run_cli(*args)
        assert proc.returncode == 2, (args, proc.stderr)
        assert message in proc.stderr, (args, proc.stderr)
        assert "Traceback" not in proc.stderr
