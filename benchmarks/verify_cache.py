"""Benchmark: `gomodcheck verify --cache` against `go mod verify` on a large project's module cache.

    .venv/bin/python benchmarks/verify_cache.py [--project moby] [--runs 3] [--big-zip-mib 480]

Downloads the project's build list into tests/.cache/gomodcache (as the oracle tests do), then
runs, alternately and in the same session, `go mod verify` and `gomodcheck verify --cache`:
cold (empty incremental hash cache) and warm (hash cache filled by a previous run). The files are
in the OS page cache for both tools alike. Prints median wall times, ratios and peak RSS of each
process. Finally it hashes a synthetic module zip near the 500 MiB limit and reports peak RSS.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.oracle.hashing.corpus import PROJECTS_DIR, download, go_env, prepare  # noqa: E402


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, int, int, str, float]:
    """Wall seconds, peak RSS in MiB, exit code, output and CPU seconds of one child process.

    CPU seconds (user + system, the process and the workers it waited for) do not depend on
    what else the machine runs, so they compare fairly on a shared, loaded machine.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert proc.stdout is not None
    out = proc.stdout.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return time.perf_counter() - start, usage.ru_maxrss // 1024, proc.returncode, out, cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--project", default="moby", help="a folder of tests/assets/hashing/projects")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--big-zip-mib", type=int, default=480)
    args = ap.parse_args()

    gomodcache = REPO / "tests" / ".cache" / "gomodcache"
    work = Path(tempfile.mkdtemp(prefix="bench-verify-"))
    env = go_env(gomodcache)
    env.pop("GOFLAGS", None)  # go mod verify must not rewrite anything
    prepare(PROJECTS_DIR / args.project, work / "proj", {**env, "GOFLAGS": "-mod=mod"}, "go")
    t0 = time.perf_counter()
    mods = download(work / "proj", {**env, "GOFLAGS": "-mod=mod"}, "go")
    print(
        f"project {args.project}: {len(mods)} module versions in the cache "
        f"(download/refresh {time.perf_counter() - t0:.1f}s)"
    )
    proj = work / "proj"
    gomodcheck = [sys.executable, "-m", "gomodcheck", "verify", "--cache", str(proj)]

    results: dict[str, list[tuple[float, int, float]]] = {"go": [], "cold": [], "warm": []}
    for i in range(args.runs):
        state = work / f"state{i}"
        our_env = {**env, "GOMODCHECK_STATE_DIR": str(state)}
        for kind, cmd, cmd_env in (
            ("go", ["go", "mod", "verify"], env),
            ("cold", gomodcheck, our_env),
            ("warm", gomodcheck, our_env),
        ):
            secs, rss, rc, out, cpu = run(cmd, proj, cmd_env)
            assert rc == 0, out
            results[kind].append((secs, rss, cpu))
        last = {k: f"{v[-1][0]:.2f}s" for k, v in results.items()}
        print(f"run {i + 1}: wall go {last['go']}  cold {last['cold']}  warm {last['warm']}")
    print(out.strip().splitlines()[-1])

    med = {k: statistics.median(s for s, _, _ in v) for k, v in results.items()}
    cpu = {k: statistics.median(c for _, _, c in v) for k, v in results.items()}
    rss = {k: max(r for _, r, _ in v) for k, v in results.items()}
    load = os.getloadavg()[0]
    print(f"\nmedian of {args.runs} runs, {os.cpu_count()} CPUs, load average {load:.1f}:")
    rows = (
        ("go mod verify", "go", ""),
        ("gomodcheck verify --cache, cold", "cold", "<= 1.0"),
        ("gomodcheck verify --cache, warm", "warm", "<= 0.2"),
    )
    for label, k, target in rows:
        ratio = f"  wall ratio {med[k] / med['go']:.2f}  cpu ratio {cpu[k] / cpu['go']:.2f}"
        print(
            f"  {label:32s} wall {med[k]:6.2f}s  cpu {cpu[k]:6.2f}s  peak RSS {rss[k]:4d} MiB"
            + (f"{ratio} (target {target})" if target else "")
        )

    big = work / "big.zip"
    prefix = "example.com/big@v1.0.0/"
    per_file = 32 << 20
    with zipfile.ZipFile(big, "w", zipfile.ZIP_STORED) as z:
        for n in range((args.big_zip_mib << 20) // per_file):
            with z.open(zipfile.ZipInfo(f"{prefix}data{n:02d}.bin"), "w") as w:
                for _ in range(per_file >> 20):
                    w.write(os.urandom(1 << 20))
    secs, peak, rc, out, _ = run([sys.executable, "-m", "gomodcheck", "hash", str(big)], work, env)
    assert rc == 0, out
    print(
        f"\nhash of a {big.stat().st_size >> 20} MiB module zip: {secs:.2f}s, "
        f"peak RSS {peak} MiB (target < 150 MiB)"
    )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
