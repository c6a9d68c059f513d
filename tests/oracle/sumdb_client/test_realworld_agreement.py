"""Line by line, our verdicts on a real go.sum equal gosumcheck's against the real sum.golang.org."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ASSETS, run_cli

DB_URL = "https://proxy.golang.org/sumdb/sum.golang.org"


@pytest.mark.oracle
@pytest.mark.realworld
def test_every_line_of_a_real_go_sum_gets_the_same_verdict_as_gosumcheck(
    tmp_path: Path, peer_bins: dict[str, Path]
) -> None:
    lines = (ASSETS / "sumdb" / "cli-cli.go.sum").read_text().splitlines()
    # One tampered line, so that both must also agree on a mismatch.
    victim = next(i for i, line in enumerate(lines) if line.startswith("golang.org/x/text "))
    path, version, _ = lines[victim].split()
    lines[victim] = f"{path} {version} h1:{'C' * 43}="
    proj = tmp_path / "proj"
    proj.mkdir()
    gosum = proj / "go.sum"
    gosum.write_text("\n".join(lines) + "\n")

    gsc = subprocess.run(
        [str(peer_bins["gosumcheck"]), "-u", DB_URL, str(gosum)],
        env={"GONOSUMDB": "none.invalid", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if "dial tcp" in gsc.stdout + gsc.stderr:
        pytest.fail(f"gosumcheck could not reach {DB_URL}: {gsc.stdout}{gsc.stderr}")
    theirs: dict[int, str] = {}
    for out in gsc.stdout.splitlines():
        m = re.match(r".*go\.sum:(\d+): .*?(hash mismatch|404 Not Found|410 Gone)", out)
        assert m, f"unexpected gosumcheck output: {out}"
        theirs[int(m.group(1))] = "mismatch" if m.group(2) == "hash mismatch" else "not-in-database"

    res = run_cli(
        "verify",
        "--sumdb",
        "--format",
        "json",
        str(proj),
        env={
            "GOSUMDB": "sum.golang.org",
            "GOPROXY": "https://proxy.golang.org,direct",
            "GONOSUMDB": "",
            "GOPRIVATE": "",
            "GOFLAGS": "",
            "GOENV": "off",
            "GOMODCHECK_STATE_DIR": str(tmp_path / "state"),
        },
    )
    assert res.returncode == 1, res.stderr
    report = json.loads(res.stdout)
    ours = {f["line"]: f["properties"]["status"] for f in report["findings"]}
    assert ours == theirs
    assert ours[victim + 1] == "mismatch"
    assert report["summary"]["verified"] == len(lines) - len(theirs)
