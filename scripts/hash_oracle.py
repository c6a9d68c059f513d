"""Full hashing oracle: every module version in the closures of the projects in
tests/assets/hashing/projects (kubernetes API, etcd server, prometheus, moby, containerd,
terraform, x/tools, gopls, gh), downloaded by the go command, re-hashed by gomodcheck.

    .venv/bin/python scripts/hash_oracle.py

Prints, for the zip, the extracted directory, the .ziphash file and the go.mod, how many of the
N module versions agree with `go mod download -json` (Sum, GoModSum) and lists any that do not.
Exit status 1 if any disagree. CI runs a ~420-module sample of the same corpus
(tests/oracle/hashing/test_hash_oracle.py).
"""

from __future__ import annotations

import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.oracle.hashing.corpus import Downloaded, build_corpus  # noqa: E402

from gomodcheck import dirhash  # noqa: E402


def check(d: Downloaded) -> tuple[Downloaded, dict[str, str]]:
    return d, {
        "zip": dirhash.hash_zip(d.zip),
        "dir": dirhash.hash_dir(d.dir, f"{d.path}@{d.version}"),
        "ziphash": Path(d.zip).with_suffix(".ziphash").read_text().strip(),
        "go.mod": dirhash.hash_gomod(Path(d.gomod).read_bytes()),
    }


def main() -> int:
    cache = REPO / "tests" / ".cache" / "gomodcache"
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as work:
        corpus = build_corpus(cache, Path(work))
    print(f"{len(corpus)} module versions downloaded in {time.perf_counter() - t0:.1f}s")
    t0 = time.perf_counter()
    bad: dict[str, list[str]] = {"zip": [], "dir": [], "ziphash": [], "go.mod": []}
    with ProcessPoolExecutor() as pool:
        for d, ours in pool.map(check, corpus, chunksize=8):
            pairs = {  # (ours, the go command's)
                "zip": (ours["zip"], d.sum),
                "dir": (ours["dir"], d.sum),
                "ziphash": (ours["zip"], ours["ziphash"]),
                "go.mod": (ours["go.mod"], d.gomod_sum),
            }
            for kind, (got, want) in pairs.items():
                if got != want:
                    bad[kind].append(f"{d.path}@{d.version}: ours {got} go {want}")
    print(f"hashed in {time.perf_counter() - t0:.1f}s")
    for kind, wrong in bad.items():
        print(f"{kind:8s} {len(corpus) - len(wrong)} of {len(corpus)} agree")
        for line in wrong[:20]:
            print("   ", line)
    return 1 if any(bad.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
