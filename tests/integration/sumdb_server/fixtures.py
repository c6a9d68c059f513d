"""Helpers for the server suite: a file:// module proxy with fixture modules, and a live server.

The proxy directory is laid out as the go command's GOPROXY protocol wants it
(<escaped path>/@v/list, .info, .mod, .zip), with zips whose files sit under path@version/.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from gomodcheck import note
from gomodcheck.module import escape_path, escape_version

GREET = "corp.example.com/greet"
WORDS = "corp.example.com/Words"  # upper case: exercises case-encoding (!words)

FIXTURE_MODULES: dict[tuple[str, str], dict[str, str]] = {
    (WORDS, "v1.1.0"): {
        "go.mod": f"module {WORDS}\n\ngo 1.21\n",
        "words.go": 'package words\n\nfunc Hello() string { return "hello" }\n',
    },
    (GREET, "v1.0.0"): {
        "go.mod": f"module {GREET}\n\ngo 1.21\n\nrequire {WORDS} v1.1.0\n",
        "greet.go": (
            f'package greet\n\nimport "{WORDS}"\n\n'
            'func Greet(name string) string { return words.Hello() + ", " + name }\n'
        ),
    },
}

APP_GO_MOD = f"""module example.com/app

go 1.21

require (
\t{GREET} v1.0.0
\t{WORDS} v1.1.0
)
"""
APP_MAIN = f"""package main

import (
\t"fmt"

\t"{GREET}"
)

func main() {{ fmt.Println(greet.Greet("gopher")) }}
"""


def module_zip(path: str, version: str, files: Mapping[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in sorted(files.items()):
            zf.writestr(f"{path}@{version}/{name}", text)
    return buf.getvalue()


def write_module(root: Path, path: str, version: str, files: Mapping[str, str]) -> None:
    vdir = root / escape_path(path) / "@v"
    vdir.mkdir(parents=True, exist_ok=True)
    ev = escape_version(version)
    (vdir / f"{ev}.info").write_text(
        json.dumps({"Version": version, "Time": "2024-01-02T03:04:05Z"})
    )
    (vdir / f"{ev}.mod").write_text(files["go.mod"])
    (vdir / f"{ev}.zip").write_bytes(module_zip(path, version, files))
    listing = vdir / "list"
    versions = set(listing.read_text().split()) if listing.exists() else set()
    listing.write_text("".join(f"{v}\n" for v in sorted(versions | {version})))


def build_proxy(root: Path, modules: Mapping[tuple[str, str], Mapping[str, str]] | None = None) -> Path:
    for (path, version), files in (modules or FIXTURE_MODULES).items():
        write_module(root, path, version, files)
    return root


def write_app(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "go.mod").write_text(APP_GO_MOD)
    (root / "main.go").write_text(APP_MAIN)
    return root


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def keygen(name: str, out: Path) -> tuple[Path, str]:
    skey, vkey = note.generate_key(name)
    out.mkdir(parents=True, exist_ok=True)
    key_file = out / f"{name}.key"
    key_file.write_text(skey + "\n")
    key_file.chmod(0o600)
    return key_file, vkey


@dataclass
class RunningServer:
    proc: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def get(self, path: str, timeout: float = 30.0) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=timeout) as resp:
                return int(resp.status), resp.read()
        except urllib.error.HTTPError as exc:
            return int(exc.code), exc.read()

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        return int(self.proc.returncode)


def start_server(
    key_file: Path | None, db: Path | None, log: Path, *, upstream: str = "",
    lifetime: float = 300.0, extra: tuple[str, ...] = (), port: int = 0,
) -> RunningServer:
    """Start `gomodcheck sumdb serve` on a free loopback port; it exits by itself after lifetime.

    A port picked free can be taken by a parallel test before the server binds it; then the
    server exits at once and we try another port."""
    for attempt in range(3):
        try:
            return _start_server(key_file, db, log, upstream=upstream, lifetime=lifetime,
                                 extra=extra, port=port or free_port())
        except _PortTakenError:
            if port or attempt == 2:
                raise
    raise AssertionError("unreachable")


class _PortTakenError(AssertionError):
    pass


def _start_server(
    key_file: Path | None, db: Path | None, log: Path, *, upstream: str,
    lifetime: float, extra: tuple[str, ...], port: int,
) -> RunningServer:
    args = [
        sys.executable, "-m", "gomodcheck", "sumdb", "serve",
        "--listen", f"127.0.0.1:{port}", "--lifetime", str(lifetime), *extra,
    ]
    if key_file is not None and db is not None:
        args += ["--key", str(key_file), "--db", str(db)]
    if upstream:
        args += ["--upstream", upstream]
    with log.open("ab") as handle:
        proc = subprocess.Popen(args, stdout=handle, stderr=handle, env={**os.environ})
    server = RunningServer(proc, port, log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            text = log.read_text()
            if "address already in use" in text.lower():
                raise _PortTakenError(f"port {port} taken")
            raise AssertionError(f"server exited with {proc.returncode}:\n{text}")
        with contextlib.suppress(OSError):
            status, _ = server.get("/healthz", timeout=2)
            if status == 200:
                return server
        time.sleep(0.1)
    server.stop(signal.SIGKILL)
    raise AssertionError(f"server did not answer /healthz within 30s:\n{log.read_text()}")


@contextlib.contextmanager
def running_server(*args: object, **kwargs: object) -> Iterator[RunningServer]:
    server = start_server(*args, **kwargs)  # type: ignore[arg-type]
    try:
        yield server
    finally:
        server.stop()


def go_env(tmp: Path, vkey: str, server_url: str, proxy_dir: Path) -> dict[str, str]:
    """A clean environment for the go command using our proxy and our checksum database."""
    gopath = tmp / "gopath"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GO")}
    env.update(
        GOPATH=str(gopath),
        GOMODCACHE=str(gopath / "pkg" / "mod"),
        GOPROXY=proxy_dir.as_uri(),
        GOSUMDB=f"{vkey} {server_url}",
        GONOSUMDB="",
        GOPRIVATE="",
        GONOPROXY="",
        GOFLAGS="-mod=mod",
        GOTOOLCHAIN="local",
        CGO_ENABLED="0",
        GOENV="off",
    )
    if "GOCACHE" in os.environ:
        env["GOCACHE"] = os.environ["GOCACHE"]
    else:
        env["GOCACHE"] = str(Path.home() / ".cache" / "go-build")
    return env


def raw_responses(port: int, *paths: str, pipelined: bool = False) -> list[bytes]:
    """Raw HTTP/1.1 responses to GETs of paths over one keep-alive connection."""
    requests = [f"GET {p} HTTP/1.1\r\nHost: x\r\n\r\n".encode() for p in paths]
    out: list[bytes] = []
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        reader = s.makefile("rb")
        if pipelined:
            s.sendall(b"".join(requests))
        for request in requests:
            if not pipelined:
                s.sendall(request)
            head = b""
            while not head.endswith(b"\r\n\r\n"):
                head += reader.readline()
            length = int(re.search(rb"content-length: (\d+)", head).group(1))  # type: ignore[union-attr]
            out.append(head + reader.read(length))
    return out


def undated(response: bytes) -> bytes:
    """The response without its date header, which changes every second."""
    return re.sub(rb"\r\ndate: [^\r]*", b"", response)
