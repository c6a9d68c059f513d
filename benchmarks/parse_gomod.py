"""Parse time of real go.mod files: gomodcheck.modfile in-process versus the go command's
`go mod edit -json` (a whole process, so it includes start-up; shown for scale).

Run: .venv/bin/python benchmarks/parse_gomod.py
"""

from __future__ import annotations

import statistics
import subprocess
import time
import timeit
from collections.abc import Callable
from functools import partial
from pathlib import Path

from gomodcheck.modfile import gomod_to_edit_json, parse_gomod

ASSETS = Path(__file__).resolve().parent.parent / "tests" / "assets" / "modfile" / "gomod"
FILES = (
    "k8s.io_kubernetes_v1.37.2_go.mod",
    "hashicorp-terraform_go.mod",
    "etcd-io-etcd_server_go.mod",
)


def best_ms(fn: Callable[[], object], number: int = 20, repeat: int = 5) -> float:
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1000


def go_ms(path: Path, runs: int = 10) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(["go", "mod", "edit", "-json", str(path)], capture_output=True, check=True)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    print(f"{'file':<36} {'bytes':>7} {'parse':>9} {'+json':>9} {'go mod edit -json':>18}")
    for name in FILES:
        path = ASSETS / name
        data = path.read_bytes()
        parse = best_ms(partial(parse_gomod, data, "go.mod"))
        both = best_ms(lambda: gomod_to_edit_json(parse_gomod(data, "go.mod")))  # noqa: B023
        print(f"{name:<36} {len(data):>7} {parse:>7.2f}ms {both:>7.2f}ms {go_ms(path):>16.1f}ms")


if __name__ == "__main__":
    main()
