"""A checksum-database client that believes nothing it has not proved (x/mod sumdb.Client).

Each lookup answer carries a record and a signed tree head. The note must verify with the
database's key, the record must be proved included in that tree through tiles that hash up to
the tree's root, and the tree must be proved consistent with the newest tree this machine has
ever verified (stored state, replaced by compare-and-swap). A tree that is not an extension of
the stored one is proof of a forked log: SecurityError, with both signed notes and the proof.
The client does no I/O itself: it reads through a Remote and keeps state in a State.

Subclasses (the verifying mirror) build on a small public surface, documented on Client:
accept_tree, prove_record, proved_hashes, read_tile/fetch_tile and tiles_verified. Every name
starting with an underscore is private and may change.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from typing import Protocol, TypeVar, cast

from gomodcheck.errors import (
    FetchError,
    GomodcheckError,
    NotFoundError,
    SecurityError,
    VerificationError,
)
from gomodcheck.module import escape_path, escape_version
from gomodcheck.sumdb.state import State
from gomodcheck.tlog import (
    EMPTY_HASH,
    HASH_SIZE,
    MalformedError,
    ProofError,
    Tile,
    TileHashReader,
    Tree,
    audit_path,
    check_tree,
    format_hash,
    hash_from_tile,
    parse_record,
    parse_tree,
    prove_tree,
    record_hash,
    run_audit_path,
    stored_hash_index,
    tile_levels,
    tile_parent,
    tree_hash,
)
from gomodcheck.tlog.hashes import subtree_index

MAX_LOOKUP = 1 << 20  # a lookup is a few lines of record plus a signed note
MAX_LATEST = 64 << 10
_PAST, _NOW, _FUTURE = 1, 2, 3
_MERGE_WORKERS = 8
_TILE_BATCH = 128
T = TypeVar("T")


class Remote(Protocol):
    """Reads a path (``/lookup/...``, ``/tile/...``, ``/latest``) from the database server."""

    def read(self, path: str, *, max_size: int) -> bytes: ...


class StreamingRemote(Remote, Protocol):
    """A Remote that can also fetch many paths in the background (HttpRemote does).

    Each future resolves to the bytes or the FetchError that read() would have given.
    """

    def start_many(
        self, paths: Sequence[str], max_sizes: Sequence[int]
    ) -> list[Future[bytes | FetchError]]: ...


class NotInDatabaseError(NotFoundError):
    """The database answered that it has no record of this module version (404 or 410)."""


class InvalidModuleError(NotInDatabaseError):
    """The path or version cannot be in any checksum database: it is not a valid one."""


class OfflineError(FetchError):
    """Offline mode, and the verified cache does not hold what is needed."""


class _Offline:
    def read(self, path: str, *, max_size: int) -> bytes:
        raise OfflineError(f"offline: {path} is not in the verified cache")


class _Once:
    """Computes each key once, even when many threads ask at the same moment (x/mod parCache).

    The first caller computes while holding the key's lock; others wait on that lock. (A
    Future per key would do, at ten times the cost: a verify run asks for thousands of keys.)
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._slots: dict[object, _Slot] = {}

    def do(self, key: object, compute: Callable[[], T]) -> T:
        with self._lock:
            slot = self._slots.get(key)
            owner = slot is None
            if slot is None:
                slot = self._slots[key] = _Slot()
                slot.lock.acquire()
        if owner:
            try:
                slot.value = compute()
            except BaseException as exc:
                slot.error = exc
            finally:
                slot.lock.release()
        elif slot.lock.locked():
            with slot.lock:
                pass
        if slot.error is not None:
            raise slot.error
        return cast("T", slot.value)


class _Slot:
    __slots__ = ("error", "lock", "value")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.value: object = None
        self.error: BaseException | None = None


def _tree_size(note: bytes) -> int:
    """The size a (not yet verified) signed tree head claims, for ordering only."""
    try:
        return parse_tree(note.split(b"\n\n", 1)[0] + b"\n").n
    except MalformedError:
        return -1


def _lookup_path(path: str, version: str) -> str:
    try:
        epath = escape_path(path)
        evers = escape_version(version.removesuffix("/go.mod"))
    except ValueError as exc:
        raise InvalidModuleError(f"{path}@{version}: {exc}") from None
    return f"/lookup/{epath}@{evers}"


class Client:
    """Looks up module hashes in one checksum database and proves every answer.

    ``lookup`` is what most callers need. Long-running users that subclass Client (the verifying
    mirror) build on this extension surface, which is kept stable:

    - ``accept_tree(msg)``: verify a signed tree head and prove it consistent with every tree
      accepted so far; a newer tree becomes the stored latest (compare-and-swap).
    - ``prove_record(record_id, text, tree)``: prove a record is that leaf of an accepted tree.
    - ``proved_hashes(tree, indexes)``: stored hashes of an accepted tree, each proved against
      the tree's signed root.
    - ``read_tile(tile)``: the bytes of a tile, not yet authenticated. By default each tile is
      read once per client and the answer, or the failure, is remembered; override it to change
      that policy (a mirror forgets failures), calling ``fetch_tile(tile)`` for the actual read
      (verified cache first, then the server).
    - ``tiles_verified``: how many tiles this client has authenticated; memory grows with it.
    """

    def __init__(
        self,
        key: str,
        remote: Remote | None,
        state: State,
        *,
        tile_height: int = 8,
    ) -> None:
        """key is the database's verifier key; remote None means offline (verified cache only)."""
        from gomodcheck.note import Verifiers, parse_verifier_key  # noqa: PLC0415

        verifier = parse_verifier_key(key.strip())
        self.key = key.strip()
        self.name = verifier.name
        self._verifiers = Verifiers([verifier])
        self.remote: Remote = remote if remote is not None else _Offline()
        self.state = state
        self.tile_height = tile_height
        self.tiles_verified = 0
        self._lock = threading.Lock()
        self._latest = Tree(0, EMPTY_HASH)
        self._latest_msg = b""
        self._records = _Once()
        self._tiles = _Once()
        # Tiles authenticated in this process; their content is the same in every consistent
        # tree, so they are not checked twice.
        self._verified: dict[Tile, bytes] = {}
        self._readers: dict[Tree, TileHashReader] = {}
        # Inner levels of full leaf tiles authenticated in this process (for audit paths).
        self._levels: dict[Tile, list[bytes]] = {}
        self._accepted: dict[bytes, Tree] = {}
        # Prefetched, unverified answers by remote path; each is used at most once.
        self._pending: dict[str, Future[bytes | FetchError]] = {}
        # Cache entries read in bulk by prefetch (verified data, as the cache holds only that),
        # and cache keys known to be absent: neither needs a query of its own.
        self._preloaded: dict[str, bytes] = {}
        self._absent: set[str] = set()
        self._paths: dict[tuple[str, str], str] = {}
        self._saved: set[Tile] = set()
        stored = self.state.read_latest(self.name)
        if stored:
            # Proved when it was stored; its signature is checked again, its tiles need not be.
            tree = self._open_tree(stored)
            self._latest, self._latest_msg = tree, stored
            self._accepted[stored] = tree

    @property
    def offline(self) -> bool:
        return isinstance(self.remote, _Offline)

    @property
    def latest(self) -> tuple[Tree, bytes]:
        """The newest accepted tree and its signed note."""
        with self._lock:
            return self._latest, self._latest_msg

    # Lookups.

    def lookup(self, path: str, version: str) -> list[str]:
        """The database's go.sum lines for path@version (version may end in /go.mod)."""
        remote_path = self._lookup_path(path, version)
        text = self._records.do(remote_path, lambda: self._lookup(remote_path))
        prefix = f"{path} {version} "
        return [line for line in text.decode("utf-8").split("\n") if line.startswith(prefix)]

    def prefetch(self, modules: Sequence[tuple[str, str]]) -> None:
        """Get in bulk what lookups of these modules will need, so each lookup is a proof only.

        Verified-cache entries are read in a few queries. Online, the missing answers and then
        their tiles are fetched in the background, and lookup() waits for those it needs.
        Nothing fetched here is believed or cached until lookup() proves it; failures are left
        for lookup() to meet and report.
        """
        wanted: dict[str, None] = {}
        for path, version in modules:
            try:
                wanted[self._lookup_path(path, version)] = None
            except InvalidModuleError:
                continue
        found = self._preload([self.name + rp for rp in wanted])
        # The audit paths of the cached answers (a later lookup proves with them).
        ids: list[int] = []
        for data in found.values():
            with contextlib.suppress(MalformedError):
                ids.append(parse_record(data)[0])
        self._preload([f"{self.name}/path/{self.tile_height}/{i}" for i in ids])
        paths = [rp for rp in wanted if self.name + rp not in found]
        with self._lock:
            self._absent.update(self.name + rp for rp in paths)
        start_many = getattr(self.remote, "start_many", None)
        if paths and start_many is not None:
            self._prefetch_streaming(paths, start_many)

    def cached(self, modules: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which of these modules the verified cache answers for (read in bulk, no network;
        kept for the lookups that follow)."""
        paths: dict[str, list[tuple[str, str]]] = {}
        for path, version in modules:
            with contextlib.suppress(InvalidModuleError):
                paths.setdefault(self.name + self._lookup_path(path, version), []).append(
                    (path, version)
                )
        found = self._preload(list(paths))
        return {m for key in found for m in paths[key]}

    def absorb(self, tree_note: bytes, entries: Mapping[str, bytes]) -> None:
        """Take over what a copy of this client verified in a forked process: its tree head is
        accepted here (signature checked, proved consistent with every tree accepted so far),
        then its cache entries are stored as this client's own. Only a forked copy of this
        client, running this code, is a source to take entries from without proving them."""
        if tree_note:
            self.accept_tree(tree_note)
        prefix = f"{self.name}/"
        for key, data in entries.items():
            if key.startswith(prefix):
                self._write_cache(key, data)

    def _preload(self, keys: Sequence[str]) -> dict[str, bytes]:
        """Read these cache entries in bulk (if the State can) and keep them for _read_cache."""
        bulk = getattr(self.state, "read_many", None)
        if bulk is None or not keys:
            return {}
        found: dict[str, bytes] = bulk(keys)
        with self._lock:
            self._preloaded.update(found)
            self._absent.update(k for k in keys if k not in found)
        return found

    def _prefetch_streaming(
        self,
        paths: list[str],
        start_many: Callable[[Sequence[str], Sequence[int]], list[Future[bytes | FetchError]]],
    ) -> None:
        """Tiles for the first answers are asked for while later answers are still arriving,
        and proofs can start while tiles still arrive."""
        futures = start_many(paths, [MAX_LOOKUP] * len(paths))
        with self._lock:
            self._pending.update(zip(paths, futures, strict=True))
        tree: Tree | None = None
        first_note = b""
        others: set[bytes] = set()
        requested: set[Tile] = set()
        batch: list[int] = []
        for fut in concurrent.futures.as_completed(futures):
            answer = fut.result()
            if not isinstance(answer, bytes):
                continue
            try:
                record_id, _, note = parse_record(answer)
            except MalformedError:
                continue
            with self._lock:
                # A fresh answer: its audit path cannot be cached either (a cheap guess; if
                # wrong, the full proof runs instead of the short one).
                self._absent.add(f"{self.name}/path/{self.tile_height}/{record_id}")
            if tree is None:
                self._start_consistency_tiles(note, requested, start_many)
                try:
                    self.accept_tree(note)
                except GomodcheckError:
                    return  # lookup() will meet the same problem and report it
                tree, first_note = self.latest[0], note
            elif note != first_note:
                others.add(note)
            batch.append(record_id)
            if len(batch) >= _TILE_BATCH:
                self._start_tiles(tree, batch, requested, start_many)
                batch = []
        if tree is not None and batch:
            self._start_tiles(tree, batch, requested, start_many)
        if others:
            # Other tree heads (a server's view moved on mid-run): each is proved a prefix or
            # an extension of the newest, concurrently, as each proof is a few tile reads.
            with concurrent.futures.ThreadPoolExecutor(_MERGE_WORKERS) as pool:
                list(pool.map(self._try_accept, others))

    def _start_consistency_tiles(
        self,
        note: bytes,
        requested: set[Tile],
        start_many: Callable[[Sequence[str], Sequence[int]], list[Future[bytes | FetchError]]],
    ) -> None:
        """Start fetching the tiles accept_tree(note) will read to prove a newer tree: they are
        read from the server afresh (cached or not), and one by one they would be a round trip
        each."""
        try:
            tree = self._open_tree(note)
        except GomodcheckError:
            return
        older = self.latest[0]
        if tree.n <= older.n:
            return  # proved from tiles this machine holds
        try:
            planned = TileHashReader(tree, _TileReader(self)).plan(
                subtree_index(0, older.n or tree.n, [])
            )
        except GomodcheckError:
            return
        tiles = [t for t in planned if t not in requested]
        requested.update(tiles)
        paths = [f"/{t.path()}" for t in tiles]
        futures = start_many(paths, [t.W * HASH_SIZE for t in tiles])
        with self._lock:
            self._pending.update(zip(paths, futures, strict=True))

    def _start_tiles(
        self,
        tree: Tree,
        ids: list[int],
        requested: set[Tile],
        start_many: Callable[[Sequence[str], Sequence[int]], list[Future[bytes | FetchError]]],
    ) -> None:
        indexes = sorted({stored_hash_index(0, i) for i in ids if 0 <= i < tree.n})
        try:
            planned = [t for t in self._reader(tree).plan(indexes) if t not in requested]
        except GomodcheckError:
            return
        requested.update(planned)
        keys = {t: self._tile_keys(t) for t in planned}
        cached = self._cached_keys([k for ks in keys.values() for k in ks])
        tiles = [t for t in planned if not any(k in cached for k in keys[t])]
        if not tiles:
            return
        with self._lock:
            self._absent.update(k for t in tiles for k in keys[t])
        tile_paths = [f"/{t.path()}" for t in tiles]
        futures = start_many(tile_paths, [t.W * HASH_SIZE for t in tiles])
        with self._lock:
            self._pending.update(zip(tile_paths, futures, strict=True))

    def _try_accept(self, note: bytes) -> None:
        with contextlib.suppress(GomodcheckError):
            self.accept_tree(note)

    def _tile_keys(self, tile: Tile) -> tuple[str, ...]:
        full = Tile(tile.H, tile.L, tile.N, 1 << tile.H)
        keys = (f"{self.name}/{tile.path()}",)
        return keys if tile == full else (*keys, f"{self.name}/{full.path()}")

    def _cached_keys(self, keys: Sequence[str]) -> set[str]:
        # A State may answer in bulk (SqliteState does); otherwise ask key by key.
        bulk = getattr(self.state, "cached_keys", None)
        if bulk is not None:
            found: set[str] = bulk(keys)
            return found
        return {k for k in keys if self.state.read_cache(k) is not None}

    def _read_cache(self, key: str) -> bytes | None:
        """The state cache, skipping keys prefetch() found absent (and nothing wrote since)."""
        with self._lock:
            preloaded = self._preloaded.pop(key, None)
            if preloaded is not None:
                return preloaded
            if key in self._absent:
                return None
        return self.state.read_cache(key)

    def _lookup_path(self, path: str, version: str) -> str:
        key = (path, version.removesuffix("/go.mod"))
        found = self._paths.get(key)
        if found is None:
            found = _lookup_path(*key)
            self._paths[key] = found
        return found

    def _read_remote(self, path: str, max_size: int) -> bytes:
        with self._lock:
            pending = self._pending.pop(path, None)
        if pending is not None:
            answer = pending.result()
            if isinstance(answer, bytes) and len(answer) <= max_size:
                return answer
        # Not prefetched, or it failed there: ask again, so the error is reported as it is.
        return self.remote.read(path, max_size=max_size)

    def _lookup(self, remote_path: str) -> bytes:
        key = self.name + remote_path
        data = self._read_cache(key)
        from_cache = data is not None
        if data is None:
            try:
                data = self._read_remote(remote_path, MAX_LOOKUP)
            except OfflineError:
                raise
            except NotFoundError as exc:
                raise NotInDatabaseError(f"{remote_path}: {exc}") from None
        try:
            record_id, text, tree_msg = parse_record(data)
        except MalformedError:
            raise VerificationError(f"{remote_path}: malformed record data") from None
        self.accept_tree(tree_msg)
        # Proved in the newest accepted tree (as x/mod does): every accepted tree is a prefix of
        # it, and one tree means one set of tiles for all records.
        self.prove_record(record_id, text, self.latest[0])
        if not from_cache:
            self._write_cache(key, data)
        return text

    def refresh(self) -> Tree:
        """Fetch /latest and prove it extends the stored tree (fork check without a lookup)."""
        self.accept_tree(self.remote.read("/latest", max_size=MAX_LATEST))
        return self.latest[0]

    def flush(self) -> None:
        self.state.flush()

    def close(self) -> None:
        """Write what is pending to the state."""
        self.flush()

    # Tree heads.

    def _open_tree(self, msg: bytes) -> Tree:
        from gomodcheck.note import open_note  # noqa: PLC0415

        try:
            note = open_note(msg, self._verifiers)
        except GomodcheckError as exc:
            raise VerificationError(
                f"reading tree note: {exc}\nnote:\n{msg.decode('utf-8', 'replace')}"
            ) from None
        try:
            return parse_tree(note.text.encode("utf-8"))
        except MalformedError:
            raise VerificationError(
                f"reading tree: malformed tree note\ntree:\n{note.text}"
            ) from None

    def accept_tree(self, msg: bytes) -> Tree:
        """Accept a signed tree head if it is consistent with every tree accepted so far.

        The note must verify with the database's key. A tree newer than the latest is proved an
        extension of it and becomes the latest, in memory and in the State (compare-and-swap,
        so a newer tree stored by another process is merged, never rolled back); an older tree
        is proved a prefix of the latest. Returns the tree. Raises VerificationError for a bad
        note or a failed proof, SecurityError (with both notes and the proof) for a fork; the
        stored tree is then unchanged.
        """
        with self._lock:
            accepted = self._accepted.get(msg)
        if accepted is not None:
            return accepted
        tree = self._open_tree(msg)
        if self._merge_mem(msg, tree) == _FUTURE:
            # Our tree moved forward. Store it unless another process stored a newer one; then
            # merge theirs (proving consistency) and, if ours is still newer, try again.
            while True:
                stored = self.state.read_latest(self.name)
                if self._merge_mem(stored) != _PAST:
                    break
                with self._lock:
                    new = self._latest_msg
                if self.state.write_latest(self.name, stored, new):
                    break
        with self._lock:
            self._accepted[msg] = tree
        return tree

    def _merge_mem(self, msg: bytes, tree: Tree | None = None) -> int:
        """Merge msg into the in-memory latest: is it in the past, now, or our new future?"""
        if not msg:
            with self._lock:
                return _NOW if self._latest.n == 0 else _PAST
        if tree is None:
            tree = self._open_tree(msg)
        with self._lock:
            latest, latest_msg = self._latest, self._latest_msg
        while True:
            if tree.n <= latest.n:
                self._check_trees(tree, msg, latest, latest_msg, trusted=True)
                return _PAST if tree.n < latest.n else _NOW
            self._check_trees(latest, latest_msg, tree, msg, trusted=False)
            with self._lock:
                if self._latest == latest:
                    self._latest, self._latest_msg = tree, msg
                    return _FUTURE
                latest, latest_msg = self._latest, self._latest_msg

    def _check_trees(
        self, older: Tree, older_msg: bytes, newer: Tree, newer_msg: bytes, *, trusted: bool
    ) -> None:
        """Prove that ``newer`` contains ``older`` as a prefix, or raise SecurityError.

        Tiles authenticated against an untrusted newer tree are cached only once the proof
        succeeds, so a forked log leaves nothing behind.
        """
        if older == newer or (older.n == 0 and (trusted or newer.n == 0)):
            return
        # An untrusted newer tree is read from the server afresh, not from tiles we hold: the
        # proof must use the server's own view, so a fork shows up as a fork.
        tile_reader = _TileReader(self, defer=not trusted)
        if older.n == 0:
            # The first tree this machine accepts: a signature alone does not make it stored
            # state. The server's tiles must hash to its root first.
            try:
                tree_hash(newer.n, TileHashReader(newer, tile_reader))
            except VerificationError as exc:
                raise VerificationError(f"checking tree#{newer.n}: {exc}") from None
            tile_reader.commit()
            return
        reader = TileHashReader(newer, tile_reader, self._verified if trusted else None)
        try:
            h = tree_hash(older.n, reader)
        except VerificationError as exc:
            what = (
                f"tree#{older.n}"
                if older.n == newer.n
                else f"tree#{older.n} against tree#{newer.n}"
            )
            raise VerificationError(f"checking {what}: {exc}") from None
        if h == older.hash:
            tile_reader.commit()
            return
        evidence = [
            "go.sum database server misbehavior detected!",
            "old database:\n\t" + older_msg.decode("utf-8", "replace").replace("\n", "\n\t"),
            "new database:\n\t" + newer_msg.decode("utf-8", "replace").replace("\n", "\n\t"),
        ]
        proof = [f"proof of misbehavior:\n\t{format_hash(h)}"]
        try:
            p = prove_tree(newer.n, older.n, reader)
            check_tree(p, newer.n, newer.hash, older.n, h)
            proof.extend(f"\t{format_hash(x)}" for x in p)
        except (GomodcheckError, ValueError) as exc:
            proof.append(f"\tinternal error: {exc}")
        evidence.append("\n".join(proof))
        raise SecurityError(
            f"checksum database {self.name} is not an extension of the tree verified earlier "
            f"(tree#{older.n} versus tree#{newer.n}); the stored tree is kept",
            evidence,
        )

    # Records and tiles.

    def prove_record(self, record_id: int, text: bytes, tree: Tree) -> None:
        """Prove the record is leaf record_id of tree (an accepted tree), or raise
        VerificationError (or FetchError if a tile cannot be had).

        The first proof goes through the record's tile, authenticated against its parent tile.
        For a full tile we then keep the record's audit path: the sibling hashes up to the
        tile's root, and on up to the root of the parent tile when that is full too (the roots
        of complete subtrees never change as the log grows). Later runs fold the path up and
        compare with the hash stored in the authenticated tile above: the same proof, without
        hashing the record's tile (or its parent) again. A damaged path fails to match, and the
        full proof runs instead.
        """
        if record_id < 0 or record_id >= tree.n:
            raise VerificationError(f"cannot validate record {record_id} in tree of size {tree.n}")
        h = self.tile_height
        leaf = record_hash(text)
        full = record_id >> h < tree.n >> h
        path_key = f"{self.name}/path/{h}/{record_id}"
        if full:
            stored = self._read_cache(path_key)
            if stored is not None and self._path_proves(tree, record_id, leaf, stored):
                return
        got = self._leaf_from_full_tile(tree, record_id) if full else None
        if got is None:
            got = self._reader(tree).read_hashes([stored_hash_index(0, record_id)])[0]
        if got != leaf:
            raise VerificationError("cannot authenticate record data in server response")
        if full:
            path = self._audit_path(tree, record_id)
            if path is not None:
                self._write_cache(path_key, path)

    def _path_proves(self, tree: Tree, record_id: int, leaf: bytes, stored: bytes) -> bool:
        """Whether a stored audit path (one or two tiles high) leads from the leaf to the hash
        of its subtree in the authenticated tiles of tree."""
        h = self.tile_height
        count, rest = divmod(len(stored), HASH_SIZE)
        if rest or count not in (h, 2 * h) or record_id >> count >= tree.n >> count:
            return False
        path = [stored[k * HASH_SIZE : (k + 1) * HASH_SIZE] for k in range(count)]
        got = run_audit_path(leaf, record_id & ((1 << count) - 1), path)
        return got == self._subtree_root(tree, count // h, record_id >> count)

    def _audit_path(self, tree: Tree, record_id: int) -> bytes | None:
        """The record's audit path through its full tile and, if full, the parent tile, from
        the levels of those tiles as they were authenticated (None if they are not at hand)."""
        h = self.tile_height
        tile = Tile(h, 0, record_id >> h, 1 << h)
        with self._lock:
            levels = self._levels.get(tile)
        if levels is None:
            return None
        path = audit_path(levels, record_id & ((1 << h) - 1))
        parent = tile_parent(tile, 1, tree.n)
        if parent is not None and parent.W == tile.W:
            with self._lock:
                parent_levels = self._levels.get(parent)
                parent_data = self._verified.get(parent)
            if parent_levels is None and parent_data is not None:
                parent_levels = tile_levels(parent_data)
                with self._lock:
                    self._levels[parent] = parent_levels
            if parent_levels is not None:
                path += audit_path(parent_levels, tile.N & ((1 << h) - 1))
        return b"".join(path)

    def proved_hashes(self, tree: Tree, indexes: Sequence[int]) -> list[bytes]:
        """Stored hashes of an accepted tree, each proved against the tree's signed root."""
        return self._reader(tree).read_hashes(indexes)

    def _subtree_root(self, tree: Tree, up: int, n: int) -> bytes:
        """The stored hash at level up*H, number n, proved in tree: read straight from the
        tile above it when that is authenticated already, else through the tree's reader."""
        h = self.tile_height
        index = stored_hash_index(up * h, n)
        above = tile_parent(Tile(h, up - 1, n, 1 << h), 1, tree.n)
        if above is not None:
            with self._lock:
                data = self._verified.get(above)
            if data is not None:
                return hash_from_tile(above, data, index)
        return self._reader(tree).read_hashes([index])[0]

    def _leaf_from_full_tile(self, tree: Tree, record_id: int) -> bytes | None:
        """The common case, done directly: the record's tile is full and its parent tile is
        already authenticated, so the tile is checked against the parent and nothing else.
        None when that does not apply (the general tile reader then does the work)."""
        h = self.tile_height
        tile = Tile(h, 0, record_id >> h, 1 << h)
        parent = tile_parent(tile, 1, tree.n)
        if parent is None:
            return None
        with self._lock:
            parent_data = self._verified.get(parent)
            data = self._verified.get(tile)
        if parent_data is None:
            return None
        # Both tiles are rows of hashes: the tile's root is entry N mod 2**h of the parent's
        # row (the parent covers it: the tile is full), the record's hash entry record_id mod
        # 2**h of the tile's. hash_from_tile() finds the same, with checks that hold here.
        mask = (1 << h) - 1
        if data is None:
            data = self.read_tile(tile)
            if len(data) != tile.W * HASH_SIZE:
                raise ProofError(
                    f"tile {tile.path()} has {len(data)} bytes, want {tile.W * HASH_SIZE}"
                )
            levels = tile_levels(data)
            at = (tile.N & mask) * HASH_SIZE
            if levels[-1] != parent_data[at : at + HASH_SIZE]:
                raise ProofError("downloaded inconsistent tile")
            with self._lock:
                self._levels[tile] = levels
            self._save_tiles([tile], [data])
        at = (record_id & mask) * HASH_SIZE
        return data[at : at + HASH_SIZE]

    def _reader(self, tree: Tree) -> TileHashReader:
        """The hash reader of an accepted tree; it checks the tree's root once, then reuses it."""
        with self._lock:
            reader = self._readers.get(tree)
            if reader is None:
                reader = TileHashReader(tree, _TileReader(self), self._verified, self._levels)
                self._readers[tree] = reader
        return reader

    def read_tile(self, tile: Tile) -> bytes:
        """The bytes of tile, not yet authenticated (callers prove them before use).

        Each tile is read once per client, and the answer or the failure is remembered; a
        subclass may override this to change that, calling fetch_tile().
        """
        return self._tiles.do(tile, lambda: self.fetch_tile(tile))

    def fetch_tile(self, tile: Tile) -> bytes:
        """Read tile from the verified cache (also a prefix of the cached full tile), else from
        the server (falling back to the full tile if the partial one is gone)."""
        full = Tile(tile.H, tile.L, tile.N, 1 << tile.H)
        cached = self._read_cache(f"{self.name}/{tile.path()}")
        if cached is not None:
            self._mark_saved(tile)
            return cached
        if tile != full:
            cached = self._read_cache(f"{self.name}/{full.path()}")
            if cached is not None and len(cached) >= tile.W * HASH_SIZE:
                self._mark_saved(tile)  # the full tile is stored already
                return cached[: tile.W * HASH_SIZE]
        return self._read_remote_tile(tile)

    def _read_remote_tile(self, tile: Tile) -> bytes:
        full = Tile(tile.H, tile.L, tile.N, 1 << tile.H)
        size = tile.W * HASH_SIZE
        try:
            try:
                return self._read_remote(f"/{tile.path()}", size)
            except FetchError:
                if tile == full:
                    raise
                # A server may have dropped the partial tile once the full one exists.
                data = self._read_remote(f"/{full.path()}", full.W * HASH_SIZE)
                return data[:size]
        except OfflineError:
            raise
        except NotFoundError as exc:
            # A missing tile is a broken server, not a missing module.
            raise FetchError(f"reading {tile.path()}: {exc}") from None

    def _mark_saved(self, tile: Tile) -> None:
        with self._lock:
            self._saved.add(tile)

    def _save_tiles(self, tiles: Sequence[Tile], data: Sequence[bytes]) -> None:
        """Called only after the tiles were authenticated against a signed tree."""
        to_write: list[tuple[Tile, bytes]] = []
        with self._lock:
            self.tiles_verified += len(tiles)
            for tile, d in zip(tiles, data, strict=True):
                self._verified[tile] = d
                if tile not in self._saved:
                    self._saved.add(tile)
                    to_write.append((tile, d))
        for tile, d in to_write:
            self._write_cache(f"{self.name}/{tile.path()}", d)

    def _write_cache(self, key: str, data: bytes) -> None:
        with self._lock:
            self._absent.discard(key)
        self.state.write_cache(key, data)


class _TileReader:
    """The tlog TileReader of a Client; deferred, it caches nothing until commit()."""

    def __init__(self, client: Client, *, defer: bool = False) -> None:
        self.client = client
        self.defer = defer
        self._deferred: list[tuple[Sequence[Tile], Sequence[bytes]]] = []

    def commit(self) -> None:
        for tiles, data in self._deferred:
            self.client._save_tiles(tiles, data)
        self._deferred.clear()

    def height(self) -> int:
        return self.client.tile_height

    def read_tiles(self, tiles: Sequence[Tile], /) -> list[bytes]:
        if self.defer:
            return [self.client._read_remote_tile(t) for t in tiles]
        return [self.client.read_tile(t) for t in tiles]

    def save_tiles(self, tiles: Sequence[Tile], data: Sequence[bytes], /) -> None:
        if self.defer:
            self._deferred.append((tiles, data))
        else:
            self.client._save_tiles(tiles, data)
