"""Checksum-database lookups on two cores: a share of them proved in a forked copy of the process.

Proving a cold go.sum is CPU work in the interpreter (parsing answers, hashing tiles, proving
records), and one interpreter runs it on one core. Where the platform can fork, a go.sum with
many uncached lines is split: a forked child (this same program, with a copy of the client that
holds no connection and no database handle of the parent's) looks up and proves a share while
the parent does the rest. The child sends back its answers, the tree head it proved them in,
and the cache entries it verified; the parent proves that tree consistent with its own before
taking anything, then stores the entries as if it had verified them itself.

Anything the child could not settle (a failed proof, a server error, a child that died) is
looked up again by the parent, which then meets and reports the problem exactly as it would
have without the child. Nothing is written to the state by the child.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import signal
import threading
from collections.abc import Callable, Sequence

from gomodcheck.sumdb.client import Client, NotInDatabaseError, OfflineError, Remote
from gomodcheck.sumdb.state import MemoryState

Answer = list[str] | NotInDatabaseError | OfflineError
Key = tuple[str, str]

# Below this many uncached lookups a fork costs more than it saves (measured: starting the
# child and taking over its entries costs about as much as proving 100 lookups).
MIN_SPLIT = 256
# The child's share: the parent also takes over the child's entries and stores everything
# at the end, about a fifth of its own lookups' time (measured on 3,000 lines).
CHILD_SHARE = 0.55


def lookup_all(
    client: Client,
    keys: Sequence[Key],
    progress: Callable[[int, int], None] | None = None,
    *,
    split: bool = True,
) -> dict[Key, Answer]:
    """Look up every key (path, version) with client; on two cores where that pays, if split."""
    helper = _start_helper(client, keys) if split else None
    mine = keys if helper is None else helper.mine
    try:
        client.prefetch(mine)
        answers = _lookup_each(client, mine, progress, len(keys))
    except BaseException:
        if helper is not None:
            helper.discard()  # the error ends the run: the child's work is not needed
        raise
    if helper is not None:
        answers.update(helper.collect(client))
        rest = [k for k in helper.theirs if k not in answers]
        if rest:
            client.prefetch(rest)
            answers.update(_lookup_each(client, rest, None, len(keys)))
        if progress:
            progress(len(keys), len(keys))
    return answers


def _lookup_each(
    client: Client,
    keys: Sequence[Key],
    progress: Callable[[int, int], None] | None,
    total: int,
) -> dict[Key, Answer]:
    answers: dict[Key, Answer] = {}
    for done, key in enumerate(keys, 1):
        try:
            answers[key] = client.lookup(*key)
        except (NotInDatabaseError, OfflineError) as exc:
            answers[key] = exc
        if progress:
            progress(done, total)
    return answers


class _Helper:
    """A forked child looking up `theirs`; the parent looks up `mine`."""

    def __init__(self, pid: int, fd: int, mine: list[Key], theirs: list[Key]) -> None:
        self.pid = pid
        self.fd = fd
        self.mine = mine
        self.theirs = theirs

    def discard(self) -> None:
        """Stop the child and reap it."""
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        os.close(self.fd)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)

    def collect(self, client: Client) -> dict[Key, Answer]:
        """The child's settled answers, after taking over its tree and entries (empty if the
        child failed: the parent then looks everything up itself)."""
        chunks = []
        try:
            while chunk := os.read(self.fd, 1 << 20):
                chunks.append(chunk)
        finally:
            os.close(self.fd)
            _, status = os.waitpid(self.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0 or not chunks:
            return {}
        try:
            payload = marshal.loads(b"".join(chunks))  # noqa: S302 - from our own fork
            found, missing, entries, tree_note = payload
        except (EOFError, ValueError, TypeError):
            return {}
        client.absorb(tree_note, entries)  # proves the child's tree first; may raise
        answers: dict[Key, Answer] = {k: list(lines) for k, lines in found.items()}
        answers.update((k, NotInDatabaseError(msg)) for k, msg in missing.items())
        return answers


def _start_helper(client: Client, keys: Sequence[Key]) -> _Helper | None:
    """Fork a child for a share of the uncached keys; None where that does not apply."""
    if (
        not hasattr(os, "fork")
        or (os.cpu_count() or 1) < 2
        or client.offline
        or _other_threads()
        or len(keys) < MIN_SPLIT
    ):
        return None
    forked = getattr(client.remote, "forked", None)
    if forked is None:
        return None
    cached = client.cached(keys)
    uncached = [k for k in keys if k not in cached]
    if len(uncached) < MIN_SPLIT:
        return None
    theirs = uncached[round(len(uncached) * (1 - CHILD_SHARE)) :]
    taken = set(theirs)
    mine = [k for k in keys if k not in taken]
    latest = client.latest[1]
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        status = 1
        try:
            os.close(read_fd)
            status = _child(client, forked, latest, theirs, write_fd)
        finally:
            os._exit(status)
    os.close(write_fd)
    return _Helper(pid, read_fd, mine, theirs)


def _other_threads() -> bool:
    """Whether threads besides this one run: a fork copies none of them, but would copy any
    lock one of them holds at that moment, so the child could wait on it forever."""
    return threading.active_count() > 1


def _child(
    parent: Client,
    forked: Callable[[], Remote | None],
    latest: bytes,
    keys: list[Key],
    fd: int,
) -> int:
    state = MemoryState()
    if latest:
        state.latest[parent.name] = latest  # proved consistent with, as the parent would
    remote = forked()
    if remote is None:
        return 1
    client = Client(parent.key, remote, state, tile_height=parent.tile_height)
    found: dict[Key, list[str]] = {}
    missing: dict[Key, str] = {}
    with contextlib.suppress(Exception):
        client.prefetch(keys)
    for key in keys:
        try:
            found[key] = client.lookup(*key)
        except NotInDatabaseError as exc:
            missing[key] = str(exc)
        except Exception:  # noqa: S112 - left for the parent, which reports it
            continue
    client.close()
    payload = marshal.dumps((found, missing, state.cache, client.latest[1]))
    view = memoryview(payload)
    while view:
        view = view[os.write(fd, view) :]
    os.close(fd)
    return 0
