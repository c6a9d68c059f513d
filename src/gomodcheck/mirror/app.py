"""The mirror over HTTP (Starlette): the checksum-database protocol at ``/`` and under a proxy.

Two mounts of the same answers:
- ``/latest``, ``/lookup/M@V``, ``/tile/...`` for GOSUMDB="<name>+<key> http://HOST:PORT";
- ``/sumdb/<name>/...`` with ``/sumdb/<name>/supported`` answering 200, for
  GOPROXY=http://HOST:PORT,... (cmd/go/internal/modfetch/sumdb.go asks ``supported`` first).

Module downloads under the same GOPROXY (``/<module>/@v/...``) get 404: with a ',' list the go
command then asks the next proxy (modfetch/proxy.go falls through only on 404/410), so the mirror
never has to hold module zips. Proved answers held in memory are served on the event loop; the
rest goes to a worker thread (verification fetches and hashes).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gomodcheck.errors import FetchError, NotFoundError, VerificationError
from gomodcheck.mirror.service import BadRequestError, Mirror
from gomodcheck.sumdb import OfflineError

ACCESS_LOG = logging.getLogger("gomodcheck.mirror.access")
LOG = logging.getLogger("gomodcheck.mirror")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[
    [Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
    Awaitable[None],
]

TEXT = "text/plain; charset=UTF-8"
CACHE_IMMUTABLE = "public, max-age=31536000, immutable"
CACHE_LOOKUP = "public, max-age=60"
CACHE_NONE = "no-store"


def _text(status: int, message: str) -> Response:
    return Response(
        message.rstrip("\n") + "\n", status, media_type=TEXT, headers={"cache-control": CACHE_NONE}
    )


async def _answer(
    call: Callable[[], bytes], fast: Callable[[], bytes | None], media: str, cache: str
) -> Response:
    """Serve from memory if proved already, else prove on a worker thread; map errors."""
    try:
        body = fast()
        if body is None:
            body = await run_in_threadpool(call)
    except BadRequestError as exc:
        return _text(400, str(exc))
    except OfflineError as exc:
        return _text(503, f"not in the mirror's verified store and upstream not used: {exc}")
    except NotFoundError as exc:
        return _text(404, f"not found: {exc}")
    except FetchError as exc:
        return _text(502, f"upstream unavailable and not in the verified store: {exc}")
    except VerificationError as exc:
        # Never pass on what did not prove out; the alert log holds the evidence.
        return _text(502, f"upstream answer failed verification: {exc}")
    return Response(body, 200, media_type=media, headers={"cache-control": cache})


def build_app(mirror: Mirror) -> FastPath:
    """The ASGI app serving one mirror (wrap it in AccessLog for the JSON access log)."""

    async def latest(request: Request) -> Response:
        return await _answer(mirror.latest, lambda: None, TEXT, CACHE_NONE)

    async def lookup(request: Request) -> Response:
        mod = request.path_params["mod"]
        return await _answer(
            lambda: mirror.lookup(mod),
            lambda: mirror.memory.get("/lookup/" + mod),
            TEXT,
            CACHE_LOOKUP,
        )

    async def tile(request: Request) -> Response:
        path = "tile/" + request.path_params["rest"]
        media = TEXT if "/data/" in path else "application/octet-stream"
        return await _answer(
            lambda: mirror.tile(path), lambda: mirror.memory.get(path), media, CACHE_IMMUTABLE
        )

    async def supported(request: Request) -> Response:
        if request.path_params["name"] != mirror.name:
            return _text(404, f"this mirror serves only the checksum database {mirror.name}")
        return Response(b"", 200, media_type=TEXT)

    def mounted(
        endpoint: Callable[[Request], Awaitable[Response]],
    ) -> Callable[[Request], Awaitable[Response]]:
        async def wrapper(request: Request) -> Response:
            if request.path_params["name"] != mirror.name:
                return _text(404, f"this mirror serves only the checksum database {mirror.name}")
            return await endpoint(request)

        return wrapper

    async def healthz(request: Request) -> Response:
        tree = mirror.tree()
        doc = {
            "status": "ok",
            "name": mirror.name,
            "tree_size": tree.n,
            "offline": mirror.offline,
            "alerts": mirror.alerts.count,
            "last_alert": mirror.alerts.recent[-1] if mirror.alerts.recent else None,
        }
        return Response(
            json.dumps(doc) + "\n",
            200,
            media_type="application/json",
            headers={"cache-control": CACHE_NONE},
        )

    async def not_served(request: Request) -> Response:
        # 404 makes the go command move on to the next GOPROXY entry for module downloads.
        return _text(404, "not found: this mirror serves only the checksum database")

    routes = [
        Route("/healthz", healthz),
        Route("/latest", latest),
        Route("/lookup/{mod:path}", lookup),
        Route("/tile/{rest:path}", tile),
        Route("/sumdb/{name:str}/supported", supported),
        Route("/sumdb/{name:path}/latest", mounted(latest)),
        Route("/sumdb/{name:path}/lookup/{mod:path}", mounted(lookup)),
        Route("/sumdb/{name:path}/tile/{rest:path}", mounted(tile)),
        Route("/{rest:path}", not_served),
    ]
    return FastPath(Starlette(routes=routes), mirror)


class FastPath:
    """Answers GETs for proved tiles and lookups held in memory before any routing.

    Those answers are the hot path of a warm mirror (the go command asks the same few hundred
    tiles again and again); skipping the router and the Response objects about doubles them.
    """

    def __init__(self, app: ASGIApp, mirror: Mirror) -> None:
        self.app = app
        self.mirror = mirror
        self.mount = f"/sumdb/{mirror.name}/"

    async def __call__(
        self,
        scope: Scope,
        receive: Callable[[], Awaitable[Message]],
        send: Callable[[Message], Awaitable[None]],
    ) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            path: str = scope["path"]
            if path.startswith(self.mount):
                path = path[len(self.mount) - 1 :]
            if path.startswith("/tile/"):
                body = self.mirror.memory.get(path[1:])
                media, cache = b"application/octet-stream", CACHE_IMMUTABLE
                if "/data/" in path:
                    media = TEXT.encode()
            elif path.startswith("/lookup/"):
                body = self.mirror.memory.get(path)
                media, cache = TEXT.encode(), CACHE_LOOKUP
            else:
                body = None
            if body is not None:
                headers = [
                    (b"content-type", media),
                    (b"content-length", str(len(body)).encode()),
                    (b"cache-control", cache.encode()),
                ]
                await send({"type": "http.response.start", "status": 200, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


class AccessLog:
    """One JSON line per request on ``gomodcheck.mirror.access``: path, status, bytes, ms."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(
        self,
        scope: Scope,
        receive: Callable[[], Awaitable[Message]],
        send: Callable[[Message], Awaitable[None]],
    ) -> None:
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
            ACCESS_LOG.info(
                json.dumps(
                    {
                        "ts": round(time.time(), 3),
                        "remote": client[0],
                        "method": scope.get("method", ""),
                        "path": str(scope.get("path", ""))[:256],
                        "status": seen["status"],
                        "bytes": seen["bytes"],
                        "ms": round((time.perf_counter() - start) * 1000, 2),
                    },
                    separators=(",", ":"),
                )
            )
