"""`gomodcheck parse FILE` as a user runs it: output, exit codes, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "modfile"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def assert_usage_error(result: object, *needles: str) -> None:
    assert result.returncode == 2, result.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in result.stderr  # type: ignore[attr-defined]
    assert result.stdout == ""  # type: ignore[attr-defined]
    for needle in needles:
        assert needle in result.stderr  # type: ignore[attr-defined]


def test_go_mod_prints_go_mod_edit_json() -> None:
    r = run_cli("parse", str(ASSETS / "gomod" / "k8s.io_kubernetes_v1.37.2_go.mod"))
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["Module"] == {"Path": "k8s.io/kubernetes"}
    assert list(d) == [
        "Module",
        "Go",
        "GoDebug",
        "Require",
        "Exclude",
        "Replace",
        "Retract",
        "Tool",
        "Ignore",
    ]
    assert r.stdout.startswith('{\n\t"Module": {\n\t\t"Path": "k8s.io/kubernetes"\n\t},\n')


def test_go_work_prints_go_work_edit_json(tmp_path: Path) -> None:
    path = write(tmp_path, "go.work", (ASSETS / "gowork" / "etcd.go.work").read_bytes())
    r = run_cli("parse", str(path))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["Use"][0] == {"DiskPath": "."}


@pytest.mark.parametrize(
    ("name", "key"), [("go.sum", "lines"), ("go.work.sum", "lines"), ("modules.txt", "modules")]
)
def test_kind_is_taken_from_the_file_name(name: str, key: str) -> None:
    r = run_cli("parse", str(ASSETS / "other" / name))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)[key]


def test_vendor_mod_and_stdin_are_go_mod_files(tmp_path: Path) -> None:
    path = write(tmp_path, "vendor.mod", b"module x\n")
    assert json.loads(run_cli("parse", str(path)).stdout)["Module"]["Path"] == "x"
    r = run_cli("parse", "-", "--kind", "gomod", stdin="module y\n")
    assert json.loads(r.stdout)["Module"]["Path"] == "y"


def test_malformed_go_mod_lists_every_problem_and_exits_2(tmp_path: Path) -> None:
    path = write(tmp_path, "go.mod", b"module x\nrequir a.b/c v1.0.0\nrequire (\n\ta.b/c bad\n)\n")
    r = run_cli("parse", str(path))
    assert_usage_error(r)
    assert r.stderr.splitlines() == [
        f"{path}:2: unknown directive: requir",
        f'{path}:4:2: require a.b/c: version "bad" invalid: must be of the form v1.2.3',
    ]


def test_lax_accepts_what_a_dependency_may_contain(tmp_path: Path) -> None:
    path = write(tmp_path, "go.mod", b"module x\nfuture directive\nrequire a.b/c v1.0.0\n")
    assert_usage_error(run_cli("parse", str(path)), "unknown directive: future")
    r = run_cli("parse", "--lax", str(path))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["Require"] == [{"Path": "a.b/c", "Version": "v1.0.0"}]


def test_binary_garbage_is_rejected_with_its_position(tmp_path: Path) -> None:
    path = write(tmp_path, "go.mod", bytes(range(256)) * 4)
    assert_usage_error(run_cli("parse", str(path)), f"{path}:1: unexpected input character '\\x00'")


@pytest.mark.parametrize(("name", "limit"), [("go.mod", "4 MiB"), ("go.sum", "64 MiB")])
def test_a_100_mb_file_is_refused_without_reading_it(tmp_path: Path, name: str, limit: str) -> None:
    path = tmp_path / name
    with path.open("wb") as f:
        f.truncate(100 << 20)  # sparse: no 100 MB written to disk
    assert_usage_error(run_cli("parse", str(path)), "104857600 bytes", limit)


def test_invalid_utf8_is_accepted_as_the_go_command_accepts_it(tmp_path: Path) -> None:
    path = write(tmp_path, "go.mod", b"module ex\xffample.com/x // \xfe\n")
    r = run_cli("parse", str(path))
    assert r.returncode == 0, r.stderr
    assert '"Path": "ex\\ufffdample.com/x"' in r.stdout


def test_crlf_line_endings_parse_like_lf(tmp_path: Path) -> None:
    lf = b"module x\n\ngo 1.22\n\nrequire (\n\ta.b/c v1.0.0 // indirect\n)\n"
    crlf = write(tmp_path, "go.mod", lf.replace(b"\n", b"\r\n"))
    plain = write(tmp_path, "plain.mod", lf)
    r1, r2 = run_cli("parse", str(crlf)), run_cli("parse", str(plain))
    assert r1.returncode == 0, r1.stderr
    assert r1.stdout == r2.stdout
    assert '"Indirect": true' in r1.stdout


def test_byte_order_mark_is_rejected_with_a_hint(tmp_path: Path) -> None:
    path = write(tmp_path, "go.mod", b"\xef\xbb\xbfmodule x\n")
    assert_usage_error(
        run_cli("parse", str(path)),
        f"{path}:1: unexpected input character '\\ufeff'",
        "byte order mark",
    )


def test_empty_file_parses_as_the_go_command_parses_it(tmp_path: Path) -> None:
    r = run_cli("parse", str(write(tmp_path, "go.mod", b"")))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["Module"] == {"Path": ""}


def test_missing_file_and_directory_exit_2(tmp_path: Path) -> None:
    assert_usage_error(run_cli("parse", str(tmp_path / "go.mod")), "no such file")
    (tmp_path / "go.mod").mkdir()
    assert_usage_error(run_cli("parse", str(tmp_path / "go.mod")), "is a directory")


def test_unknown_file_kind_asks_for_kind(tmp_path: Path) -> None:
    assert_usage_error(run_cli("parse", str(write(tmp_path, "notes.txt", b"x"))), "--kind")
    assert_usage_error(run_cli("parse", "--lax", str(write(tmp_path, "go.work", b""))), "--lax")


def test_malformed_go_sum_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "go.sum", b"a.b/c v1.0.0 h1:abc=\nbroken line\n")
    assert_usage_error(run_cli("parse", str(path)), f"{path}:2")


def test_go_is_not_needed_to_parse(tmp_path: Path) -> None:
    path = write(tmp_path, "go.mod", b"module x\n")
    r = run_cli("parse", str(path), env={"PATH": "/nonexistent"})  # no go command to be found
    assert r.returncode == 0, r.stderr
