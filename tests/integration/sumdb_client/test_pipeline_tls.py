"""Pipelined bulk fetches over HTTPS: the same certificate checks as every other request.

A local HTTPS server with its own CA stands in for proxy.golang.org. Trusted through
SSL_CERT_FILE (as httpx trusts it), bulk fetches are pipelined and answered; not trusted, no
byte of its answers is accepted by either transport.
"""

from __future__ import annotations

import datetime
import ipaddress
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from gomodcheck.errors import FetchError, NotFoundError
from gomodcheck.fetcher import FetchPolicy, HttpFetcher
from gomodcheck.pipeline import Timeouts, pipelined_get


def _certs(tmp: Path) -> tuple[Path, Path, Path]:
    """A CA, and a certificate for 127.0.0.1 signed by it: (ca.pem, cert.pem, key.pem)."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "gomodcheck test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = (tmp / "ca.pem", tmp / "cert.pem", tmp / "key.pem")
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: pipelined requests are answered in order

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.server.paths.append(self.path)  # type: ignore[attr-defined]
        if self.path.startswith("/missing"):
            body, code = b"not found\n", 404
        else:
            body, code = self.path.encode() * 3, 200
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def https_server(cert: Path, key: Path) -> Iterator[tuple[int, list[str]]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.paths = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield server.server_address[1], server.paths  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _policy() -> FetchPolicy:
    return FetchPolicy(connect_timeout=2, read_timeout=2, deadline=4, attempts=1)


def test_trusted_https_server_answers_a_pipelined_batch_in_order(tmp_path: Path) -> None:
    ca, cert, key = _certs(tmp_path)
    paths = [f"/lookup/m{i}" for i in range(100)] + ["/missing/x", "/tile/8/0/001"]
    with https_server(cert, key) as (port, _):
        tls = ssl.create_default_context(cafile=str(ca))
        got = pipelined_get(
            ("127.0.0.1", port), paths, [1 << 20] * len(paths), Timeouts(2, 2, 4), "t", tls=tls
        )
    assert got[:100] == [p.encode() * 3 for p in paths[:100]]
    assert isinstance(got[100], NotFoundError)
    assert got[101] == b"/tile/8/0/001" * 3


def test_bulk_fetch_over_https_is_pipelined_with_the_ca_httpx_trusts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ca, cert, key = _certs(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    with https_server(cert, key) as (port, served), HttpFetcher(_policy()) as fetcher:
        urls = [f"https://127.0.0.1:{port}/lookup/m{i}" for i in range(300)]
        got = fetcher.fetch_many(urls, [1 << 20] * len(urls))
        assert got == [f"/lookup/m{i}".encode() * 3 for i in range(300)]
        assert fetcher._httpx is None  # every answer came pipelined; httpx was never needed
        assert sorted(served) == sorted(f"/lookup/m{i}" for i in range(300))


def test_untrusted_https_server_gets_no_answer_accepted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, cert, key = _certs(tmp_path)
    (tmp_path / "other").mkdir()
    other_ca = _certs(tmp_path / "other")[0]
    monkeypatch.setenv("SSL_CERT_FILE", str(other_ca))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    with https_server(cert, key) as (port, served), HttpFetcher(_policy()) as fetcher:
        urls = [f"https://127.0.0.1:{port}/lookup/m{i}" for i in range(5)]
        got = fetcher.fetch_many(urls, [1 << 20] * len(urls))
    # Both transports refuse the certificate: every answer is a failure, none is data.
    assert all(isinstance(g, FetchError) for g in got)
    assert served == []
