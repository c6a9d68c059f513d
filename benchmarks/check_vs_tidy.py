"""Wall time and peak RSS of `gomodcheck check` versus `go mod tidy -diff` on a large project.

    python benchmarks/check_vs_tidy.py [--module k8s.io/kubernetes@v1.31.0] [--runs 3]

The project is the module zip from the proxy, with its directory replacements (Kubernetes'
staging modules) filled in from the proxy too. Both tools run with the same warm module cache
(GOMODCACHE, default tests/.cache/gomodcache).

Warm: each tool keeps what it learned between runs, and one untimed run of each fills it first:
the go command its module index in GOCACHE, gomodcheck its scan cache and its last verdict in
GOMODCHECK_STATE_DIR (tests/.cache/bench/state). On an unchanged tree gomodcheck reuses its
verdict; "warm, one file edited" appends a comment to one .go file before each run, so gomodcheck
checks again with the scan cache (the edited file is read afresh). Cold: an empty GOCACHE for
the go command, --no-cache for gomodcheck.
The runs of the two tools alternate, so that a change in the machine's load hits both; the load
average is printed with the results (other work on the machine makes wall times noisy, and CPU
times less so).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("GOMODCACHE_BENCH", REPO / "tests" / ".cache" / "gomodcache"))
WORK = REPO / "tests" / ".cache" / "bench"


def go_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GO")}
    env.update(
        GOMODCACHE=str(CACHE),
        GOFLAGS="-modcacherw",
        GOTOOLCHAIN="local",
        GOWORK="off",
        GOPROXY="https://proxy.golang.org",
        GOPATH=str(CACHE.parent / "gopath"),
        GOCACHE=str(CACHE.parent / "gocache"),
    )
    return env


def fetch(modver: str, dest: Path) -> None:
    r = subprocess.run(
        ["go", "mod", "download", "-json", modver],
        cwd="/",
        env=go_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    info = json.loads(r.stdout)
    if "Error" in info:
        raise SystemExit(f"go mod download {modver}: {info['Error']}")
    prefix = f"{info['Path']}@{info['Version']}/"
    with zipfile.ZipFile(info["Zip"]) as z:
        for name in z.namelist():
            if name.startswith(prefix) and not name.endswith("/"):
                out = dest / name[len(prefix) :]
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(z.read(name))
    sys.path.insert(0, str(REPO / "src"))
    from gomodcheck.modfile import parse_gomod  # noqa: PLC0415

    gomod = parse_gomod((dest / "go.mod").read_bytes(), "go.mod")
    required = {r.path: r.version for r in gomod.require}
    version = info["Version"]
    for rep in gomod.replace:
        if not rep.is_directory or rep.old.path not in required:
            continue
        target = (dest / rep.new.path).resolve()
        if (target / "go.mod").exists():
            continue
        v = required[rep.old.path]
        if v.startswith("v0.0.0"):
            v = "v0." + version[3:] if version.startswith("v1.") else version
        fetch(f"{rep.old.path}@{v}", target)


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, int, int, float]:
    """(wall seconds, peak RSS in MiB, exit status, CPU seconds) of one run."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    cpu = usage.ru_utime + usage.ru_stime
    return wall, usage.ru_maxrss // 1024, os.waitstatus_to_exitcode(status), cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--module", default="k8s.io/kubernetes@v1.31.0")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    project = WORK / args.module.replace("/", "_")
    if not (project / ".fetched").exists():
        shutil.rmtree(project, ignore_errors=True)
        fetch(args.module, project)
        (project / ".fetched").write_text(args.module)
    env = go_env()
    env["GOMODCHECK_STATE_DIR"] = str(WORK / "state")
    ours_cmd = [sys.executable, "-m", "gomodcheck", "check", str(project), "--format", "json"]
    go_cmd = ["go", "mod", "tidy", "-diff"]
    load_start = os.getloadavg()[0]
    timed(go_cmd, project, env)  # warm-up: downloads, fills the module index
    timed(ours_cmd, project, env)  # warm-up: fills the scan cache
    go_runs, our_runs = [], []
    for _ in range(args.runs):
        go_runs.append(timed(go_cmd, project, env))
        our_runs.append(timed(ours_cmd, project, env))
    go_t = statistics.median(r[0] for r in go_runs)
    our_t = statistics.median(r[0] for r in our_runs)
    go_cpu = statistics.median(r[3] for r in go_runs)
    our_cpu = statistics.median(r[3] for r in our_runs)
    print(f"project: {args.module} ({sum(1 for _ in project.rglob('*.go'))} .go files in the tree)")
    print(
        f"go mod tidy -diff : median {go_t:6.2f}s wall {go_cpu:6.2f}s CPU  "
        f"peak RSS {max(r[1] for r in go_runs):5d} MiB  exit {go_runs[0][2]}"
    )
    print(
        f"gomodcheck check  : median {our_t:6.2f}s wall {our_cpu:6.2f}s CPU  "
        f"peak RSS {max(r[1] for r in our_runs):5d} MiB  exit {our_runs[0][2]}"
    )
    print(
        f"load average: {load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end "
        f"(on {os.cpu_count()} cores; wall times are noisy when it is high)"
    )
    print(
        f"ratio gomodcheck/go: wall {our_t / go_t:.2f}, CPU {our_cpu / go_cpu:.2f} "
        "(target <= 0.5); "
        f"runs={args.runs}, machine: "
        f"{os.cpu_count()} cores, Python {sys.version.split()[0]}"
    )
    edited = project / "cmd" / "kubectl" / "kubectl.go"
    original = edited.read_bytes()
    go_edit, our_edit = [], []
    try:
        for i in range(args.runs):
            edited.write_bytes(original + f"\n// benchmark edit {i}\n".encode())
            go_edit.append(timed(go_cmd, project, env))
            edited.write_bytes(original + f"\n// benchmark edit {i}b\n".encode())
            our_edit.append(timed(ours_cmd, project, env))
    finally:
        edited.write_bytes(original)
    ge = statistics.median(r[0] for r in go_edit)
    oe = statistics.median(r[0] for r in our_edit)
    print(
        f"warm, one file edited: go {ge:.2f}s wall, gomodcheck {oe:.2f}s wall "
        f"{max(r[1] for r in our_edit)} MiB; ratio wall {oe / ge:.2f}"
    )
    # CI runners often keep GOMODCACHE but not GOCACHE (the go command's module index) nor
    # gomodcheck's state: both tools then scan every file.
    import tempfile  # noqa: PLC0415

    cold_go, cold_ours = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as gocache:
            cold_go.append(timed(go_cmd, project, {**env, "GOCACHE": gocache}))
        cold_ours.append(timed([*ours_cmd, "--no-cache"], project, env))
    cg = statistics.median(r[0] for r in cold_go)
    co = statistics.median(r[0] for r in cold_ours)
    cgc = statistics.median(r[3] for r in cold_go)
    coc = statistics.median(r[3] for r in cold_ours)
    print(
        f"cold index (empty GOCACHE / --no-cache): go {cg:.2f}s wall {cgc:.2f}s CPU "
        f"{max(r[1] for r in cold_go)} MiB, gomodcheck {co:.2f}s wall {coc:.2f}s CPU "
        f"{max(r[1] for r in cold_ours)} MiB; ratio wall {co / cg:.2f}, CPU {coc / cgc:.2f}; "
        f"load {os.getloadavg()[0]:.1f}"
    )
    # Same verdict on the same tree?
    go_out = subprocess.run(
        go_cmd, cwd=project, env=env, capture_output=True, text=True, check=False
    )
    ours = subprocess.run(
        ours_cmd, cwd=project, env=env, capture_output=True, text=True, check=False
    )
    n = len(json.loads(ours.stdout)["findings"]) if ours.stdout.strip().startswith("{") else -1
    print(
        f"verdicts: go exit {go_out.returncode} ({len(go_out.stdout.splitlines())} diff lines), "
        f"gomodcheck exit {ours.returncode} ({n} findings)"
    )


if __name__ == "__main__":
    main()
