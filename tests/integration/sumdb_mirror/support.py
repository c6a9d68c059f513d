"""Running the mirror as a user does (the CLI, in a subprocess) and the go command against it."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

SUM_GOLANG_ORG_KEY = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8"
XTEXT = "golang.org/x/text@v0.14.0"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class MirrorProcess:
    """`gomodcheck sumdb mirror` on a free 127.0.0.1 port; stopped (SIGTERM, then kill) on exit."""

    def __init__(self, db: Path, log: Path, *extra: str, port: int = 0) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.args = [
            sys.executable, "-m", "gomodcheck", "sumdb", "mirror",
            "--listen", f"127.0.0.1:{self.port}", "--db", str(db), "--latest-interval", "0",
            "--lifetime", "300", *extra,
        ]  # fmt: skip
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> MirrorProcess:
        with self.log.open("ab") as err:
            self.proc = subprocess.Popen(self.args, stdout=subprocess.DEVNULL, stderr=err)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"mirror exited {self.proc.returncode}:\n{self.log.read_text()}")
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        self.__exit__()
        pytest.fail(f"mirror did not start:\n{self.log.read_text()}")

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def get(self, path: str) -> httpx.Response:
        return httpx.get(self.url + path, timeout=60)

    def access(self) -> list[dict[str, Any]]:
        """The access-log lines written so far (JSON objects with a path)."""
        lines = []
        for line in self.log.read_text().splitlines():
            try:
                doc = json.loads(line)
            except ValueError:
                continue
            if isinstance(doc, dict) and "path" in doc and "status" in doc:
                lines.append(doc)
        return lines

    def alerts(self) -> list[dict[str, Any]]:
        found = []
        for line in self.log.read_text().splitlines():
            try:
                doc = json.loads(line)
                inner = json.loads(doc["msg"]) if doc.get("level") == "error" else None
            except (ValueError, KeyError, TypeError):
                continue
            if isinstance(inner, dict) and "alert" in inner:
                found.append(inner)
        return found


def go_env(root: Path, gocache: Path, **extra: str) -> dict[str, str]:
    """A fresh GOPATH/GOMODCACHE under root; nothing from the user's go env leaks in."""
    gopath = root / "gopath"
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(root / "home"),
        "GOPATH": str(gopath),
        "GOMODCACHE": str(gopath / "pkg" / "mod"),
        "GOCACHE": str(gocache),
        "GOENV": "off",
        "GOTOOLCHAIN": "local",
        "GOFLAGS": "-modcacherw",
        "GO111MODULE": "on",
        "GONOSUMDB": "",
        "GONOPROXY": "",
        "GOPRIVATE": "",
        "GOINSECURE": "",
    }
    env.update(extra)
    return env


def go_get_xtext(root: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """In a new module under root: `go get golang.org/x/text@v0.14.0`, which writes go.sum."""
    go = shutil.which("go")
    if go is None:
        pytest.fail("the go command is not on PATH; these tests need it")
    project = root / "project"
    project.mkdir(parents=True, exist_ok=True)
    (project / "go.mod").write_text("module example.com/mirrortest\n\ngo 1.21\n")
    return subprocess.run(
        [go, "get", XTEXT], cwd=project, env=env, capture_output=True, text=True, timeout=300,
        check=False,
    )  # fmt: skip


def record_lines(lookup_body: bytes) -> list[str]:
    """The go.sum lines of a lookup answer (its record text)."""
    from gomodcheck.tlog import parse_record  # noqa: PLC0415

    _, text, _ = parse_record(lookup_body)
    return text.decode().splitlines()
