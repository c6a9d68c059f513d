"""Our server answers byte for byte as x/mod's sumdb.Server does over the same log: tree head,
lookups, full and partial hash tiles at every level, and data tiles."""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from gomodcheck import note
from gomodcheck.server.logstore import LogStore, bulk_append
from tests.conftest import REPO_ROOT
from tests.integration.sumdb_server import fixtures

pytestmark = pytest.mark.oracle
SEED = bytes(range(32))


def h1(s: str) -> str:
    return "h1:" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()


def records(n: int) -> Iterator[tuple[str, str, bytes]]:
    """Record i, exactly as benchmarks/sumdb_ref/main.go writes it."""
    for i in range(n):
        path = f"example.com/m{i:07d}"
        text = f"{path} v1.0.0 {h1(f'zip{i}')}\n{path} v1.0.0/go.mod {h1(f'mod{i}')}\n"
        yield path, "v1.0.0", text.encode()
N = 70_000  # three tile levels at height 8 (256, 65,536), with partial tiles at each


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:
            return int(resp.status), resp.read()
    except urllib.error.HTTPError as exc:
        return int(exc.code), b""


@pytest.fixture(scope="module")
def servers(go_bin: str, shared_gomodcache: Path,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    tmp = tmp_path_factory.mktemp("serveroracle")
    skey = note.generate_key("bench.sumdb.example", seed=SEED)[0]
    key_file = tmp / "k.key"
    key_file.write_text(skey + "\n")
    signer = note.parse_signer_key(skey)
    store = LogStore(tmp / "log.db")
    bulk_append(store, records(N), lambda t: note.sign(t.decode(), [signer]), batch=20_000)
    store.close()

    (tmp / "ref").mkdir()
    (tmp / "ref" / "go.mod").write_text("module sumdbref\n\ngo 1.22\n\nrequire golang.org/x/mod v0.43.0\n")
    shutil.copy(REPO_ROOT / "benchmarks" / "sumdb_ref" / "main.go", tmp / "ref" / "main.go")
    env = {**os.environ, "GOMODCACHE": str(shared_gomodcache), "GOFLAGS": "-mod=mod",
           "GOTOOLCHAIN": "local"}
    built = subprocess.run([go_bin, "build", "-o", "ref", "."], cwd=tmp / "ref", env=env,
                           capture_output=True, text=True, timeout=300, check=False)
    if built.returncode != 0:
        pytest.fail(f"cannot build the x/mod reference server (needs the Go proxy):\n{built.stderr}")
    port = fixtures.free_port()
    ref = subprocess.Popen([str(tmp / "ref" / "ref"), "-n", str(N), "-addr", f"127.0.0.1:{port}",
                            "-key", str(key_file)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ours = fixtures.start_server(key_file, tmp / "log.db", tmp / "server.log")
    try:
        ref_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                if _get(ref_url + "/latest")[0] == 200:
                    break
            except OSError:  # still building its log in memory
                pass
            assert time.monotonic() < deadline, "reference server did not start"
            assert ref.poll() is None, "reference server exited"
            time.sleep(0.1)
        yield ours.url, ref_url
    finally:
        ours.stop()
        ref.terminate()
        ref.wait(timeout=20)


PATHS = [
    "/latest",
    "/lookup/example.com/m0000000@v1.0.0",
    "/lookup/example.com/m0065535@v1.0.0",
    f"/lookup/example.com/m{N - 1:07d}@v1.0.0",
    "/tile/8/0/000",
    "/tile/8/0/255",
    "/tile/8/0/273.p/112",  # 70,000 = 273 * 256 + 112: the right edge
    "/tile/8/0/273.p/5",
    "/tile/8/1/000",
    "/tile/8/1/001.p/17",  # 70,000 >> 8 = 273 = 256 + 17
    "/tile/8/2/000.p/1",
    "/tile/8/data/000",
    "/tile/8/data/273.p/112",
    "/tile/4/0/000",
    "/tile/4/3/000.p/1",
]


@pytest.mark.parametrize("path", PATHS)
def test_answers_are_byte_identical_to_x_mod_sumdb_server(servers: tuple[str, str], path: str) -> None:
    ours, ref = servers
    got, want = _get(ours + path), _get(ref + path)
    assert want[0] == 200, f"reference answered {want[0]} for {path}"
    assert got == want


@pytest.mark.parametrize("path", ["/lookup/example.com/nothere@v1.0.0", "/tile/8/0/274",
                                  "/lookup/example.com/m0000001@v1.0", "/tile/8/0/000.p/0"])
def test_refusals_agree_with_x_mod_sumdb_server(servers: tuple[str, str], path: str) -> None:
    ours, ref = servers
    got, want = _get(ours + path)[0], _get(ref + path)[0]
    assert got // 100 == 4
    # x/mod reports some failures as 500 (its ServerOps decide); we never do for bad requests.
    assert want in (got, 500)
