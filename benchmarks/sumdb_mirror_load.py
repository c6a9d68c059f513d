"""Load benchmark: `gomodcheck sumdb mirror` serving from a warm cache, next to its upstream.

The upstream is x/mod's sumdb.Server (Go, benchmarks/sumdb_ref) serving a deterministic log of N
records (default 1,000,000). The mirror is started in front of it and warmed: every path of the
wrk scripts (2,000 random full level-0 tiles, 50 level-1 tiles, 2,000 random lookups) is asked
once, so each is proved against the signed tree and stored. Then the upstream is stopped and the
mirror restarted with --offline, so every answer comes from its verified store; wrk (64
connections, loopback) drives the mirror and, for scale, the Go server itself (restarted) on the
same paths. Prints requests/s and p99 latency side by side.

    python benchmarks/sumdb_mirror_load.py [--records 1000000] [--duration 10] [--connections 64]
        [--runs 3] [--no-access-log] [--processes 2]

--processes N runs N mirror processes on one port (``reuse_port = true``), sharing the database.

The mirror writes its JSON access log (to /dev/null here) unless --no-access-log; the Go server
writes none. The servers and wrk share this machine's cores (see sumdb_server_load.py).

Needs Go (to build the reference) and wrk, the HTTP load generator, from the distribution's
packages (Debian/Ubuntu: `apt-get install -y wrk`).
"""

from __future__ import annotations

import argparse
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sumdb_server_load import (
    CACHE,
    SEED,
    build_reference,
    free_port,
    load,
    need_wrk,
    run_wrk,
    wait_ready,
    wrk_script,
)

from gomodcheck import note


def start(argv: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def script_paths(script: Path) -> list[str]:
    return re.findall(r'"(/[^"]+)"', script.read_text())


def warm(url: str, paths: list[str]) -> int:
    """Ask each path once (16 at a time); returns how many were not answered 200."""
    with httpx.Client(timeout=60, limits=httpx.Limits(max_connections=16)) as client:

        def get(path: str) -> int:
            return client.get(url + path).status_code

        with ThreadPoolExecutor(16) as pool:
            return sum(1 for status in pool.map(get, paths) if status != 200)


def mirror_argv(port: int, db: Path, vkey: str, upstream: str | None, *extra: str) -> list[str]:
    argv = [sys.executable, "-m", "gomodcheck", "sumdb", "mirror", "--listen",
            f"127.0.0.1:{port}", "--db", str(db), "--key", vkey, *extra]  # fmt: skip
    return [*argv, "--upstream", upstream] if upstream else [*argv, "--offline"]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--runs", type=int, default=1, help="measurements of each server")
    parser.add_argument("--no-access-log", action="store_true", help="run ours without its log")
    parser.add_argument("--processes", type=int, default=1, help="mirror processes")
    args = parser.parse_args()
    need_wrk()

    CACHE.mkdir(parents=True, exist_ok=True)
    key_file = CACHE / "bench.key"
    if not key_file.exists():
        key_file.write_text(note.generate_key("bench.sumdb.example", seed=SEED)[0] + "\n")
        key_file.chmod(0o600)
    vkey = note.parse_signer_key(key_file.read_text().strip()).verifier().key

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        ref_bin = build_reference(work)
        ref_argv = [str(ref_bin), "-n", str(args.records), "-key", str(key_file)]
        ref_port, mirror_port = free_port(), free_port()
        ref_url, mirror_url = f"http://127.0.0.1:{ref_port}", f"http://127.0.0.1:{mirror_port}"
        scripts = {kind: wrk_script(work, kind, args.records) for kind in ("tile", "lookup")}
        db = work / "mirror.db"

        ref = start([*ref_argv, "-addr", f"127.0.0.1:{ref_port}"])
        mirror = start(mirror_argv(mirror_port, db, vkey, ref_url))
        try:
            wait_ready(ref_url, ref)
            wait_ready(mirror_url, mirror)
            started = time.perf_counter()
            failed = sum(warm(mirror_url, script_paths(s)) for s in scripts.values())
            print(f"warmed the mirror in {time.perf_counter() - started:.1f} s "
                  f"({failed} paths not 200)")  # fmt: skip
        finally:
            stop(mirror)
            stop(ref)

        procs = f"{args.processes} procs, " if args.processes > 1 else ""
        ours = f"gomodcheck mirror ({procs}--offline" + (", no log)" if args.no_access_log else ")")
        theirs = "x/mod sumdb.Server (Go, origin)"
        log_flag: tuple[str, ...] = ("--no-access-log",) if args.no_access_log else ()
        if args.processes > 1:
            (work / "reuse.toml").write_text("[sumdb.mirror]\nreuse_port = true\n")
            log_flag = (*log_flag, "--config", str(work / "reuse.toml"))
        rows: dict[tuple[str, str], list[float]] = {}
        print(load())
        print(f"{'endpoint':<8} {'server':<34} {'req/s':>10} {'p99':>10} {'non-2xx':>8}")
        for _ in range(args.runs):
            for name, argv, url, count in (
                (ours, mirror_argv(mirror_port, db, vkey, None, *log_flag), mirror_url,
                 args.processes),
                (theirs, [*ref_argv, "-addr", f"127.0.0.1:{ref_port}"], ref_url, 1),
            ):  # fmt: skip
                running = [start(argv) for _ in range(count)]
                try:
                    for proc in running:
                        wait_ready(url, proc)
                    time.sleep(1.0 if count > 1 else 0)  # any one answering says little of all
                    for kind, script in scripts.items():
                        run_wrk(url, script, 2, args.connections)  # warm-up
                        rps, p99, bad = run_wrk(url, script, args.duration, args.connections)
                        rows.setdefault((kind, name), []).append(rps)
                        print(f"{kind:<8} {name:<34} {rps:>10.0f} {p99:>10} {bad:>8}")
                finally:
                    for proc in running:
                        stop(proc)
        for kind in scripts:
            found = [a / b for a, b in zip(rows[(kind, ours)], rows[(kind, theirs)], strict=True)]
            each = " ".join(f"{r:.2f}" for r in found)
            print(f"{kind}: mirror/x-mod throughput ratio {statistics.median(found):.2f}"
                  f" (median of {each})")  # fmt: skip
        print(load())


if __name__ == "__main__":
    main()
