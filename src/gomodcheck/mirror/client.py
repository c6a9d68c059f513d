"""The verifying client a long-running mirror needs, built on the checksum-database client.

``sumdb.Client`` was written for one command run: it remembers every answer (and every failure)
for the life of the process. A mirror runs for weeks and its upstream comes and goes, so this
subclass forgets failures (a tile that could not be fetched once can be fetched later) and
exposes the three proofs the mirror serves by: accept a signed tree head, prove a lookup answer,
and read hashes proved in an accepted tree. The proofs themselves are the client's, used through
its public extension surface only (see ``sumdb.Client``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

from gomodcheck.errors import VerificationError
from gomodcheck.sumdb import Client, Remote, State
from gomodcheck.tlog import MalformedError, Tile, Tree, parse_record

T = TypeVar("T")


class SingleFlight:
    """Runs one computation per key at a time; later callers share it, then it is forgotten."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[object, Future[object]] = {}

    def do(self, key: object, compute: Callable[[], T]) -> T:
        with self._lock:
            fut = self._running.get(key)
            owner = fut is None
            if fut is None:
                fut = Future()
                self._running[key] = fut
        if owner:
            try:
                fut.set_result(compute())
            except BaseException as exc:
                fut.set_exception(exc)
            finally:
                with self._lock:
                    del self._running[key]
        result: T = fut.result()  # type: ignore[assignment]
        return result


class MirrorClient(Client):
    """A Client whose failures are not remembered, with the entry points a mirror serves by."""

    def __init__(
        self, key: str, remote: Remote | None, state: State, *, tile_height: int = 8
    ) -> None:
        self._flights = SingleFlight()  # before the base class reads anything
        super().__init__(key, remote, state, tile_height=tile_height)

    def accept_note(self, msg: bytes) -> Tree:
        """Verify a signed tree head and prove it consistent with every tree accepted so far.

        A newer tree becomes the stored latest (compare-and-swap). SecurityError on a fork.
        """
        return self.accept_tree(msg)

    def prove_lookup(self, data: bytes) -> tuple[int, bytes, Tree]:
        """Prove a lookup answer: its note verifies and extends our tree, its record is in it."""
        try:
            record_id, text, tree_msg = parse_record(data)
        except MalformedError:
            raise VerificationError("malformed record data") from None
        tree = self.accept_tree(tree_msg)
        self.prove_record(record_id, text, tree)
        return record_id, text, tree

    # A failed fetch is not remembered: the upstream may be back on the next request.
    def read_tile(self, tile: Tile) -> bytes:
        return self._flights.do(tile, lambda: self.fetch_tile(tile))
