"""Today's go command is driven into failure states and its wording must still be recognised.

The corpus keeps recorded outputs; these tests re-run a representative set of the generator's
scenarios with the go command on PATH, so a wording change in a new Go release shows up here.
"""

from __future__ import annotations

import importlib.util
import io
import sys
from pathlib import Path
from types import ModuleType

import pytest

from gomodcheck.diagnose import diagnose

GENERATOR = Path(__file__).resolve().parents[2] / "assets" / "diagnose" / "generate.py"
# Every scenario the go command can be driven into without a network (generate.py also runs the
# ones that need proxy.golang.org); clean ones guard against false alarms on today's output.
OFFLINE = [
    "gosum_zip",
    "gowork_sum",
    "missing_pkg",
    "updates_gomod",
    "malformed",
    "vendor_version",
    "vendor_lookup",
    "sumdb_just_tagged",
    "tls_mitm",
    "gonosumcheck",
    "toolchain_local",
    "verify_ziphash",
    "replace_missing",
    "path_mismatch",
    "collision",
    "sumdb_latest_zeroed",
    "compile_error",
    "missing_gomod",
    "gosum_gomod",
    "vendor_explicit",
    "vendor_goflags",
    "sumdb_private",
    "proxy_unknown_revision",
    "refused",
    "toolchain_missing",
    "toolchain_blocked",
    "verify_dir",
    "verify_zip",
    "test_failure",
    "network_test",
    "gowork_go_too_old",
]


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("diagnose_generate", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


GEN = _generator()


@pytest.mark.oracle
@pytest.mark.parametrize("scenario", OFFLINE)
def test_todays_go_output_for_each_failure_state_is_diagnosed(go_bin: str, scenario: str) -> None:
    assert go_bin
    outcome = GEN.run_scenario(scenario)
    for style, wrap in GEN.STYLES.items():
        report = diagnose(io.BytesIO(wrap(outcome.command, outcome.output).encode()), environ={})
        found = [(f.properties["family"], f.properties["cause"]) for f in report.findings]
        if outcome.family == "none":
            assert found == [], (style, outcome.output)
            continue
        cause = (
            GEN.DOCKER_CAUSE.get(outcome.cause, outcome.cause)
            if style in ("buildkit", "docker")
            else outcome.cause
        )
        assert (outcome.family, cause) in found, (style, found, outcome.output)


def test_the_oracle_scenarios_exist_in_the_generator() -> None:
    assert set(OFFLINE) <= set(GEN.SCENARIOS)
