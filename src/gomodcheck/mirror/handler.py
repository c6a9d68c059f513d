"""The mirror's HTTP answers, free of any server: a request path in, status, body and headers out.

Both places that serve a mirror call this one function: the standalone app (``sumdb mirror``,
mirror/app.py) and the ``/sumdb/<name>/`` mount of ``sumdb serve`` (server/app.py). Paths are
relative to the database's root: ``/latest``, ``/lookup/M@V``, ``/tile/...``, and, where the
database is mounted as a module proxy exposes it, ``/supported``.

Proved answers held in memory are returned on the event loop (``at_hand`` finds them for the
runner's path around ASGI); everything else runs on a worker thread (verification fetches and
hashes, SQLite). Every failure maps to a status here, so a lie from the upstream is never passed
on whichever app asked.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from gomodcheck.errors import FetchError, NotFoundError, VerificationError
from gomodcheck.mirror.service import BadRequestError, Mirror
from gomodcheck.sumdb import OfflineError

TEXT = b"text/plain; charset=UTF-8"
BINARY = b"application/octet-stream"
# Tiles and records never change once proved; tree heads do.
CACHE_IMMUTABLE = b"public, max-age=31536000, immutable"
CACHE_LOOKUP = b"public, max-age=60"
CACHE_NONE = b"no-store"
# Proofs wait on the upstream (up to its 30 s deadline): more threads than the loop's default pool,
# so a slow upstream does not hold up answers from the store.
_WORKERS = ThreadPoolExecutor(max_workers=32, thread_name_prefix="mirror")


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: bytes
    media: bytes = TEXT
    cache: bytes = CACHE_NONE


def error(status: int, message: str) -> Answer:
    return Answer(status, message.rstrip("\n").encode("utf-8", "replace") + b"\n")


async def handle(mirror: Mirror, path: str, *, mounted: bool) -> Answer:
    """The answer to a GET of ``path`` (relative to the database root) from ``mirror``.

    ``mounted``: the request came under ``/sumdb/<name>/``, where ``/supported`` answers 200.
    """
    if path.startswith("/tile/"):
        media = TEXT if "/data/" in path else BINARY
        key = path[1:]
        return await _answer(lambda: mirror.tile(key), key, mirror, media, CACHE_IMMUTABLE)
    if path.startswith("/lookup/"):
        mod = path[len("/lookup/") :]
        return await _answer(lambda: mirror.lookup(mod), path, mirror, TEXT, CACHE_LOOKUP)
    if path == "/latest":
        note = mirror.fresh_latest()
        if note is not None:
            return Answer(200, note, TEXT, CACHE_NONE)
        return await _answer(mirror.latest, None, mirror, TEXT, CACHE_NONE)
    if path == "/supported" and mounted:
        return Answer(200, b"")
    # 404 makes the go command move on to the next GOPROXY entry for module downloads.
    return error(404, "not found: this mirror serves only the checksum database")


def at_hand(mirror: Mirror, path: str) -> tuple[bytes, bytes, bytes] | None:
    """(body, media type, cache-control) of the 200 answer ``handle`` would give for ``path``
    when it is in memory (proved tiles and lookups, a tree head that needs no upstream fetch),
    without waiting; None otherwise. (A tuple: this runs for every request, see runner.)"""
    if path.startswith("/tile/"):
        body = mirror.memory.get(path[1:])
        if body is None:
            return None
        return body, TEXT if "/data/" in path else BINARY, CACHE_IMMUTABLE
    if path.startswith("/lookup/"):
        body = mirror.memory.get(path)
        return None if body is None else (body, TEXT, CACHE_LOOKUP)
    if path == "/latest":
        note = mirror.fresh_latest()
        return None if note is None else (note, TEXT, CACHE_NONE)
    return None


def encode(body: bytes, media: bytes, cache: bytes) -> bytes:
    """An answer's header lines (after the status line and date), blank line and body, as
    uvicorn writes the headers the mirror app sends."""
    return b"".join(
        (
            b"content-type: ", media,
            b"\r\ncontent-length: ", str(len(body)).encode(),
            b"\r\ncache-control: ", cache,
            b"\r\n\r\n",
            body,
        )
    )  # fmt: skip


async def _answer(
    call: Callable[[], bytes], memory_key: str | None, mirror: Mirror, media: bytes, cache: bytes
) -> Answer:
    try:
        body = mirror.memory.get(memory_key) if memory_key is not None else None
        if body is None:
            body = await asyncio.get_running_loop().run_in_executor(_WORKERS, call)
    except BadRequestError as exc:
        return error(400, str(exc))
    except OfflineError as exc:
        return error(503, f"not in the mirror's verified store and upstream not used: {exc}")
    except NotFoundError as exc:
        return error(404, f"not found: {exc}")
    except FetchError as exc:
        return error(502, f"upstream unavailable and not in the verified store: {exc}")
    except VerificationError as exc:
        # Never pass on what did not prove out; the alert log holds the evidence.
        return error(502, f"upstream answer failed verification: {exc}")
    return Answer(200, body, media, cache)


def health(mirror: Mirror) -> dict[str, Any]:
    """The mirror's part of /healthz: "degraded" once the upstream lied since this start.

    Alerts stay in the store (``mirror_alerts``); ``alerts`` counts all of them, ``last_alert``
    is the newest of this run, with its evidence.
    """
    recent = mirror.alerts.recent
    return {
        "status": "degraded" if recent else "ok",
        "name": mirror.name,
        "tree_size": mirror.tree().n,
        "offline": mirror.offline,
        "alerts": mirror.alerts.count,
        "last_alert": recent[-1] if recent else None,
    }
