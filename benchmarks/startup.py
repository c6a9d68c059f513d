"""Start-up time of `gomodcheck --version` (target: median <= 150 ms), with the go command's
`go version` and a bare `python -c pass` in the same run for comparison.

Run: .venv/bin/python benchmarks/startup.py [RUNS]
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_MS = 150.0


def median_ms(argv: list[str], runs: int) -> float:
    subprocess.run(argv, capture_output=True, check=True)  # warm the file cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    script = Path(sys.executable).with_name("gomodcheck")
    ours = (
        [str(script), "--version"]
        if script.exists()
        else [sys.executable, "-m", "gomodcheck", "--version"]
    )
    rows = [
        ("gomodcheck --version", median_ms(ours, runs)),
        ("python -c pass", median_ms([sys.executable, "-c", "pass"], runs)),
    ]
    go = shutil.which("go")
    if go:
        rows.append(("go version", median_ms([go, "version"], runs)))
    for name, ms in rows:
        print(f"{name:<24} median {ms:7.1f} ms over {runs} runs")
    ratio = rows[0][1] / rows[1][1]
    print(
        f"gomodcheck start-up is {ratio:.1f}x a bare Python start-up; "
        f"target <= {TARGET_MS:.0f} ms: {'met' if rows[0][1] <= TARGET_MS else 'NOT met'}"
    )
    return 0 if rows[0][1] <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
