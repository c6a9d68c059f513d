"""SIGTERM lets in-flight lookups finish (and their records stay), then the server exits."""

from __future__ import annotations

import functools
import http.server
import signal
import threading
import time
import urllib.request
from pathlib import Path

from gomodcheck import tlog
from tests.integration.sumdb_server import fixtures


class _SlowProxy(http.server.SimpleHTTPRequestHandler):
    """Serves the fixture proxy directory, one second late, so a lookup is in flight."""

    def do_GET(self) -> None:
        time.sleep(1.0)
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:
        return


def test_sigterm_lets_an_in_flight_lookup_finish_and_keeps_its_record(
    tmp_path: Path, proxy_dir: Path, signer: tuple[Path, str]
) -> None:
    handler = functools.partial(_SlowProxy, directory=str(proxy_dir))
    proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    proxy.timeout = 1
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    key_file, _ = signer
    db = tmp_path / "log.db"
    try:
        srv = fixtures.start_server(key_file, db, tmp_path / "server.log",
                                    upstream=f"http://127.0.0.1:{proxy.server_address[1]}")
        answer: dict[str, bytes] = {}

        def lookup() -> None:
            with urllib.request.urlopen(f"{srv.url}/lookup/corp.example.com/greet@v1.0.0", timeout=30) as r:
                answer["body"] = r.read()

        worker = threading.Thread(target=lookup)
        worker.start()
        time.sleep(0.5)  # the lookup is now waiting on the slow upstream
        srv.proc.send_signal(signal.SIGTERM)
        worker.join(timeout=30)
        srv.proc.wait(timeout=30)
    finally:
        proxy.shutdown()
        proxy.server_close()
    assert "body" in answer, "the in-flight lookup was cut off by the shutdown"
    record_id, text, _ = tlog.parse_record(answer["body"])
    with fixtures.running_server(key_file, db, tmp_path / "server.log") as again:
        status, body = again.get("/lookup/corp.example.com/greet@v1.0.0")
    assert status == 200
    assert tlog.parse_record(body)[:2] == (record_id, text)
    assert "Shutting down" in (tmp_path / "server.log").read_text()
