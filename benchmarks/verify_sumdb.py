"""Benchmark: `gomodcheck verify --sumdb` versus x/mod's gosumcheck on a 1,000,000-record log.

Builds the test peer (tests/peers/sumdbserver, x/mod sumdb.NewServer) and gosumcheck, starts the
server on 127.0.0.1 with N synthetic records, writes a go.sum of M modules (2*M lines) spread
over the log, then measures in the same run:
  - gomodcheck cold (empty state), also in one process (--jobs 1: no forked helper),
  - gomodcheck warm offline (verified cache only),
  - gosumcheck (which has no cache: every run is cold),
each as the median wall time of R runs, with the HTTP requests the server saw. The package is
byte-compiled first (an installed wheel is), so no run pays for compiling the sources. The load
average is printed before and after: on a shared machine, compare only figures from one run.

Usage: .venv/bin/python benchmarks/verify_sumdb.py [--records 1000000] [--modules 1500] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEER = ROOT / "tests" / "peers" / "sumdbserver"
BIN = ROOT / "tests" / ".cache" / "bin"


def build() -> tuple[Path, Path]:
    BIN.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "GOFLAGS": "-mod=mod",
        "GOMODCACHE": str(ROOT / "tests" / ".cache" / "gomodcache"),
    }
    server, gosumcheck = BIN / "sumdbserver", BIN / "gosumcheck"
    subprocess.run(["go", "build", "-o", str(server), "."], cwd=PEER, env=env, check=True)
    subprocess.run(
        ["go", "build", "-o", str(gosumcheck), "golang.org/x/mod/gosumcheck"],
        cwd=PEER,
        env=env,
        check=True,
    )
    return server, gosumcheck


def requests_served(url: str) -> int:
    with urllib.request.urlopen(f"{url}/_requests") as resp:
        return int(resp.read())


def timed(cmd: list[str], env: dict[str, str], url: str) -> tuple[float, int, int, float]:
    """Wall time, requests served, exit code, and the client's CPU time (user + system)."""
    before = requests_served(url)
    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    res = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    after = requests_served(url)
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    return wall, after - before - 1, res.returncode, cpu


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} CPUs"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--modules", type=int, default=1500)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()

    server_bin, gosumcheck = build()
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "gomodcheck")],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    work = Path(tempfile.mkdtemp(prefix="gomodcheck-bench-"))
    proj = work / "proj"
    proj.mkdir()
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [
            str(server_bin),
            "-gen",
            str(args.records),
            "-write-gosum",
            str(proj / "go.sum"),
            "-gosum-count",
            str(args.modules),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        url, vkey = info["url"], info["vkey"]
        lines = len((proj / "go.sum").read_text().splitlines())
        print(f"before: {load()} (wall times grow with load)")
        print(
            f"server: {info['size']:,} records, started in {time.perf_counter() - t0:.1f}s; "
            f"go.sum: {lines:,} lines ({args.modules:,} module versions)"
        )

        ours = [sys.executable, "-m", "gomodcheck", "verify", "--sumdb", str(proj)]
        base = {
            **os.environ,
            "GOSUMDB": f"{vkey} {url}",
            "GOPROXY": "off",
            "GOENV": "off",
            "GONOSUMDB": "",
            "GOPRIVATE": "",
            "GOFLAGS": "",
        }
        results: dict[str, list[tuple[float, int, int, float]]] = {
            "cold": [],
            "cold1": [],
            "warm": [],
            "gosumcheck": [],
        }
        for i in range(args.runs):
            state = work / f"state{i}"
            env = {**base, "GOMODCHECK_STATE_DIR": str(state)}
            results["cold"].append(timed(ours, env, url))
            results["warm"].append(timed([*ours, "--offline"], env, url))
            one = {**env, "GOMODCHECK_STATE_DIR": str(work / f"state{i}-one")}
            results["cold1"].append(timed([*ours, "--jobs", "1"], one, url))
            results["gosumcheck"].append(
                timed(
                    [str(gosumcheck), "-k", vkey, "-u", url, str(proj / "go.sum")],
                    {**base, "GONOSUMDB": "none.invalid"},
                    url,
                )
            )
        print(f"{'':28}{'median s':>10}{'min s':>8}{'cpu s':>8}{'requests':>10}{'exit':>6}")
        for name, label in (
            ("cold", "gomodcheck cold"),
            ("cold1", "gomodcheck cold --jobs 1"),
            ("warm", "gomodcheck warm (--offline)"),
            ("gosumcheck", "gosumcheck (no cache)"),
        ):
            walls = [r[0] for r in results[name]]
            cpu = statistics.median(r[3] for r in results[name])
            print(
                f"{label:28}{statistics.median(walls):10.3f}{min(walls):8.3f}{cpu:8.3f}"
                f"{results[name][-1][1]:10d}{results[name][-1][2]:6d}"
            )
        cold = statistics.median(r[0] for r in results["cold"])
        warm = statistics.median(r[0] for r in results["warm"])
        gsc = statistics.median(r[0] for r in results["gosumcheck"])
        print(f"after:  {load()}")
        print(f"cold / gosumcheck = {cold / gsc:.2f}  (target < 1)")
        print(f"warm / gosumcheck = {warm / gsc:.2f}; warm = {warm:.3f}s (target < 0.5s)")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
