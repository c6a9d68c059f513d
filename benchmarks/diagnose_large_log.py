"""Diagnose a 50 MB CI log (a realistic mix) and print wall time and peak RSS.

Usage: python benchmarks/diagnose_large_log.py [SIZE_MB]

The log is GitHub Actions style: timestamps, go test -v output, downloads, ANSI-coloured lint
lines, an unrelated network error, and five module failures spread through it (one repeated 200
times). Each run is a fresh `gomodcheck diagnose` process, so RSS is the whole tool's; a 5 MB log
is measured too, to show that memory does not grow with the log.
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FAILURES = [
    "verifying example.com/lib@v1.0.0: checksum mismatch\n\tdownloaded: h1:AAAA=\n\tgo.sum:     "
    "h1:BBBB=\n\n"
    "SECURITY ERROR\nThis download does NOT match an earlier download recorded in go.sum.\n",
    "go: inconsistent vendoring in /w:\n\tgithub.com/a/b@v1.2.0: is explicitly required in go.mod, "
    "but vendor/modules.txt indicates github.com/a/b@v1.1.0\n\n\tTo ignore the vendor directory, "
    "use "
    "-mod=readonly or -mod=mod.\n\tTo sync the vendor directory, run:\n\t\tgo mod vendor\n",
    "go: download go1.22 for linux/amd64: toolchain not available\n",
    "go: github.com/acme/x@v1.2.3: verifying go.mod: github.com/acme/x@v1.2.3/go.mod: reading "
    "https://sum.golang.org/lookup/github.com/acme/x@v1.2.3: 410 Gone\n\tserver response: not "
    "found: "
    "github.com/acme/x@v1.2.3: invalid version: unknown revision v1.2.3\n",
]
REPEATED = (
    "main.go:6:2: missing go.sum entry for module providing package example.com/lib "
    "(imported by example.com/app); to add:\n\tgo get example.com/app\n"
)


def make_log(path: Path, size: int) -> int:
    rng = random.Random(7)
    noise = [
        "=== RUN   TestHandler/case_{n}\n",
        "--- PASS: TestHandler/case_{n} (0.00s)\n",
        "ok  \tgithub.com/acme/api/pkg{n}\t0.{n}s\tcoverage: 81.2% of statements\n",
        "go: downloading github.com/acme/dep{n} v1.{n}.0\n",
        "\x1b[33mwarning\x1b[0m: pkg{n}/x.go:12:3: exported function should have comment "
        "(revive)\n",
        "    handler_test.go:{n}: got 200, want 200\n",
        "Progress {n}%\rProgress 100%\n",
        'Error: Get "https://db.internal:5432/health": dial tcp 10.0.0.{n}:5432: connect: '
        "connection refused\n",
    ]
    written, line, failures = 0, 0, 0
    plan = {int(size * f / 6): FAILURES[i % len(FAILURES)] for i, f in enumerate((1, 2, 3, 4, 5))}
    repeats = {int(size * f / 400) for f in range(100, 300)}
    with path.open("w") as out:
        while written < size:
            text = rng.choice(noise).format(n=rng.randint(1, 99))
            bucket = written
            for mark in [m for m in plan if m <= bucket]:
                text += plan.pop(mark)
                failures += 1
            if any(r <= bucket for r in repeats):
                repeats = {r for r in repeats if r > bucket}
                text += REPEATED
            chunk = "".join(
                f"2026-11-25T10:00:{line % 60:02d}.{line % 10_000_000:07d}Z {ln}\n"
                for ln in text.splitlines()
            )
            out.write(chunk)
            written += len(chunk)
            line += chunk.count("\n")
    return line


CPU: list[float] = []


def regex_fallback_seconds(log: Path) -> tuple[float, float]:
    """In-process scan time with the multi-word matcher and with the pure-re fallback."""
    from gomodcheck.diagnose import scan  # noqa: PLC0415 - measured code, imported on use

    timings = []
    for finder in (scan._find_hits, scan._regex_hits):
        original = scan._find_hits
        scan._find_hits = finder
        try:
            start = time.perf_counter()
            with log.open("rb") as handle:
                sum(1 for _ in scan.scan(handle))
            timings.append(time.perf_counter() - start)
        finally:
            scan._find_hits = original
    return timings[0], timings[1]


def run_once(log: Path) -> tuple[float, float, list[str]]:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before = usage.ru_maxrss
    cpu_before = usage.ru_utime + usage.ru_stime
    start = time.perf_counter()
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "gomodcheck",
            "diagnose",
            str(log),
            "--format",
            "json",
            "--dir",
            "/nonexistent",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = usage.ru_maxrss
    CPU.append(usage.ru_utime + usage.ru_stime - cpu_before)
    found = [
        f"{f['properties']['family']}/{f['properties']['cause']} x{f['properties']['repeats']}"
        for f in json.loads(res.stdout)["findings"]
    ]
    return wall, max(peak, before) / 1024, found


def main() -> int:
    size_mb = float(sys.argv[1]) if len(sys.argv) > 1 else 50.0
    with tempfile.TemporaryDirectory() as tmp:
        small, large = Path(tmp) / "small.log", Path(tmp) / "large.log"
        make_log(small, 5 << 20)
        lines = make_log(large, int(size_mb * (1 << 20)))
        # RUSAGE_CHILDREN keeps the maximum over all children, so measure the small log first.
        wall_s, rss_s, _ = run_once(small)
        walls = []
        for _ in range(3):
            wall, rss_l, found = run_once(large)
            walls.append(wall)
        print(f"log: {large.stat().st_size / (1 << 20):.1f} MB, {lines:,} lines")
        print(
            f"diagnose wall time: best {min(walls):.2f} s, median {sorted(walls)[1]:.2f} s (3 "
            "runs; includes interpreter start)"
        )
        print(
            f"peak RSS: {rss_l:.0f} MiB for {size_mb:.0f} MB (5 MB log: {rss_s:.0f} MiB, "
            f"{wall_s:.2f} s)"
        )
        print(f"CPU time (user+sys) of the diagnose process: best {min(CPU[1:]):.2f} s")
        fast, slow = regex_fallback_seconds(small)
        print(
            f"scan of the 5 MB log in-process: {fast:.3f} s with Aho-Corasick, {slow:.3f} s with "
            f"the pure-re fallback ({slow / fast:.0f}x)"
        )
        print(f"throughput: {large.stat().st_size / (1 << 20) / min(walls):.0f} MB/s")
        print("findings:", "; ".join(found))
    return 0


if __name__ == "__main__":
    sys.exit(main())
