"""`gomodcheck sumdb verify-note` and `sumdb keygen` as a user runs them."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tests.conftest import ASSETS, run_cli

CHECKPOINTS = ASSETS / "sumdb_checkpoints"
SUM_KEY = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8"


def test_verify_note_accepts_a_real_checkpoint_and_prints_signers_and_text() -> None:
    result = run_cli("sumdb", "verify-note", "--key", SUM_KEY, str(CHECKPOINTS / "checkpoint_63096908.note"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "verified: sum.golang.org+033de0ae"
    assert "go.sum database tree\n63096908\n" in result.stdout


def test_verify_note_lists_unknown_cosigners_without_failing() -> None:
    result = run_cli("sumdb", "verify-note", "--key", SUM_KEY, str(CHECKPOINTS / "checkpoint_15081221_cosigned.note"))
    assert result.returncode == 0, result.stderr
    assert "not verified (unknown key): test.example.com+a931a10b" in result.stdout


def test_verify_note_reads_standard_input() -> None:
    data = (CHECKPOINTS / "checkpoint_1514086.note").read_text()
    result = run_cli("sumdb", "verify-note", "--key", SUM_KEY, "-", stdin=data)
    assert result.returncode == 0, result.stderr


def test_verify_note_with_a_changed_byte_exits_1(tmp_path: Path) -> None:
    data = (CHECKPOINTS / "checkpoint_1514086.note").read_bytes()
    changed = tmp_path / "changed.note"
    changed.write_bytes(data.replace(b"1514086", b"1514087", 1))
    result = run_cli("sumdb", "verify-note", "--key", SUM_KEY, str(changed))
    assert result.returncode == 1
    assert "invalid signature for key sum.golang.org+033de0ae" in result.stderr
    assert "Traceback" not in result.stderr


def test_verify_note_signed_only_by_unknown_keys_exits_1(tmp_path: Path) -> None:
    other = run_cli("sumdb", "keygen", "other.example", "--out", str(tmp_path)).stdout.strip()
    result = run_cli("sumdb", "verify-note", "--key", other, str(CHECKPOINTS / "checkpoint_1514086.note"))
    assert result.returncode == 1
    assert "signed only by unknown keys: sum.golang.org+033de0ae" in result.stderr


def test_verify_note_with_broken_cosignature_base64_is_malformed_exit_2() -> None:
    # As published; x/mod rejects the whole note when any signature line does not decode.
    result = run_cli("sumdb", "verify-note", "--key", SUM_KEY, str(CHECKPOINTS / "checkpoint_6353345_cosigned.note"))
    assert result.returncode == 2
    assert "malformed note" in result.stderr


@pytest.mark.parametrize("key", ["not-a-key", SUM_KEY[:-1] + "9"])
def test_verify_note_with_a_malformed_key_exits_2(key: str) -> None:
    result = run_cli("sumdb", "verify-note", "--key", key, str(CHECKPOINTS / "checkpoint_1514086.note"))
    assert result.returncode == 2
    assert "verifier" in result.stderr
    assert "Traceback" not in result.stderr


def test_verify_note_missing_file_exits_2(tmp_path: Path) -> None:
    result = run_cli("sumdb", "verify-note", "--key", SUM_KEY, str(tmp_path / "nope.note"))
    assert result.returncode == 2
    assert "cannot read" in result.stderr


def test_verify_note_key_file(tmp_path: Path) -> None:
    keys = tmp_path / "keys.txt"
    keys.write_text("# trusted\n" + SUM_KEY + "\n")
    result = run_cli("sumdb", "verify-note", "--key-file", str(keys), str(CHECKPOINTS / "checkpoint_6476701.note"))
    assert result.returncode == 0, result.stderr


def test_keygen_writes_private_key_0600_and_prints_the_verifier_key(tmp_path: Path) -> None:
    result = run_cli("sumdb", "keygen", "sumdb.example.com", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    vkey = result.stdout.strip()
    assert vkey.startswith("sumdb.example.com+")
    key_file = tmp_path / "sumdb.example.com.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text().startswith("PRIVATE+KEY+sumdb.example.com+")
    assert (tmp_path / "sumdb.example.com.vkey").read_text().strip() == vkey
    assert "PRIVATE" not in result.stdout + result.stderr


def test_keygen_never_overwrites_without_force(tmp_path: Path) -> None:
    first = run_cli("sumdb", "keygen", "db.example", "--out", str(tmp_path))
    assert first.returncode == 0
    before = (tmp_path / "db.example.key").read_bytes()
    again = run_cli("sumdb", "keygen", "db.example", "--out", str(tmp_path))
    assert again.returncode == 2
    assert "already exists" in again.stderr
    assert (tmp_path / "db.example.key").read_bytes() == before
    forced = run_cli("sumdb", "keygen", "db.example", "--out", str(tmp_path), "--force")
    assert forced.returncode == 0
    assert (tmp_path / "db.example.key").read_bytes() != before
    assert stat.S_IMODE((tmp_path / "db.example.key").stat().st_mode) == 0o600


def test_keygen_rejects_an_invalid_name(tmp_path: Path) -> None:
    result = run_cli("sumdb", "keygen", "bad+name", "--out", str(tmp_path))
    assert result.returncode == 2
    assert not list(tmp_path.iterdir())

