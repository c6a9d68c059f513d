"""Load benchmark: gomodcheck's checksum-database server versus x/mod's sumdb.Server (Go).

Both serve the same log of N deterministic records (default 1,000,000) signed with the same key;
the script checks that their signed tree heads are byte-identical, then drives each with wrk
(64 connections, loopback) on random full tiles and random lookups, and prints requests/s and p99
latency side by side.

    python benchmarks/sumdb_server_load.py [--records 1000000] [--duration 10] [--connections 64]
        [--runs 3] [--no-access-log] [--processes 2]

Our server runs as a user runs it, with its JSON access log (to a file here) unless
--no-access-log; the Go reference writes no log. --processes N runs N `sumdb serve` processes on
one port (``reuse_port = true``); one process is one event loop, on one core. Both servers and
wrk share this machine's cores: wrk's two threads take about one core at these rates, which
bounds what either server can get.
The load average is printed before and after, as other work on the machine skews the figures.

Needs Go (to build the reference server) and wrk, the HTTP load generator, from the distribution's
packages (Debian/Ubuntu: `apt-get install -y wrk`). The log is built once into tests/.cache/bench/
and reused.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from gomodcheck import note
from gomodcheck.server.logstore import LogStore, bulk_append

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "tests" / ".cache" / "bench"
SEED = bytes(range(32))  # a fixed key, so both servers sign identical heads


def h1(s: str) -> str:
    return "h1:" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()


def records(n: int) -> Iterator[tuple[str, str, bytes]]:
    """Record i, exactly as benchmarks/sumdb_ref/main.go writes it."""
    for i in range(n):
        path = f"example.com/m{i:07d}"
        text = f"{path} v1.0.0 {h1(f'zip{i}')}\n{path} v1.0.0/go.mod {h1(f'mod{i}')}\n"
        yield path, "v1.0.0", text.encode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def build_log(n: int, key_file: Path) -> Path:
    db = CACHE / f"sumdb_{n}.db"
    if db.exists():
        return db
    signer = note.parse_signer_key(key_file.read_text().strip())
    tmp = db.with_suffix(".partial")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    store = LogStore(tmp)
    store.bind_key(signer.verifier().key)
    bulk_append(store, records(n), lambda t: note.sign(t.decode(), [signer]), batch=100_000)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    tmp.rename(db)
    print(f"built a log of {n:,} records in {time.perf_counter() - started:.1f} s -> {db}")
    return db


def build_reference(work: Path) -> Path:
    (work / "go.mod").write_text("module sumdbref\n\ngo 1.22\n\nrequire golang.org/x/mod v0.43.0\n")
    shutil.copy(ROOT / "benchmarks" / "sumdb_ref" / "main.go", work / "main.go")
    cache = os.environ.get("GOMODCACHE", str(ROOT / "tests" / ".cache" / "gomodcache"))
    env = {**os.environ, "GOFLAGS": "-mod=mod", "GOTOOLCHAIN": "local", "GOMODCACHE": cache}
    subprocess.run(["go", "build", "-o", "sumdb_ref", "."], cwd=work, env=env, check=True)
    return work / "sumdb_ref"


def wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float = 600) -> bytes:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited early ({proc.returncode})")
        try:
            with urllib.request.urlopen(url + "/latest", timeout=5) as resp:
                return bytes(resp.read())
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} not ready")


def wrk_script(work: Path, kind: str, n: int) -> Path:
    rng = random.Random(1)
    if kind == "tile":
        full = n // 256
        paths = [f"/tile/8/0/{_tile_n(rng.randrange(full))}" for _ in range(2000)]
        paths += [f"/tile/8/1/{_tile_n(rng.randrange(max(1, full // 256)))}" for _ in range(50)]
    else:
        paths = [f"/lookup/example.com/m{rng.randrange(n):07d}@v1.0.0" for _ in range(2000)]
    script = work / f"{kind}.lua"
    body = ",\n".join(f'"{p}"' for p in paths)
    script.write_text(
        f"local paths = {{\n{body}\n}}\nlocal i = 0\n"
        "request = function()\n  i = i + 1\n"
        "  return wrk.format('GET', paths[(i % #paths) + 1])\nend\n"
    )
    return script


def _tile_n(n: int) -> str:
    digits = f"{n % 1000:03d}"
    while n >= 1000:
        n //= 1000
        digits = f"x{n % 1000:03d}/{digits}"
    return digits


def need_wrk() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit(
            "wrk (the HTTP load generator) is not on PATH. Install it from the distribution's "
            "packages:\n    apt-get install -y wrk      # Debian/Ubuntu, as root (or with sudo)"
        )


def load() -> str:
    """The 1-, 5- and 15-minute load averages (other work on the machine skews the figures)."""
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def run_wrk(url: str, script: Path, duration: int, connections: int) -> tuple[float, str, int]:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s",
         "-s", str(script), url],
        capture_output=True, text=True, check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE).group(1)  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, p99, int(errors.group(1)) if errors else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--runs", type=int, default=1, help="measurements of each pair")
    parser.add_argument("--no-access-log", action="store_true", help="run ours without its log")
    parser.add_argument("--processes", type=int, default=1, help="sumdb serve processes")
    args = parser.parse_args()
    need_wrk()

    CACHE.mkdir(parents=True, exist_ok=True)
    key_file = CACHE / "bench.key"
    if not key_file.exists():
        key_file.write_text(note.generate_key("bench.sumdb.example", seed=SEED)[0] + "\n")
        key_file.chmod(0o600)
    db = build_log(args.records, key_file)

    procs = f"{args.processes} proc" + ("s" if args.processes > 1 else "")
    ours_name = f"gomodcheck ({procs}, {'no ' if args.no_access_log else ''}access log)"
    ref_name = "x/mod sumdb.Server (Go)"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        ref_bin = build_reference(work)
        ours_port, ref_port = free_port(), free_port()
        flags = ["--no-access-log"] if args.no_access_log else []
        if args.processes > 1:
            (work / "reuse.toml").write_text("[sumdb.server]\nreuse_port = true\n")
            flags += ["--config", str(work / "reuse.toml")]
        ours = []
        for i in range(args.processes):
            with (work / f"ours{i}.log").open("wb") as err:  # its JSON log, as in production
                ours.append(subprocess.Popen(
                    [sys.executable, "-m", "gomodcheck", "sumdb", "serve", "--key", str(key_file),
                     "--db", str(db), "--listen", f"127.0.0.1:{ours_port}", *flags],
                    stdout=subprocess.DEVNULL, stderr=err,
                ))  # fmt: skip
        ref = subprocess.Popen(
            [str(ref_bin), "-n", str(args.records), "-addr", f"127.0.0.1:{ref_port}",
             "-key", str(key_file)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            ours_url, ref_url = f"http://127.0.0.1:{ours_port}", f"http://127.0.0.1:{ref_port}"
            ours_head, ref_head = wait_ready(ours_url, ours[0]), wait_ready(ref_url, ref)
            for i in range(1, args.processes):  # /latest above was answered by any one of them
                while b"startup complete" not in (work / f"ours{i}.log").read_bytes():
                    if ours[i].poll() is not None:
                        raise SystemExit(f"server process {i} exited ({ours[i].returncode})")
                    time.sleep(0.2)
            print(f"signed tree heads identical: {ours_head == ref_head}")
            print(ours_head.decode().splitlines()[1], "records;", load())
            print(f"{'endpoint':<8} {'server':<30} {'req/s':>10} {'p99':>10} {'non-2xx':>8}")
            ratios: dict[str, list[float]] = {"tile": [], "lookup": []}
            for _ in range(args.runs):
                for kind in ("tile", "lookup"):
                    script = wrk_script(work, kind, args.records)
                    rps: dict[str, float] = {}
                    for name, url in ((ours_name, ours_url), (ref_name, ref_url)):
                        run_wrk(url, script, 2, args.connections)  # warm-up
                        rps[name], p99, bad = run_wrk(url, script, args.duration, args.connections)
                        print(f"{kind:<8} {name:<30} {rps[name]:>10.0f} {p99:>10} {bad:>8}")
                    ratios[kind].append(rps[ours_name] / rps[ref_name])
            for kind, found in ratios.items():
                each = " ".join(f"{r:.2f}" for r in found)
                print(f"{kind}: gomodcheck/x-mod throughput ratio {statistics.median(found):.2f}"
                      f" (median of {each})")  # fmt: skip
            print(load())
        finally:
            for proc in (*ours, ref):
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()


if __name__ == "__main__":
    main()
