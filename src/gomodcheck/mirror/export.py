"""Exporting a bundle: look up every module of some go.sum files in the checksum database with the
verifying client, check each go.sum line against the proved record, and collect one signed tree
head with the tiles that prove every record in it.

All records are bound to one tree (the newest the client accepted) instead of the various trees
their lookups happened to carry: then the other side needs one tree head and the tiles of one
tree, and a lookup answer rebuilt from a record and that head is as valid as the database's own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from gomodcheck.errors import NotFoundError, SecurityError, VerificationError
from gomodcheck.gosum import GoSum
from gomodcheck.mirror.bundle import Bundle, BundleRecord
from gomodcheck.module import escape_path, escape_version
from gomodcheck.sumdb import Client, NotInDatabaseError, Remote
from gomodcheck.tlog import (
    HASH_SIZE,
    MalformedError,
    ProofError,
    Tile,
    TileHashReader,
    Tree,
    parse_record,
    record_hash,
    stored_hash_index,
    tree_hash,
)

_WORKERS = 8


@dataclass(frozen=True)
class ExportSummary:
    tree_size: int
    records: int
    tiles: int
    lines: int  # go.sum lines proved
    skipped: tuple[str, ...]  # path@version left out (GONOSUMDB/GOPRIVATE)


class _CollectingTiles:
    """A TileReader that reads tiles from the database and keeps those that proved out."""

    def __init__(self, remote: Remote, height: int) -> None:
        self.remote = remote
        self._height = height
        self.proved: dict[str, bytes] = {}

    def height(self) -> int:
        return self._height

    def read_tiles(self, tiles: Sequence[Tile], /) -> list[bytes]:
        # One round trip per tile; a go.sum of hundreds of modules needs hundreds of tiles.
        with ThreadPoolExecutor(_WORKERS) as pool:
            return list(pool.map(self._read, tiles))

    def _read(self, tile: Tile) -> bytes:
        size = tile.W * HASH_SIZE
        try:
            return self.remote.read("/" + tile.path(), max_size=size)
        except NotFoundError:
            full = Tile(tile.H, tile.L, tile.N, 1 << tile.H)
            if full == tile:
                raise
            # A server may drop a partial tile once the full one exists.
            return self.remote.read("/" + full.path(), max_size=full.W * HASH_SIZE)[:size]

    def save_tiles(self, tiles: Sequence[Tile], data: Sequence[bytes], /) -> None:
        for tile, d in zip(tiles, data, strict=True):
            self.proved[tile.path()] = d


def export_bundle(
    gosums: Iterable[GoSum],
    client: Client,
    *,
    skip: Callable[[str], bool] = lambda p: False,
    since: Tree | None = None,
) -> tuple[Bundle, ExportSummary]:
    """Prove every go.sum line against the database; VerificationError lists those that fail.

    ``since`` is a (verified) tree head the importing side holds already: the bundle then also
    carries the tiles that prove the new tree extends it, which the import needs.
    """
    wanted: dict[tuple[str, str], list[tuple[str, str]]] = {}
    skipped: set[str] = set()
    lines = 0
    for gosum in gosums:
        for line in gosum.lines:
            if skip(line.path):
                skipped.add(f"{line.path}@{line.version}")
                continue
            wanted.setdefault((line.path, line.version), []).append((line.go_version, line.hash))
            lines += 1

    client.refresh()

    def lookup(key: tuple[str, str]) -> tuple[tuple[str, str], list[str] | str]:
        try:
            path, version = key
            # The client answers per line kind: the zip's hash, then the go.mod's.
            return key, client.lookup(path, version) + client.lookup(path, version + "/go.mod")
        except NotInDatabaseError as exc:
            return key, f"not in the checksum database: {exc}"

    problems: list[str] = []
    with ThreadPoolExecutor(_WORKERS) as pool:
        answers = dict(pool.map(lookup, sorted(wanted)))
    for (path, version), claims in sorted(wanted.items()):
        answer = answers[(path, version)]
        if isinstance(answer, str):
            problems.append(f"{path}@{version}: {answer}")
            continue
        for go_version, h in claims:
            if f"{path} {go_version} {h}" not in answer:
                problems.append(
                    f"{path}@{go_version}: go.sum has {h}, the checksum database has "
                    + (", ".join(a.split()[-1] for a in answer if a.split()[1] == go_version)
                       or "no such line")
                )  # fmt: skip
    if problems:
        raise VerificationError(
            f"{len(problems)} go.sum line(s) cannot be proved:\n" + "\n".join(problems)
        )

    tree, note = client.latest
    records = []
    for path, version in sorted(wanted):
        cached = client.state.read_cache(
            f"{client.name}/lookup/{escape_path(path)}@{escape_version(version)}"
        )
        if cached is None:
            raise VerificationError(f"{path}@{version}: proved lookup missing from the cache")
        try:
            record_id, text, _ = parse_record(cached)
        except MalformedError:
            raise VerificationError(f"{path}@{version}: malformed cached lookup") from None
        records.append(BundleRecord(record_id, path, version, text))

    tiles = _CollectingTiles(client.remote, client.tile_height)
    reader = TileHashReader(tree, tiles)
    hashes = reader.read_hashes([stored_hash_index(0, r.id) for r in records])
    for r, leaf in zip(records, hashes, strict=True):
        if leaf != record_hash(r.text):
            raise ProofError(f"{r.path}@{r.version}: record {r.id} is not in tree#{tree.n}")
    if since is not None and since.n > 0:
        if since.n > tree.n:
            raise VerificationError(
                f"--since tree#{since.n} is newer than the database's tree#{tree.n}"
            )
        if tree_hash(since.n, reader) != since.hash:
            raise SecurityError(
                f"checksum database {client.name}: tree#{tree.n} is not an extension of the "
                f"--since tree#{since.n}",
                ["database:\n" + note.decode("utf-8", "replace")],
            )
    bundle = Bundle(client.name, note, tuple(sorted(records, key=lambda r: r.id)), tiles.proved)
    summary = ExportSummary(tree.n, len(records), len(tiles.proved), lines, tuple(sorted(skipped)))
    return bundle, summary
