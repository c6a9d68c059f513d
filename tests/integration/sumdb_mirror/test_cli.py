"""The mirror, export and import commands refuse bad input with exit 2 and say why."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli


def test_mirror_help_names_both_ways_to_use_it() -> None:
    done = run_cli("sumdb", "mirror", "--help")
    assert done.returncode == 0
    assert "GOSUMDB" in done.stdout and "GOPROXY" in done.stdout


def test_mirror_with_a_malformed_key_or_listen_address_is_a_usage_error(tmp_path: Path) -> None:
    db = str(tmp_path / "m.db")
    bad_key = run_cli("sumdb", "mirror", "--db", db, "--key", "not-a-key", "--offline")
    assert bad_key.returncode == 2, bad_key.stderr
    assert "--key" in bad_key.stderr
    bad_listen = run_cli("sumdb", "mirror", "--db", db, "--listen", "nowhere", "--offline")
    assert bad_listen.returncode == 2, bad_listen.stderr


def test_import_of_a_file_that_is_not_a_bundle_is_an_input_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.bundle"
    junk.write_bytes(b"not a bundle at all\n" * 10)
    env = {"GOSUMDB": "sum.golang.org", "GOMODCHECK_STATE_DIR": str(tmp_path / "state")}
    done = run_cli("sumdb", "import", str(junk), env=env)
    assert done.returncode == 2, done.stderr
    assert "not a bundle" in done.stderr


def test_import_without_a_key_when_gosumdb_is_off_is_a_usage_error(tmp_path: Path) -> None:
    junk = tmp_path / "b"
    junk.write_bytes(b"x")
    done = run_cli("sumdb", "import", str(junk), env={"GOSUMDB": "off"})
    assert done.returncode == 2
    assert "--key" in done.stderr


def test_mirror_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    from tests.integration.sumdb_mirror.support import MirrorProcess  # noqa: PLC0415

    mirror = MirrorProcess(tmp_path / "m.db", tmp_path / "m.log", "--offline")
    with mirror:
        assert mirror.get("/healthz").json()["offline"] is True
    assert mirror.proc is not None and mirror.proc.returncode == 0


def test_mirror_reads_settings_from_a_config_file_and_flags_override_them(
    tmp_path: Path,
) -> None:
    from tests.integration.sumdb_mirror.support import MirrorProcess  # noqa: PLC0415

    config = tmp_path / "gomodcheck.toml"
    config.write_text(
        '[sumdb.mirror]\noffline = true\nlatest-interval = 1\nupstream = "http://x"\n'
    )
    with MirrorProcess(tmp_path / "m.db", tmp_path / "m.log", "--config", str(config)) as mirror:
        assert mirror.get("/healthz").json()["offline"] is True
    config.write_text("[sumdb.mirror]\nofline = true\n")
    done = run_cli("sumdb", "mirror", "--config", str(config), "--db", str(tmp_path / "m.db"))
    assert done.returncode == 2
    assert "unknown setting 'ofline'" in done.stderr
