"""The standalone mirror over HTTP (``sumdb mirror``): the checksum-database protocol at ``/``
and under a proxy, as a plain ASGI callable.

Two mounts of the same answers:
- ``/latest``, ``/lookup/M@V``, ``/tile/...`` for GOSUMDB="<name>+<key> http://HOST:PORT";
- ``/sumdb/<name>/...`` with ``/sumdb/<name>/supported`` answering 200, for
  GOPROXY=http://HOST:PORT,... (cmd/go/internal/modfetch/sumdb.go asks ``supported`` first).

Module downloads under the same GOPROXY (``/<module>/@v/...``) get 404: with a ',' list the go
command then asks the next proxy (modfetch/proxy.go falls through only on 404/410), so the mirror
never has to hold module zips. The answers themselves come from handler.py, which ``sumdb serve``
calls too for its ``/sumdb/<name>/`` mount.
"""

from __future__ import annotations

import json
import logging
import time

from gomodcheck.mirror.handler import CACHE_NONE, Answer, at_hand, encode, error, handle, health
from gomodcheck.mirror.service import Mirror
from gomodcheck.server.accesslog import AccessLogger
from gomodcheck.server.app import Message, Receive, Scope, Send

ACCESS_LOG = AccessLogger(logging.getLogger("gomodcheck.mirror.access"))
LOG = logging.getLogger("gomodcheck.mirror")


class MirrorApp:
    """ASGI app serving one mirror at ``/`` and at ``/sumdb/<name>/``, plus ``/healthz``."""

    def __init__(self, mirror: Mirror) -> None:
        self.mirror = mirror
        self.mount = f"/sumdb/{mirror.name}/"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        method = scope.get("method", "GET")
        headers: list[tuple[bytes, bytes]] = []
        try:
            if method not in ("GET", "HEAD"):
                headers.append((b"allow", b"GET, HEAD"))
                answer = error(405, "method not allowed")
            else:
                answer = await self._route(scope["path"])
        except Exception:
            LOG.exception("error serving %s", str(scope.get("path", ""))[:256])
            answer = error(500, "internal error")
        headers += [
            (b"content-type", answer.media),
            (b"content-length", str(len(answer.body)).encode()),
            (b"cache-control", answer.cache),
        ]
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if method == "HEAD" else answer.body})

    def ready(self, path: str, client: tuple[str, int] | None = None) -> bytes | None:
        """The encoded answer to GET path if it is in memory (the runner writes it without
        ASGI); the same bytes ``__call__`` would send."""
        answer = self.at_hand(path)
        return None if answer is None else encode(*answer)

    def at_hand(self, path: str) -> tuple[bytes, bytes, bytes] | None:
        """(body, media type, cache-control) of a 200 answer in memory (handler.at_hand)."""
        if path.startswith(self.mount):
            return at_hand(self.mirror, path[len(self.mount) - 1 :])
        if path.startswith("/sumdb/"):
            return None
        return at_hand(self.mirror, path)

    async def _route(self, path: str) -> Answer:
        if path.startswith(self.mount):
            return await handle(self.mirror, path[len(self.mount) - 1 :], mounted=True)
        if path.startswith("/sumdb/"):
            return error(404, f"this mirror serves only the checksum database {self.mirror.name}")
        if path == "/healthz":
            body = (json.dumps(health(self.mirror)) + "\n").encode()
            return Answer(200, body, b"application/json", CACHE_NONE)
        return await handle(self.mirror, path, mounted=False)


def build_app(mirror: Mirror) -> MirrorApp:
    """The ASGI app serving one mirror (wrap it in AccessLog for the JSON access log)."""
    return MirrorApp(mirror)


class AccessLog:
    """One JSON line per request on ``gomodcheck.mirror.access``: path, status, bytes, ms."""

    def __init__(self, app: MirrorApp) -> None:
        self.app = app

    def ready(self, path: str, client: tuple[str, int] | None) -> bytes | None:
        """The app's ready answer, logged."""
        start = time.perf_counter()
        answer = self.app.at_hand(path)
        if answer is None:
            return None
        remote = client[0] if client else ""
        ACCESS_LOG.write(remote, "GET", path, status=200, nbytes=len(answer[0]), started=start)
        return encode(*answer)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        seen: dict[str, int] = {"status": 500, "bytes": 0}

        async def logged_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = int(message["status"])
            elif message["type"] == "http.response.body":
                seen["bytes"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, logged_send)
        finally:
            client = scope.get("client") or ("", 0)
            ACCESS_LOG.write(
                client[0],
                scope.get("method", ""),
                str(scope.get("path", "")),
                status=seen["status"],
                nbytes=seen["bytes"],
                started=start,
            )
