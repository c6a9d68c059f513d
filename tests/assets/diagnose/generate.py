"""Drives the real go command into each module failure state and records what it prints.

Run: python tests/assets/diagnose/generate.py  (needs `go` on PATH; the sumdb scenarios also need
https://proxy.golang.org). Writes generated/*.log (each wrapped in one CI log style) and
index_generated.csv. The oracle test imports `SCENARIOS` and `run_scenario` to re-check today's
wording against the recognisers.
"""

from __future__ import annotations

import csv
import http.server
import io
import ipaddress
import os
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

HERE = Path(__file__).resolve().parent
SUMDB = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8 https://proxy.golang.org/sumdb/sum.golang.org"


@dataclass(frozen=True)
class Outcome:
    """What one scenario printed, the command line to show, and the expected diagnosis."""

    output: str
    command: str
    family: str
    cause: str


def _build_cache(root: Path) -> str:
    found = subprocess.run(
        ["go", "env", "GOCACHE"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return found if found and found != "off" else str(root / "gocache")


class Lab:
    """A scratch GOPATH, module cache and file:// proxy holding a few example modules."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.proxy = root / "proxy"
        self.gopath = root / "gopath"
        self.env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(root / "home"),
            "GOPATH": str(self.gopath),
            "GOMODCACHE": str(self.gopath / "pkg" / "mod"),
            # A shared build cache keeps repeated runs fast; it never affects module state.
            "GOCACHE": _build_cache(root),
            "GOENV": str(root / "goenv"),
            "GOPROXY": self.proxy.as_uri(),
            "GONOSUMDB": "example.com",
            "GOSUMDB": "off",
            "GOTOOLCHAIN": "local",
            "GOFLAGS": "-modcacherw",
            "GOTELEMETRY": "off",
        }
        (root / "home").mkdir(parents=True, exist_ok=True)
        self.add_module(
            "example.com/lib",
            "v1.0.0",
            {"lib.go": 'package lib\n\nfunc Hello() string { return "hi" }\n'},
        )
        self.add_module(
            "example.com/lib",
            "v1.1.0",
            {"lib.go": 'package lib\n\nfunc Hello() string { return "hi!" }\n'},
        )
        self.add_module(
            "example.com/dep",
            "v1.0.0",
            {
                "dep.go": 'package dep\n\nimport "example.com/lib"\n\nfunc Hi() string { return lib.Hello() }\n'
            },
            gomod="module example.com/dep\n\ngo 1.21\n\nrequire example.com/lib v1.1.0\n",
        )
        self.add_module(
            "example.com/renamed",
            "v1.0.0",
            {"r.go": "package renamed\n"},
            gomod="module example.com/other\n\ngo 1.21\n",
        )
        self.add_module(
            "example.com/collide",
            "v1.0.0",
            {"a.go": "package collide\n", "A.go": "package collide\n"},
        )

    def add_module(
        self, path: str, version: str, files: dict[str, str], gomod: str | None = None
    ) -> None:
        base = self.proxy / path / "@v"
        base.mkdir(parents=True, exist_ok=True)
        gomod = gomod or f"module {path}\n\ngo 1.21\n"
        (base / f"{version}.mod").write_text(gomod)
        (base / f"{version}.info").write_text(
            f'{{"Version":"{version}","Time":"2024-01-01T00:00:00Z"}}'
        )
        with zipfile.ZipFile(base / f"{version}.zip", "w") as zf:
            zf.writestr(f"{path}@{version}/go.mod", gomod)
            for name, text in files.items():
                zf.writestr(f"{path}@{version}/{name}", text)
        listing = base / "list"
        versions = set(listing.read_text().split()) if listing.exists() else set()
        listing.write_text("\n".join(sorted(versions | {version})) + "\n")

    def tamper_zip(self, path: str, version: str) -> None:
        zpath = self.proxy / path / "@v" / f"{version}.zip"
        with zipfile.ZipFile(zpath, "a") as zf:
            zf.writestr(f"{path}@{version}/evil.go", "package lib\n\n// retagged\n")

    def project(self, name: str, gomod: str, files: dict[str, str]) -> Path:
        proj = self.root / name
        proj.mkdir(parents=True)
        (proj / "go.mod").write_text(gomod)
        for rel, text in files.items():
            (proj / rel).parent.mkdir(parents=True, exist_ok=True)
            (proj / rel).write_text(text)
        return proj

    def go(self, proj: Path, *args: str, **env: str) -> str:
        full = {**self.env, **env}
        for key, value in list(full.items()):
            if value == "<unset>":
                del full[key]
        res = subprocess.run(
            ["go", *args],
            cwd=proj,
            env=full,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        return res.stdout + res.stderr

    def clean_cache(self) -> None:
        subprocess.run(["go", "clean", "-modcache"], env=self.env, capture_output=True, check=False)


MAIN_GO = 'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/lib"\n)\n\nfunc main() { fmt.Println(lib.Hello()) }\n'
GOMOD_LIB = "module example.com/app\n\ngo 1.21\n\nrequire example.com/lib v1.0.0\n"


def _tidy_app(lab: Lab, name: str) -> Path:
    proj = lab.project(name, GOMOD_LIB, {"main.go": MAIN_GO})
    lab.go(proj, "mod", "tidy")
    return proj


def s_gosum_zip(lab: Lab) -> Outcome:
    proj = _tidy_app(lab, "gosum_zip")
    lab.clean_cache()
    lab.tamper_zip("example.com/lib", "v1.0.0")
    return Outcome(
        lab.go(proj, "build", "./..."), "go build ./...", "gosum-mismatch", "unconfirmed"
    )


def s_gosum_zip_mirror(lab: Lab) -> Outcome:
    proj = _tidy_app(lab, "gosum_zip_mirror")
    lab.clean_cache()
    lab.tamper_zip("example.com/lib", "v1.0.0")
    out = lab.go(proj, "mod", "download")
    # The command line shows the mirror the job used (the lab's file:// proxy).
    return Outcome(
        out, f"GOPROXY={lab.proxy.as_uri()} go mod download", "gosum-mismatch", "upstream-retag"
    )


def s_gosum_gomod(lab: Lab) -> Outcome:
    proj = _tidy_app(lab, "gosum_gomod")
    lab.clean_cache()
    mod = lab.proxy / "example.com/lib/@v/v1.0.0.mod"
    mod.write_text(mod.read_text() + "\n// retagged\n")
    return Outcome(
        lab.go(proj, "mod", "download"), "go mod download", "gosum-mismatch", "unconfirmed"
    )


def s_gowork_sum(lab: Lab) -> Outcome:
    ws = lab.root / "ws"
    (ws / "a").mkdir(parents=True)
    (ws / "a" / "go.mod").write_text(
        "module example.com/a\n\ngo 1.21\n\nrequire example.com/lib v1.0.0\n"
    )
    (ws / "a" / "a.go").write_text('package a\n\nimport "example.com/lib"\n\nvar X = lib.Hello\n')
    (ws / "go.work").write_text("go 1.21\n\nuse ./a\n")
    lab.go(ws, "mod", "download", "example.com/lib@v1.0.0")
    lab.go(ws / "a", "mod", "tidy", GOWORK="off")
    (ws / "go.work.sum").write_text((ws / "a" / "go.sum").read_text())
    (ws / "a" / "go.sum").unlink()
    lab.clean_cache()
    lab.tamper_zip("example.com/lib", "v1.0.0")
    return Outcome(
        lab.go(ws, "build", "./a/..."), "go build ./a/...", "gosum-mismatch", "unconfirmed"
    )


def s_gowork_go_too_old(lab: Lab) -> Outcome:
    ws = lab.root / "ws_old"
    (ws / "a").mkdir(parents=True)
    (ws / "a" / "go.mod").write_text("module example.com/a\n\ngo 1.23\n")
    (ws / "a" / "a.go").write_text("package a\n")
    (ws / "go.work").write_text("go 1.21\n\nuse ./a\n")
    return Outcome(
        lab.go(ws, "build", "./a/..."), "go build ./a/...", "toolchain", "gowork-go-too-old"
    )


def s_sumdb_zip(lab: Lab) -> Outcome:
    real = (
        Path(lab.env["GOMODCACHE"]) / "cache" / "download" / "github.com" / "pkg" / "errors" / "@v"
    )
    proj = lab.project(
        "sumdb_zip",
        "module example.com/app\n\ngo 1.21\n\nrequire github.com/pkg/errors v0.9.1\n",
        {"main.go": 'package main\n\nimport _ "github.com/pkg/errors"\n\nfunc main() {}\n'},
    )
    lab.go(
        proj,
        "mod",
        "download",
        "github.com/pkg/errors@v0.9.1",
        GOPROXY="https://proxy.golang.org",
        GOSUMDB=SUMDB,
    )
    dest = lab.proxy / "github.com" / "pkg" / "errors" / "@v"
    dest.mkdir(parents=True, exist_ok=True)
    for suffix in (".mod", ".info", ".zip"):
        shutil.copy(real / f"v0.9.1{suffix}", dest / f"v0.9.1{suffix}")
    (dest / "list").write_text("v0.9.1\n")
    os.chmod(dest / "v0.9.1.zip", 0o644)
    with zipfile.ZipFile(dest / "v0.9.1.zip", "a") as zf:
        zf.writestr("github.com/pkg/errors@v0.9.1/evil.go", "package errors\n")
    lab.clean_cache()
    (proj / "go.sum").unlink(missing_ok=True)
    out = lab.go(
        proj,
        "mod",
        "download",
        "github.com/pkg/errors@v0.9.1",
        GOSUMDB=SUMDB,
        GONOSUMDB="example.com",
    )
    return Outcome(
        out, "go mod download github.com/pkg/errors@v0.9.1", "sumdb-mismatch", "unconfirmed"
    )


def s_missing_pkg(lab: Lab) -> Outcome:
    proj = _tidy_app(lab, "missing_pkg")
    (proj / "go.sum").write_text("")
    return Outcome(
        lab.go(proj, "build", "./..."), "go build ./...", "missing-gosum-entry", "gosum-not-updated"
    )


def s_missing_gomod(lab: Lab) -> Outcome:
    proj = lab.project(
        "missing_gomod",
        "module example.com/app\n\ngo 1.21\n\nrequire example.com/dep v1.0.0\n",
        {"main.go": 'package main\n\nimport "example.com/dep"\n\nfunc main() { _ = dep.Hi }\n'},
    )
    lab.go(proj, "mod", "tidy")
    kept = [
        ln
        for ln in (proj / "go.sum").read_text().splitlines()
        if not ln.startswith("example.com/lib")
    ]
    (proj / "go.sum").write_text("\n".join(kept) + "\n")
    return Outcome(
        lab.go(proj, "list", "-m", "all"),
        "go list -m all",
        "missing-gosum-entry",
        "gosum-not-updated",
    )


def s_updates_gomod(lab: Lab) -> Outcome:
    proj = lab.project(
        "updates_gomod",
        "module example.com/app\n\ngo 1.21\n\nrequire example.com/dep v1.0.0\n",
        {"main.go": 'package main\n\nimport "example.com/dep"\n\nfunc main() { _ = dep.Hi }\n'},
    )
    lab.go(proj, "mod", "tidy")
    (proj / "go.mod").write_text(
        "module example.com/app\n\ngo 1.21\n\nrequire example.com/dep v1.0.0\n"
    )
    return Outcome(
        lab.go(proj, "build", "./..."), "go build ./...", "updates-needed", "gomod-not-tidy"
    )


def s_malformed(lab: Lab) -> Outcome:
    proj = _tidy_app(lab, "malformed")
    text = (proj / "go.sum").read_text()
    (proj / "go.sum").write_text("<<<<<<< HEAD\n" + text + "=======\n>>>>>>> feature\n")
    return Outcome(
        lab.go(proj, "build", "./..."), "go build ./...", "malformed-gosum", "malformed-line"
    )


def _vendored(lab: Lab, name: str) -> Path:
    proj = _tidy_app(lab, name)
    lab.go(proj, "mod", "vendor")
    return proj


def s_vendor_version(lab: Lab) -> Outcome:
    proj = _vendored(lab, "vendor_version")
    (proj / "go.mod").write_text(GOMOD_LIB.replace("v1.0.0", "v1.1.0"))
    return Outcome(
        lab.go(proj, "build", "./..."),
        "go build ./...",
        "inconsistent-vendoring",
        "vendor-out-of-sync",
    )


def s_vendor_explicit(lab: Lab) -> Outcome:
    proj = _vendored(lab, "vendor_explicit")
    mt = proj / "vendor" / "modules.txt"
    mt.write_text(mt.read_text().replace("## explicit; go 1.21\n", "").replace("## explicit\n", ""))
    return Outcome(
        lab.go(proj, "build", "./..."),
        "go build ./...",
        "inconsistent-vendoring",
        "vendor-out-of-sync",
    )


def s_vendor_lookup(lab: Lab) -> Outcome:
    proj = _vendored(lab, "vendor_lookup")
    (proj / "extra.go").write_text('package main\n\nimport _ "example.com/nothere"\n')
    return Outcome(
        lab.go(proj, "build", "./..."),
        "go build ./...",
        "vendor-lookup-disabled",
        "package-not-vendored",
    )


def s_vendor_goflags(lab: Lab) -> Outcome:
    proj = _vendored(lab, "vendor_goflags")
    out = lab.go(proj, "list", "-m", "-versions", "example.com/lib", GOFLAGS="-mod=vendor")
    return Outcome(
        out,
        "GOFLAGS=-mod=vendor go list -m -versions example.com/lib",
        "vendor-lookup-disabled",
        "goflags-mod-vendor",
    )


class _Handler(http.server.BaseHTTPRequestHandler):
    """Answers like proxy.golang.org / sum.golang.org do for a version they cannot serve."""

    routes: ClassVar[dict[str, tuple[int, str]]] = {}

    def do_GET(self) -> None:
        for prefix, (status, body) in self.routes.items():
            if self.path.startswith(prefix):
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/plain; charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return
        self.send_response(404)
        self.send_header("Content-Length", "9")
        self.end_headers()
        self.wfile.write(b"not found")

    def log_message(self, *args: object) -> None:
        pass


def _serve(
    routes: dict[str, tuple[int, str]], tls_dir: Path | None = None
) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = type("H", (_Handler,), {"routes": routes})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    scheme = "http"
    if tls_dir is not None:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(*_self_signed(tls_dir))
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"{scheme}://127.0.0.1:{server.server_address[1]}"


def _self_signed(folder: Path) -> tuple[str, str]:
    import datetime as dt  # noqa: PLC0415

    from cryptography import x509  # noqa: PLC0415
    from cryptography.hazmat.primitives import hashes, serialization  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric import ec  # noqa: PLC0415
    from cryptography.x509.oid import NameOID  # noqa: PLC0415

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "corp-proxy.example")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    certfile, keyfile = folder / "cert.pem", folder / "key.pem"
    certfile.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(certfile), str(keyfile)


KEY = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8"


def _sumdb_answer(lab: Lab, module: str, status: int, body: str) -> str:
    """What the go command prints when the checksum database answers status/body for module@v1.2.3."""
    lab.add_module(module, "v1.2.3", {"x.go": "package x\n"})
    server, url = _serve({"/lookup/": (status, body)})
    try:
        proj = lab.project(
            "sumdb_" + str(abs(hash(module))), "module example.com/app\n\ngo 1.21\n", {}
        )
        return lab.go(
            proj, "mod", "download", f"{module}@v1.2.3", GOSUMDB=f"{KEY} {url}", GONOSUMDB="<unset>"
        )
    finally:
        server.shutdown()
        server.server_close()


def s_sumdb_private(lab: Lab) -> Outcome:
    mod = "github.com/acme-corp/billing"
    body = (
        f"not found: {mod}@v1.2.3: invalid version: git ls-remote -q origin in /tmp/gopath/pkg/mod/cache/vcs/0a1b: "
        "exit status 128:\n\tfatal: could not read Username for 'https://github.com': terminal prompts disabled\n"
    )
    out = _sumdb_answer(lab, mod, 404, body)
    return Outcome(out, f"go mod download {mod}@v1.2.3", "not-found", "private-module")


def s_sumdb_just_tagged(lab: Lab) -> Outcome:
    mod = "github.com/someone/newlib"
    out = _sumdb_answer(
        lab, mod, 410, f"not found: {mod}@v1.2.3: invalid version: unknown revision v1.2.3\n"
    )
    return Outcome(out, f"go get {mod}@v1.2.3", "not-found", "just-tagged")


def s_sumdb_fetch_timeout(lab: Lab) -> Outcome:
    mod = "github.com/someone/hugerepo"
    out = _sumdb_answer(lab, mod, 404, f"not found: {mod}@v1.2.3: fetch timed out\n")
    return Outcome(out, f"go mod download {mod}@v1.2.3", "not-found", "fetch-timed-out")


def s_proxy_unknown_revision(lab: Lab) -> Outcome:
    mod = "github.com/someone/lib"
    body = f"not found: {mod}@v1.2.3: invalid version: unknown revision v1.2.3\n"
    server, url = _serve({"/": (404, body)})
    try:
        proj = lab.project("proxy_404", "module example.com/app\n\ngo 1.21\n", {})
        out = lab.go(proj, "mod", "download", f"{mod}@v1.2.3", GOPROXY=url)
    finally:
        server.shutdown()
        server.server_close()
    return Outcome(out, f"go mod download {mod}@v1.2.3", "not-found", "unknown-revision")


def s_tls_mitm(lab: Lab) -> Outcome:
    server, url = _serve({"/": (200, "")}, tls_dir=lab.root)
    try:
        proj = lab.project("tls", GOMOD_LIB, {"main.go": MAIN_GO})
        out = lab.go(proj, "mod", "download", "example.com/lib@v1.0.0", GOPROXY=url)
    finally:
        server.shutdown()
        server.server_close()
    return Outcome(out, "go mod download", "network", "tls-interception")


def _with_latest(lab: Lab, name: str, latest: bytes) -> str:
    """go mod download with a damaged saved tree head for sum.golang.org (golang/go#38348)."""
    state = lab.gopath / "pkg" / "sumdb" / "sum.golang.org"
    state.mkdir(parents=True, exist_ok=True)
    (state / "latest").write_bytes(latest)
    proj = lab.project(name, GOMOD_LIB, {"main.go": MAIN_GO})
    return lab.go(
        proj, "mod", "download", "example.com/lib@v1.0.0", GOSUMDB=SUMDB, GONOSUMDB="<unset>"
    )


def s_sumdb_latest_zeroed(lab: Lab) -> Outcome:
    out = _with_latest(lab, "latest_zero", b"\0" * 64)
    return Outcome(out, "go mod download", "sumdb-misbehavior", "corrupt-local-sumdb-state")


def s_sumdb_latest_badsig(lab: Lab) -> Outcome:
    forged = (
        "go.sum database tree\n123\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n"
        "\u2014 sum.golang.org Az3grhIQCI6R4nCu8Hkz7UhHm7AzjnODZb3IM2ug3dcBBB8I48lK3srAwKnUq1mYZKJ6xVp4eAA6kwwwXxUgKC3uaAw=\n"
    )
    out = _with_latest(lab, "latest_badsig", forged.encode())
    return Outcome(out, "go mod download", "sumdb-misbehavior", "corrupt-local-sumdb-state")


def s_refused(lab: Lab) -> Outcome:
    proj = lab.project("refused", GOMOD_LIB, {"main.go": MAIN_GO})
    out = lab.go(proj, "mod", "download", "example.com/lib@v1.0.0", GOPROXY="https://127.0.0.1:9")
    return Outcome(out, "go mod download", "network", "egress-blocked")


def s_sumdb_refused(lab: Lab) -> Outcome:
    proj = lab.project("sumdb_refused", "module example.com/app\n\ngo 1.21\n", {})
    out = lab.go(
        proj,
        "mod",
        "download",
        "github.com/pkg/errors@v0.9.1",
        GOPROXY="https://proxy.golang.org",
        GOSUMDB="sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8 https://127.0.0.1:9",
        GOMODCACHE=str(lab.root / "fresh-cache"),
    )
    return Outcome(out, "go mod download github.com/pkg/errors@v0.9.1", "network", "egress-blocked")


def s_dns(lab: Lab) -> Outcome:
    proj = lab.project("dns", GOMOD_LIB, {"main.go": MAIN_GO})
    out = lab.go(
        proj,
        "mod",
        "download",
        "example.com/lib@v1.0.0",
        GOPROXY="https://proxy.gomodcheck.invalid",
    )
    return Outcome(out, "go mod download", "network", "dns-failure")


def s_gosumdb_on(lab: Lab) -> Outcome:
    proj = lab.project("gosumdb_on", "module example.com/app\n\ngo 1.21\n", {})
    out = lab.go(
        proj,
        "mod",
        "download",
        "github.com/pkg/errors@v0.9.1",
        GOPROXY="https://proxy.golang.org",
        GOSUMDB="on",
        GOMODCACHE=str(lab.root / "fresh-cache2"),
    )
    return Outcome(
        out, "GOSUMDB=on go mod download github.com/pkg/errors@v0.9.1", "bad-env", "gosumdb-on"
    )


def s_gosumdb_fields(lab: Lab) -> Outcome:
    proj = lab.project("gosumdb_fields", "module example.com/app\n\ngo 1.21\n", {})
    out = lab.go(
        proj,
        "mod",
        "download",
        "github.com/pkg/errors@v0.9.1",
        GOPROXY="https://proxy.golang.org",
        GOSUMDB="a b c",
        GOMODCACHE=str(lab.root / "fresh-cache3"),
    )
    return Outcome(
        out, "go mod download github.com/pkg/errors@v0.9.1", "bad-env", "invalid-gosumdb"
    )


def s_gonosumcheck(lab: Lab) -> Outcome:
    proj = lab.project("gonosumcheck", "module example.com/app\n\ngo 1.21\n", {})
    return Outcome(
        lab.go(proj, "env", "-w", "GONOSUMCHECK=1"),
        "go env -w GONOSUMCHECK=1",
        "bad-env",
        "nonexistent-variable",
    )


def s_toolchain_local(lab: Lab) -> Outcome:
    proj = lab.project(
        "tc_local",
        "module example.com/app\n\ngo 1.99.0\n",
        {"main.go": "package main\n\nfunc main() {}\n"},
    )
    return Outcome(
        lab.go(proj, "build", "./..."), "go build ./...", "toolchain", "local-go-too-old"
    )


def s_toolchain_missing(lab: Lab) -> Outcome:
    # Go >= 1.22 reads `go 1.99` as go1.99.0; Go 1.21 printed "download go1.99" (real logs cover it).
    proj = lab.project(
        "tc_missing",
        "module example.com/app\n\ngo 1.99\n",
        {"main.go": "package main\n\nfunc main() {}\n"},
    )
    return Outcome(
        lab.go(proj, "build", "./...", GOTOOLCHAIN="auto"),
        "go build ./...",
        "toolchain",
        "toolchain-unavailable",
    )


def s_toolchain_blocked(lab: Lab) -> Outcome:
    proj = lab.project(
        "tc_blocked",
        "module example.com/app\n\ngo 1.21\n",
        {"main.go": "package main\n\nfunc main() {}\n"},
    )
    out = lab.go(proj, "build", "./...", GOTOOLCHAIN="go1.25.0", GOPROXY="https://127.0.0.1:9")
    return Outcome(
        out, "GOTOOLCHAIN=go1.25.0 go build ./...", "toolchain", "toolchain-download-blocked"
    )


def _cached(lab: Lab, name: str) -> tuple[Path, Path]:
    proj = _tidy_app(lab, name)
    lab.go(proj, "mod", "download")
    return proj, Path(lab.env["GOMODCACHE"])


def s_verify_dir(lab: Lab) -> Outcome:
    proj, cache = _cached(lab, "verify_dir")
    (cache / "example.com" / "lib@v1.0.0" / "lib.go").write_text("package lib\n\n// patched\n")
    return Outcome(
        lab.go(proj, "mod", "verify"), "go mod verify", "cache-modified", "modcache-dir-modified"
    )


def s_verify_zip(lab: Lab) -> Outcome:
    proj, cache = _cached(lab, "verify_zip")
    zpath = cache / "cache" / "download" / "example.com" / "lib" / "@v" / "v1.0.0.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("example.com/lib@v1.0.0/go.mod", "module example.com/lib\n\ngo 1.21\n")
        zf.writestr("example.com/lib@v1.0.0/lib.go", "package lib\n\n// corrupted\n")
    return Outcome(
        lab.go(proj, "mod", "verify"), "go mod verify", "cache-modified", "modcache-zip-modified"
    )


def s_verify_ziphash(lab: Lab) -> Outcome:
    proj, cache = _cached(lab, "verify_ziphash")
    (cache / "cache" / "download" / "example.com" / "lib" / "@v" / "v1.0.0.ziphash").unlink()
    return Outcome(
        lab.go(proj, "mod", "verify"), "go mod verify", "cache-modified", "partial-cache"
    )


def s_replace_missing(lab: Lab) -> Outcome:
    proj = lab.project(
        "replace_missing",
        GOMOD_LIB + "\nreplace example.com/lib => ../lib-local\n",
        {"main.go": MAIN_GO},
    )
    return Outcome(
        lab.go(proj, "build", "./..."),
        "go build ./...",
        "replace-dir-missing",
        "replace-path-missing",
    )


def s_path_mismatch(lab: Lab) -> Outcome:
    proj = lab.project("path_mismatch", "module example.com/app\n\ngo 1.21\n", {})
    out = lab.go(proj, "get", "example.com/renamed@v1.0.0")
    return Outcome(out, "go get example.com/renamed@v1.0.0", "path-mismatch", "module-renamed")


def s_collision(lab: Lab) -> Outcome:
    proj = lab.project("collision", "module example.com/app\n\ngo 1.21\n", {})
    out = lab.go(proj, "mod", "download", "example.com/collide@v1.0.0")
    return Outcome(
        out, "go mod download example.com/collide@v1.0.0", "zip-rejected", "case-collision"
    )


# Clean or unrelated failures: the diagnosis must stay silent on every one.
def _clean(lab: Lab, name: str, files: dict[str, str], *args: str) -> Outcome:
    proj = lab.project(name, GOMOD_LIB, {"main.go": MAIN_GO, **files})
    lab.go(proj, "mod", "tidy")
    return Outcome(lab.go(proj, *args), "go " + " ".join(args), "none", "none")


def c_compile_error(lab: Lab) -> Outcome:
    return _clean(
        lab,
        "c_compile",
        {"bad.go": 'package main\n\nfunc broken() int { return "x" }\n\nvar y = undefinedThing\n'},
        "build",
        "./...",
    )


def c_test_failure(lab: Lab) -> Outcome:
    test = (
        'package main\n\nimport "testing"\n\nfunc TestSum(t *testing.T) {\n\tif 1+1 != 3 {\n'
        '\t\tt.Fatalf("checksum mismatch: got %d, want %d", 2, 3)\n\t}\n}\n'
    )
    return _clean(lab, "c_test", {"main_test.go": test}, "test", "-v", "./...")


def c_network_test(lab: Lab) -> Outcome:
    test = (
        'package main\n\nimport (\n\t"net/http"\n\t"testing"\n)\n\nfunc TestAPI(t *testing.T) {\n'
        '\tif _, err := http.Get("https://127.0.0.1:9/api/v1/lookup/users"); err != nil {\n\t\tt.Fatal(err)\n\t}\n}\n'
    )
    return _clean(lab, "c_net", {"api_test.go": test}, "test", "./...")


def c_panic(lab: Lab) -> Outcome:
    test = 'package main\n\nimport "testing"\n\nfunc TestPanic(t *testing.T) {\n\tvar m map[string]int\n\tm["x"] = 1\n}\n'
    return _clean(lab, "c_panic", {"p_test.go": test}, "test", "./...")


def c_vet(lab: Lab) -> Outcome:
    return _clean(
        lab,
        "c_vet",
        {"v.go": 'package main\n\nimport "fmt"\n\nfunc v() { fmt.Printf("%d\\n", "s") }\n'},
        "vet",
        "./...",
    )


def c_verify_ok(lab: Lab) -> Outcome:
    return _clean(lab, "c_verify", {}, "mod", "verify")


def c_build_ok(lab: Lab) -> Outcome:
    proj = lab.project("c_build_ok", GOMOD_LIB, {"main.go": MAIN_GO})
    lab.go(proj, "mod", "tidy")
    lab.clean_cache()
    return Outcome(lab.go(proj, "build", "-x", "./..."), "go build -x ./...", "none", "none")


def c_env(lab: Lab) -> Outcome:
    return _clean(lab, "c_env", {}, "env")


SCENARIOS: dict[str, Callable[[Lab], Outcome]] = {
    name[2:]: fn
    for name, fn in sorted(globals().items())
    if name[:2] in ("s_", "c_") and callable(fn)
}
# Scenarios that need https://proxy.golang.org (the module proxy and its checksum database).
NEEDS_NETWORK = {"sumdb_zip", "gosumdb_on", "gosumdb_fields", "sumdb_refused"}


def run_scenario(name: str) -> Outcome:
    with tempfile.TemporaryDirectory(prefix="gomodcheck-diag-", ignore_cleanup_errors=True) as tmp:
        lab = Lab(Path(tmp))
        try:
            outcome = SCENARIOS[name](lab)
        finally:
            subprocess.run(["chmod", "-R", "u+w", tmp], check=False)
        # Scratch paths differ per run; make the recorded logs stable.
        text = re.sub(
            r"127\.0\.0\.1:(?!9\b)\d+", "127.0.0.1:41000", outcome.output.replace(tmp, "/tmp/work")
        )
        return Outcome(text, outcome.command, outcome.family, outcome.cause)


# CI log styles: each takes the command line and the go command's output and returns a log.
def plain(cmd: str, out: str) -> str:
    return f"$ {cmd}\n{out}"


def github_actions(cmd: str, out: str) -> str:
    lines = [
        "2026-11-25T10:00:00.0000000Z ##[group]Run " + cmd,
        "2026-11-25T10:00:00.0000001Z ##[endgroup]",
    ]
    lines += [f"2026-11-25T10:00:01.{i:07d}Z {ln}" for i, ln in enumerate(out.splitlines())]
    lines.append("2026-11-25T10:00:02.0000000Z ##[error]Process completed with exit code 1.")
    return "\n".join(lines) + "\n"


def gitlab(cmd: str, out: str) -> str:
    head = f'section_start:1764064800:step_script\r\x1b[0K\x1b[0K\x1b[36;1mExecuting "step_script" stage of the job script\x1b[0;m\n\x1b[32;1m$ {cmd}\x1b[0;m\n'
    body = "".join(
        f"\x1b[0;33m{ln}\x1b[0m\n" if i % 3 == 0 else f"{ln}\n"
        for i, ln in enumerate(out.splitlines())
    )
    return (
        head
        + body
        + "section_end:1764064801:step_script\r\x1b[0K\n\x1b[31;1mERROR: Job failed: exit code 1\x1b[0;m\n"
    )


def jenkins(cmd: str, out: str) -> str:
    lines = [
        "[Pipeline] {",
        "[Pipeline] stage",
        "[Pipeline] { (Build)",
        "[Pipeline] sh",
        f"[2026-11-25T10:00:00.000Z] + {cmd}",
    ]
    lines += [f"[2026-11-25T10:00:01.{i:03d}Z] {ln}" for i, ln in enumerate(out.splitlines())]
    lines += [
        "[Pipeline] }",
        "[Pipeline] // stage",
        "ERROR: script returned exit code 1",
        "Finished: FAILURE",
    ]
    return "\n".join(lines) + "\n"


def buildkit(cmd: str, out: str) -> str:
    lines = ["#8 [builder 4/6] RUN " + cmd]
    lines += [f"#8 {0.5 + i * 0.01:.2f} {ln}" for i, ln in enumerate(out.splitlines())]
    lines += [
        '#8 ERROR: process "/bin/sh -c ' + cmd + '" did not complete successfully: exit code: 1',
        "------",
        " > [builder 4/6] RUN " + cmd + ":",
    ]
    lines += [f"{0.5 + i * 0.01:.3f} {ln}" for i, ln in enumerate(out.splitlines()[-4:])]
    lines += [
        "------",
        "ERROR: failed to solve: process did not complete successfully: exit code: 1",
    ]
    return "\n".join(lines) + "\n"


def docker_classic(cmd: str, out: str) -> str:
    return (
        f"Step 5/9 : RUN {cmd}\n ---> Running in 3f2a1b9c8d7e\n{out}"
        f"The command '/bin/sh -c {cmd}' returned a non-zero code: 1\n"
    )


def nix(cmd: str, out: str) -> str:
    body = "".join(f"app> {ln}\n" for ln in out.splitlines())
    return f"app> Running phase: buildPhase\napp> + {cmd}\n{body}error: builder for '/nix/store/x-app.drv' failed with exit code 1\n"


STYLES: dict[str, Callable[[str, str], str]] = {
    "plain": plain,
    "gha": github_actions,
    "gitlab": gitlab,
    "jenkins": jenkins,
    "buildkit": buildkit,
    "docker": docker_classic,
    "nix": nix,
}
# Scenarios whose 404/410/TLS answer comes from a local server speaking the proxy/sumdb protocol.
LOCAL_SERVER = {
    "sumdb_private",
    "sumdb_just_tagged",
    "sumdb_fetch_timeout",
    "proxy_unknown_revision",
    "tls_mitm",
}
# The most common failure in every CI style; replace directories inside docker builds too.
EXTRA_STYLES = {
    "gosum_zip": ("gha", "gitlab", "jenkins", "buildkit", "docker", "nix"),
    "replace_missing": ("docker", "buildkit"),
    "updates_gomod": ("gha",),
    "missing_pkg": ("jenkins", "gitlab"),
}
# Docker styles change a replace-directory diagnosis (the build context), so they get their own cause.
DOCKER_CAUSE = {"replace-path-missing": "replace-outside-docker-context"}


def main() -> int:
    out_dir = HERE / "generated"
    out_dir.mkdir(exist_ok=True)
    rows = []
    style_names = list(STYLES)
    for number, name in enumerate(SCENARIOS):
        outcome = run_scenario(name)
        print(f"{name}: {outcome.output.strip().splitlines()[:1]}", file=sys.stderr)
        raw = out_dir / f"{name}.raw.txt"
        raw.write_text(outcome.output)
        # Every scenario in two styles: plain, and one CI style in rotation.
        styles = [
            "plain",
            style_names[1 + number % (len(style_names) - 1)],
            *EXTRA_STYLES.get(name, ()),
        ]
        for style in dict.fromkeys(styles):
            text = STYLES[style](outcome.command, outcome.output)
            path = out_dir / f"{name}.{style}.log"
            path.write_text(text)
            cause = (
                DOCKER_CAUSE.get(outcome.cause, outcome.cause)
                if style in ("buildkit", "docker")
                else outcome.cause
            )
            rows.append(
                {
                    "file": f"generated/{path.name}",
                    "family": outcome.family,
                    "cause": cause,
                    "source": f"generate.py {name} (go1.26, {style} style)",
                    "kind": "generated",
                    "notes": "local server imitates the proxy/sumdb answer"
                    if name in LOCAL_SERVER
                    else "",
                }
            )
    index = HERE / "index.csv"
    kept = (
        [r for r in csv.DictReader(index.open()) if r["kind"] != "generated"]
        if index.exists()
        else []
    )
    buf = io.StringIO()
    writer = csv.DictWriter(
        buf, ["file", "family", "cause", "source", "kind", "notes"], lineterminator="\n"
    )
    writer.writeheader()
    writer.writerows(kept + rows)
    index.write_text(buf.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
