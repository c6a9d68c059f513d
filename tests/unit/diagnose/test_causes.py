"""Causes are decided by evidence, the fix is a command, and verification is never switched off."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from gomodcheck.diagnose import diagnose
from gomodcheck.diagnose.causes import private_glob
from tests.unit.diagnose.helpers import ASSETS, corpus, only, run

MISMATCH = (
    "verifying a.io/m@v1.0.0: checksum mismatch\n\tdownloaded: h1:DOWN=\n\tgo.sum:     h1:SUM=\n\n"
    "SECURITY ERROR\nThis download does NOT match an earlier download recorded in go.sum.\n"
)


def _cache_with_lookup(tmp_path: Path, zip_hash: str) -> dict[str, str]:
    lookup = tmp_path / "mod" / "cache" / "download" / "sumdb" / "sum.golang.org" / "lookup"
    lookup.mkdir(parents=True)
    (lookup / "a.io").mkdir()
    (lookup / "a.io" / "m@v1.0.0").write_text(
        f"1234\na.io/m v1.0.0 {zip_hash}\na.io/m v1.0.0/go.mod h1:GOMOD=\n\ngo.sum database tree\n"
    )
    return {"GOMODCACHE": str(tmp_path / "mod"), "HOME": str(tmp_path)}


@pytest.mark.parametrize(
    ("database", "cause", "security"),
    [
        ("h1:DOWN=", "gosum-wrong", False),
        ("h1:SUM=", "download-wrong", False),
        ("h1:OTHER=", "security-event", True),
    ],
)
def test_checksum_mismatch_is_decided_by_the_cached_database_answer(
    tmp_path: Path, database: str, cause: str, security: bool
) -> None:
    finding = only(run(MISMATCH, environ=_cache_with_lookup(tmp_path, database)))
    assert finding.properties["cause"] == cause
    assert finding.properties["security"] is security
    assert finding.confidence == "high"


def test_checksum_mismatch_without_evidence_says_it_is_unconfirmed_and_how_to_confirm() -> None:
    finding = only(run(MISMATCH))
    assert finding.properties["cause"] == "unconfirmed"
    assert finding.confidence == "low"
    assert any(
        "--online" in c or "sum.golang.org/lookup/a.io/m@v1.0.0" in c for c in finding.fix_commands
    )


def test_merge_conflict_markers_in_the_checkout_explain_a_malformed_go_sum(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module x\n\ngo 1.22\n")
    (tmp_path / "go.sum").write_text(
        "<<<<<<< HEAD\na.io/m v1.0.0 h1:A=\n=======\na.io/m v1.0.0 h1:B=\n>>>>>>> b\n"
    )
    finding = only(
        run("malformed go.sum:\n/w/go.sum:1: wrong number of fields 2\n", directory=tmp_path)
    )
    assert finding.properties["cause"] == "merge-conflict"
    assert any("lines 1, 3, 5" in e for e in finding.evidence)


def test_missing_entry_is_confirmed_against_the_checked_out_go_sum(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module x\n\ngo 1.22\n")
    (tmp_path / "go.sum").write_text("b.io/n v1.0.0 h1:A=\n")
    finding = only(
        run(
            "go: a.io/m@v1.0.0: missing go.sum entry for go.mod file; to add it:\n\tgo mod download a.io/m\n",
            directory=tmp_path,
        )
    )
    assert finding.confidence == "high"
    assert "go mod download a.io/m" in finding.fix_commands


def test_private_module_gets_the_narrowest_goprivate_glob_for_its_owner() -> None:
    log = (
        "go: github.com/acme/billing@v1.2.3: verifying go.mod: github.com/acme/billing@v1.2.3/go.mod: "
        "reading https://sum.golang.org/lookup/github.com/acme/billing@v1.2.3: 404 Not Found\n"
        "\tserver response:\n\tnot found: github.com/acme/billing@v1.2.3: invalid version: git ls-remote -q origin: exit status 128:\n"
        "\t\tfatal: could not read Username for 'https://github.com': terminal prompts disabled\n"
    )
    finding = only(run(log))
    assert finding.properties["cause"] == "private-module"
    assert finding.fix_commands[0].startswith("go env -w GOPRIVATE=github.com/acme ")


@pytest.mark.parametrize(
    ("module", "glob"),
    [
        ("github.com/acme/billing/v2", "github.com/acme"),
        ("git.corp.example/team/x", "git.corp.example"),
        ("gitlab.com/group/sub/proj", "gitlab.com/group"),
    ],
)
def test_goprivate_glob_is_the_owner_on_hosting_sites_and_the_host_elsewhere(
    module: str, glob: str
) -> None:
    assert private_glob(module) == glob


def test_when_the_log_shows_gosumdb_off_the_report_says_why_not_to() -> None:
    log = "+ export GOSUMDB=off\n" + MISMATCH
    finding = only(run(log))
    assert any("GOSUMDB=off (line 1)" in d for d in finding.do_not)


def test_the_ci_config_of_the_checkout_is_searched_for_weakening_settings(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module x\n\ngo 1.22\n")
    wf = tmp_path / ".github" / "workflows"
    wf.mkdir(parents=True)
    (wf / "ci.yml").write_text("env:\n  GONOSUMDB: '*'\n")
    finding = only(run(MISMATCH, directory=tmp_path))
    assert any("GONOSUMDB=*" in d and ".github/workflows/ci.yml:2" in d for d in finding.do_not)


FORBIDDEN = (
    "GOSUMDB=off",
    "GONOSUMDB=*",
    "GONOSUMDB='*'",
    "-insecure",
    "GOINSECURE",
    "rm go.sum",
    "rm -f go.sum",
    "GOFLAGS=-mod=mod",
    "GOPRIVATE=*",
)


def test_no_fix_command_anywhere_in_the_corpus_switches_verification_off() -> None:
    for row in corpus():
        with (ASSETS / row["file"]).open("rb") as handle:
            report = diagnose(handle, log_name=row["file"], environ={})
        for finding in report.findings:
            for command in finding.fix_commands:
                assert not any(bad in command for bad in FORBIDDEN), (row["file"], command)


def test_a_log_that_holds_no_module_failure_gets_no_finding() -> None:
    report = diagnose(io.BytesIO(b"ok  \texample.com/a\t0.1s\nPASS\n"), environ={})
    assert report.findings == []
    assert report.exit_code() == 0


def test_a_modified_module_cache_is_rechecked_on_this_machine(tmp_path: Path) -> None:
    mod = tmp_path / "mod"
    (mod / "cache" / "download" / "example.com" / "lib" / "@v").mkdir(parents=True)
    (mod / "cache" / "download" / "example.com" / "lib" / "@v" / "v1.0.0.ziphash").write_text(
        "h1:RECORDED="
    )
    (mod / "example.com" / "lib@v1.0.0").mkdir(parents=True)
    (mod / "example.com" / "lib@v1.0.0" / "lib.go").write_text("package lib // patched\n")
    log = "example.com/lib v1.0.0: dir has been modified (/x/example.com/lib@v1.0.0)\n"
    finding = only(run(log, environ={"GOMODCACHE": str(mod), "HOME": str(tmp_path)}))
    assert finding.properties["cause"] == "modcache-dir-modified"
    assert any("still differs from the recorded h1:RECORDED=" in e for e in finding.evidence)
