"""`gomodcheck lint` as a CI maintainer runs it: exit codes, formats, config, SARIF regions."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli


def _project(tmp_path: Path, dockerfile: str) -> Path:
    (tmp_path / "Dockerfile").write_text(dockerfile, encoding="utf-8")
    return tmp_path


def test_clean_directory_exits_0(tmp_path: Path) -> None:
    folder = _project(tmp_path, "FROM golang:1.23\nCOPY go.mod go.sum ./\nRUN go mod download\n")
    result = run_cli("lint", str(folder))
    assert result.returncode == 0, result.stdout + result.stderr


def test_findings_exit_1_and_json_names_rule_file_and_line(tmp_path: Path) -> None:
    folder = _project(tmp_path, "FROM golang:1.23\nENV GOSUMDB=off\n")
    result = run_cli("lint", str(folder), "--format", "json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    (finding,) = data["findings"]
    assert (finding["rule"], finding["file"], finding["line"], finding["column"]) == (
        "GMC-L001",
        "Dockerfile",
        2,
        5,
    )


def test_sarif_has_rule_metadata_and_the_exact_region(tmp_path: Path) -> None:
    folder = _project(tmp_path, "FROM golang:1.23\nRUN go build -mod=mod ./...\n")
    result = run_cli("lint", str(folder), "--format", "sarif")
    assert result.returncode == 1
    run = json.loads(result.stdout)["runs"][0]
    assert "GMC-L007" in {rule["id"] for rule in run["tool"]["driver"]["rules"]}
    region = run["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (2, 14)
    assert region["endColumn"] == 22


def test_fail_on_error_ignores_warnings(tmp_path: Path) -> None:
    folder = _project(tmp_path, "FROM golang:1.23\nENV GOPROXY=direct\n")
    assert run_cli("lint", str(folder), "--fail-on", "error").returncode == 0
    assert run_cli("lint", str(folder)).returncode == 1


def test_config_file_disables_a_rule(tmp_path: Path) -> None:
    folder = _project(tmp_path, "FROM golang:1.23\nENV GOPROXY=direct\n")
    config = tmp_path / "lint.toml"
    config.write_text('[lint]\ndisable = ["GMC-L006"]\n', encoding="utf-8")
    assert run_cli("lint", str(folder), "--config", str(config)).returncode == 0


def test_gomodcheck_toml_is_found_above_the_directory(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "gomodcheck.toml").write_text('[lint]\nexclude = ["legacy"]\n', encoding="utf-8")
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "Dockerfile").write_text(
        "FROM golang\nENV GOSUMDB=off\n", encoding="utf-8"
    )
    assert run_cli("lint", ".", cwd=tmp_path).returncode == 0


def test_malformed_config_or_missing_path_exits_2_without_traceback(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[lint\n", encoding="utf-8")
    bad = run_cli("lint", str(tmp_path), "--config", str(config))
    assert bad.returncode == 2
    assert "bad.toml" in bad.stderr
    assert "Traceback" not in bad.stderr
    missing = run_cli("lint", str(tmp_path / "nope"))
    assert missing.returncode == 2
    assert "Traceback" not in missing.stderr


def test_a_single_file_can_be_linted(tmp_path: Path) -> None:
    folder = _project(tmp_path, "FROM golang:1.23\nENV GOSUMDB=off\n")
    result = run_cli("lint", str(folder / "Dockerfile"), "--format", "github")
    assert result.returncode == 1
    assert "::error" in result.stdout and "line=2" in result.stdout


def test_malformed_workflow_is_reported_as_a_finding_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text("jobs: [\n", encoding="utf-8")
    result = run_cli("lint", str(tmp_path), "--format", "json")
    assert result.returncode == 1
    assert [f["rule"] for f in json.loads(result.stdout)["findings"]] == ["GMC-L000"]


def test_sarif_for_every_rule_is_valid_against_the_sarif_2_1_0_schema() -> None:
    import jsonschema  # type: ignore[import-untyped]  # noqa: PLC0415 - only this test needs it

    assets = Path(__file__).resolve().parents[2] / "assets"
    schema = json.loads((assets / "sarif" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    result = run_cli("lint", str(assets / "lint" / "fixtures"), "--format", "sarif")
    assert result.returncode == 1
    document = json.loads(result.stdout)
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    assert [e.message for e in validator.iter_errors(document)] == []
    assert len(document["runs"][0]["tool"]["driver"]["rules"]) == 19


def test_paths_are_reported_relative_to_the_working_directory_for_annotations(
    tmp_path: Path,
) -> None:
    (tmp_path / "services" / "api").mkdir(parents=True)
    (tmp_path / "services" / "api" / "Dockerfile").write_text(
        "FROM golang:1.23\nENV GOSUMDB=off\n", encoding="utf-8"
    )
    result = run_cli("lint", "services", "--format", "json", cwd=tmp_path)
    assert [f["file"] for f in json.loads(result.stdout)["findings"]] == ["services/api/Dockerfile"]
