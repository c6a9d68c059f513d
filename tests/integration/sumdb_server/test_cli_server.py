"""`gomodcheck sumdb add` and `sumdb serve` from the command line: outputs and exit codes."""

from __future__ import annotations

from pathlib import Path

from gomodcheck import note
from tests.conftest import run_cli
from tests.integration.sumdb_server import fixtures


def test_add_records_the_go_sum_lines_and_a_running_server_serves_them(
    tmp_path: Path, proxy_dir: Path, signer: tuple[Path, str]
) -> None:
    key_file, vkey = signer
    db = tmp_path / "log.db"
    with fixtures.running_server(key_file, db, tmp_path / "server.log") as srv:
        added = run_cli("sumdb", "add", "--key", str(key_file), "--db", str(db),
                        "--upstream", proxy_dir.as_uri(), f"{fixtures.WORDS}@v1.1.0")
        assert added.returncode == 0, added.stderr
        assert added.stdout.startswith(f"{fixtures.WORDS} v1.1.0 h1:")
        assert f"{fixtures.WORDS} v1.1.0/go.mod h1:" in added.stdout
        status, body = srv.get("/lookup/corp.example.com/!words@v1.1.0")
        assert status == 200
        assert added.stdout.encode() in body
        # The server has no upstream: what was not added is not found.
        assert srv.get("/lookup/corp.example.com/greet@v1.0.0")[0] == 404
        status, latest = srv.get("/latest")
        assert b"\n1\n" in note.open_note(latest, [note.parse_verifier_key(vkey)]).text.encode()
    again = run_cli("sumdb", "add", "--key", str(key_file), "--db", str(db),
                    "--upstream", proxy_dir.as_uri(), f"{fixtures.WORDS}@v1.1.0")
    assert again.stdout == added.stdout


def test_add_of_a_module_the_upstream_lacks_exits_3_or_1_and_writes_nothing(
    tmp_path: Path, proxy_dir: Path, signer: tuple[Path, str]
) -> None:
    key_file, _ = signer
    result = run_cli("sumdb", "add", "--key", str(key_file), "--db", str(tmp_path / "log.db"),
                     "--upstream", proxy_dir.as_uri(), "corp.example.com/nothere@v1.0.0")
    assert result.returncode == 3
    assert "nothere" in result.stderr
    assert "Traceback" not in result.stderr


def test_add_rejects_a_malformed_module_version_with_exit_2(
    tmp_path: Path, proxy_dir: Path, signer: tuple[Path, str]
) -> None:
    key_file, _ = signer
    result = run_cli("sumdb", "add", "--key", str(key_file), "--db", str(tmp_path / "log.db"),
                     "--upstream", proxy_dir.as_uri(), "corp.example.com/x@1.0")
    assert result.returncode == 2
    assert "corp.example.com/x@1.0" in result.stderr


def test_serve_refuses_a_database_signed_by_another_key(
    tmp_path: Path, proxy_dir: Path, signer: tuple[Path, str]
) -> None:
    key_file, _ = signer
    db = tmp_path / "log.db"
    with fixtures.running_server(key_file, db, tmp_path / "server.log"):
        pass
    other, _ = fixtures.keygen("sumdb.corp.example.com", tmp_path / "other")
    result = run_cli("sumdb", "serve", "--key", str(other), "--db", str(db),
                     "--listen", f"127.0.0.1:{fixtures.free_port()}", "--lifetime", "5")
    assert result.returncode == 2
    assert "cannot change its key" in result.stderr


def test_serve_with_an_unreadable_key_or_bad_listen_exits_2(tmp_path: Path) -> None:
    missing = run_cli("sumdb", "serve", "--key", str(tmp_path / "nope.key"), "--db", str(tmp_path / "db"))
    assert missing.returncode == 2
    assert "cannot read signer key" in missing.stderr
    bad = run_cli("sumdb", "serve", "--key", str(tmp_path / "nope.key"), "--listen", "nowhere")
    assert bad.returncode == 2
    assert "HOST:PORT" in bad.stderr


def test_serve_reads_its_settings_from_a_config_file(
    tmp_path: Path, proxy_dir: Path, signer: tuple[Path, str]
) -> None:
    key_file, _ = signer
    port = fixtures.free_port()
    cfg = tmp_path / "gomodcheck.toml"
    cfg.write_text(f'[sumdb.server]\nkey = "{key_file}"\ndb = "cfg.db"\nlisten = "127.0.0.1:{port}"\n'
                   f'upstream = "{proxy_dir.as_uri()}"\n')
    result = run_cli("sumdb", "serve", "--config", str(cfg), "--lifetime", "3")
    assert (tmp_path / "cfg.db").exists()
    assert f"running on http://127.0.0.1:{port}" in result.stderr
