"""Our h1: hashes equal the go command's on real modules from the module proxy.

CI runs the sample in tests/assets/hashing/corpus_ci.txt (about 420 module versions drawn from
the closures of kubernetes, etcd, prometheus, moby, containerd, terraform, x/tools and gopls);
`python scripts/hash_oracle.py` runs the full closures (over 1,800 module versions).
"""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from gomodcheck import dirhash
from tests.oracle.hashing.corpus import Downloaded, decode_stream, go_env, to_downloaded

pytestmark = pytest.mark.oracle

SAMPLE = Path(__file__).resolve().parents[2] / "assets" / "hashing" / "corpus_ci.txt"


@dataclass(frozen=True)
class Ours:
    module: Downloaded
    zip_hash: str
    dir_hash: str
    gomod_hash: str
    ziphash_file: str


def _ours(d: Downloaded) -> Ours:
    return Ours(
        d,
        dirhash.hash_zip(d.zip),
        dirhash.hash_dir(d.dir, f"{d.path}@{d.version}"),
        dirhash.hash_gomod(Path(d.gomod).read_bytes()),
        Path(d.zip).with_suffix(".ziphash").read_text().strip(),
    )


@pytest.fixture(scope="session")
def sample_hashes(
    go_bin: str, shared_gomodcache: Path, tmp_path_factory: pytest.TempPathFactory
) -> list[Ours]:
    wanted = [
        ln.strip()
        for ln in SAMPLE.read_text().splitlines()
        if ln.strip() and not ln.startswith("#")
    ]
    work = tmp_path_factory.mktemp("download")
    proc = subprocess.run(
        [go_bin, "mod", "download", "-json", *wanted],
        cwd=work,
        env=go_env(shared_gomodcache),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    objs = decode_stream(proc.stdout)
    errors = [str(o["Error"]) for o in objs if "Error" in o]
    if errors or len(objs) != len(wanted):
        pytest.fail(
            "go mod download failed (is https://proxy.golang.org reachable?):\n"
            + "\n".join(errors[:10])
            + proc.stderr[-2000:]
        )
    downloaded = [to_downloaded(o) for o in objs]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(_ours, downloaded))


def _disagreements(results: list[Ours], ours: str, theirs: str) -> list[str]:
    return [
        f"{r.module.path}@{r.module.version}: ours {getattr(r, ours)} go {theirs_value}"
        for r in results
        if getattr(r, ours) != (theirs_value := _theirs(r, theirs))
    ]


def _theirs(r: Ours, field: str) -> str:
    return r.ziphash_file if field == "ziphash_file" else str(getattr(r.module, field))


def test_sample_is_large_and_varied(sample_hashes: list[Ours]) -> None:
    paths = [r.module.path for r in sample_hashes]
    assert len(sample_hashes) >= 400
    assert any(p != p.lower() for p in paths), "no case-encoded module path in the sample"
    assert any("+incompatible" in r.module.version for r in sample_hashes)


def test_zip_hash_equals_go_mod_download_sum(sample_hashes: list[Ours]) -> None:
    bad = _disagreements(sample_hashes, "zip_hash", "sum")
    assert not bad, f"{len(bad)} of {len(sample_hashes)} disagree:\n" + "\n".join(bad[:20])


def test_extracted_dir_hash_equals_go_mod_download_sum(sample_hashes: list[Ours]) -> None:
    bad = _disagreements(sample_hashes, "dir_hash", "sum")
    assert not bad, f"{len(bad)} of {len(sample_hashes)} disagree:\n" + "\n".join(bad[:20])


def test_zip_hash_equals_ziphash_file_in_module_cache(sample_hashes: list[Ours]) -> None:
    bad = _disagreements(sample_hashes, "zip_hash", "ziphash_file")
    assert not bad, f"{len(bad)} of {len(sample_hashes)} disagree:\n" + "\n".join(bad[:20])


def test_gomod_hash_equals_go_mod_download_gomodsum(sample_hashes: list[Ours]) -> None:
    bad = _disagreements(sample_hashes, "gomod_hash", "gomod_sum")
    assert not bad, f"{len(bad)} of {len(sample_hashes)} disagree:\n" + "\n".join(bad[:20])
