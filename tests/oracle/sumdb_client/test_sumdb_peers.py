"""Our client, the go command and gosumcheck agree on a database built with x/mod/sumdb."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import run_cli

from .conftest import Peer, go_env

MODULE, VERSION = "golang.org/x/mod", "v0.43.0"


@pytest.fixture(scope="module")
def real_sums(
    go_bin: str, shared_gomodcache: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, str]:
    """The real h1: hashes of x/mod v0.43.0 (zip, go.mod), downloaded and verified by Go."""
    env = go_env(go_bin, shared_gomodcache, tmp_path_factory.mktemp("home"))
    res = subprocess.run(
        [go_bin, "mod", "download", "-json", f"{MODULE}@{VERSION}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=tmp_path_factory.mktemp("wd"),
    )
    info = json.loads(res.stdout or "{}")
    if res.returncode != 0 or "Sum" not in info:
        pytest.fail(f"go mod download {MODULE}@{VERSION} failed: {res.stdout}{res.stderr}")
    return info["Sum"], info["GoModSum"]


def _records(tmp_path: Path, zip_sum: str, mod_sum: str) -> Path:
    path = tmp_path / "records.sum"
    path.write_text(f"{MODULE} {VERSION} {zip_sum}\n{MODULE} {VERSION}/go.mod {mod_sum}\n")
    return path


def _go_download(go_bin: str, cache: Path, tmp_path: Path, **env: str) -> dict[str, str]:
    full = go_env(go_bin, tmp_path / "fresh-modcache", tmp_path, **env)
    full.setdefault("GOPROXY", f"file://{cache}/cache/download")
    res = subprocess.run(
        [go_bin, "mod", "download", "-json", f"{MODULE}@{VERSION}"],
        env=full,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=tmp_path,
    )
    subprocess.run(["chmod", "-R", "u+w", str(tmp_path / "fresh-modcache")], check=False)
    out: dict[str, str] = json.loads(res.stdout) if res.stdout.strip() else {"Error": res.stderr}
    return out


def _gosumcheck(bins: dict[str, Path], peer: Peer, gosum: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bins["gosumcheck"]), "-k", peer.vkey, "-u", peer.url, str(gosum)],
        env={"GONOSUMDB": "none.invalid", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _ours(tmp_path: Path, proj: Path, **env: str) -> tuple[int, dict[str, object]]:
    base = {
        "GOENV": "off",
        "GONOSUMDB": "",
        "GOPRIVATE": "",
        "GOFLAGS": "",
        "GOMODCHECK_STATE_DIR": str(tmp_path / "state"),
    }
    res = run_cli("verify", "--sumdb", "--format", "json", str(proj), env={**base, **env})
    return res.returncode, json.loads(res.stdout) if res.stdout.startswith("{") else {
        "stderr": res.stderr
    }


def _project(tmp_path: Path, zip_sum: str, mod_sum: str) -> Path:
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "go.sum").write_text(
        f"{MODULE} {VERSION} {zip_sum}\n{MODULE} {VERSION}/go.mod {mod_sum}\n"
    )
    return proj


@pytest.mark.oracle
def test_all_three_clients_accept_the_honest_database(
    tmp_path: Path,
    go_bin: str,
    shared_gomodcache: Path,
    peer_bins: dict[str, Path],
    start_server: Callable[..., Peer],
    real_sums: tuple[str, str],
) -> None:
    peer = start_server("-gen", "3000", "-records", str(_records(tmp_path, *real_sums)))
    go = _go_download(go_bin, shared_gomodcache, tmp_path, GOSUMDB=f"{peer.vkey} {peer.url}")
    assert "Error" not in go, go
    proj = _project(tmp_path, *real_sums)
    gsc = _gosumcheck(peer_bins, peer, proj / "go.sum")
    assert gsc.returncode == 0 and gsc.stdout == "", gsc.stdout + gsc.stderr
    code, report = _ours(tmp_path, proj, GOSUMDB=f"{peer.vkey} {peer.url}", GOPROXY="off")
    assert code == 0, report
    assert report["summary"]["verified"] == 2  # type: ignore[index]


@pytest.mark.oracle
def test_all_three_clients_reject_a_database_with_another_hash(
    tmp_path: Path,
    go_bin: str,
    shared_gomodcache: Path,
    peer_bins: dict[str, Path],
    start_server: Callable[..., Peer],
    real_sums: tuple[str, str],
) -> None:
    wrong = "h1:" + "B" * 43 + "="
    peer = start_server("-gen", "3000", "-records", str(_records(tmp_path, wrong, real_sums[1])))
    go = _go_download(go_bin, shared_gomodcache, tmp_path, GOSUMDB=f"{peer.vkey} {peer.url}")
    assert "SECURITY ERROR" in go.get("Error", "") or "mismatch" in go.get("Error", ""), go
    proj = _project(tmp_path, *real_sums)
    gsc = _gosumcheck(peer_bins, peer, proj / "go.sum")
    assert "hash mismatch" in gsc.stdout, gsc.stdout + gsc.stderr
    code, report = _ours(tmp_path, proj, GOSUMDB=f"{peer.vkey} {peer.url}", GOPROXY="off")
    assert code == 1
    assert report["summary"]["mismatch"] == 1  # type: ignore[index]
    assert wrong in json.dumps(report["findings"])


@pytest.mark.oracle
def test_go_command_and_we_reach_the_database_through_the_proxy_list(
    tmp_path: Path,
    go_bin: str,
    shared_gomodcache: Path,
    start_server: Callable[..., Peer],
    real_sums: tuple[str, str],
) -> None:
    peer = start_server("-gen", "100", "-records", str(_records(tmp_path, *real_sums)))
    # No URL in GOSUMDB: both find it at <proxy>/sumdb/<name>/supported, the first proxy.
    goproxy = f"{peer.url},file://{shared_gomodcache}/cache/download"
    go = _go_download(go_bin, shared_gomodcache, tmp_path, GOSUMDB=peer.vkey, GOPROXY=goproxy)
    assert "Error" not in go, go
    code, report = _ours(
        tmp_path, _project(tmp_path, *real_sums), GOSUMDB=peer.vkey, GOPROXY=goproxy
    )
    assert code == 0, report
