"""Tiles of a transparency log: coordinates, paths, and reading hashes from authenticated tiles.

A tile of height H at level L, number N, lists W consecutive hashes at tree level H*L starting at
offset N * 2**H; W < 2**H makes it partial. Level -1 (path element ``data``) holds record text.
See https://research.swtch.com/tlog#tiling_a_log.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Mapping, Sequence
from typing import NamedTuple, Protocol

from gomodcheck.tlog.hashes import (
    HASH_SIZE,
    MalformedError,
    ProofError,
    node_hash,
    split_stored_hash_index,
    stored_hash_index,
    subtree_index,
)
from gomodcheck.tlog.note import Tree

# N is written three digits per path element so no directory holds more than 3,000 entries.
_PATH_BASE = 1000


class Tile(NamedTuple):
    """Tile coordinates. A named tuple rather than a dataclass: proving a large go.sum makes and
    hashes tens of thousands of them, and a tuple does both in C (ordered by H, L, N, W)."""

    H: int  # height, 1..30
    L: int  # level, -1..63
    N: int  # number within the level
    W: int  # width, 1..2**H

    def path(self) -> str:
        """The tile coordinate path, e.g. tile/3/4/x001/x234/067.p/1."""
        return _tile_path(self.H, self.L, self.N, self.W)

    def __str__(self) -> str:
        return self.path()


@functools.lru_cache(maxsize=1 << 16)
def _tile_path(h: int, level: int, n: int, w: int) -> str:
    digits = f"{n % _PATH_BASE:03d}"
    while n >= _PATH_BASE:
        n //= _PATH_BASE
        digits = f"x{n % _PATH_BASE:03d}/{digits}"
    partial = f".p/{w}" if w != 1 << h else ""
    return f"tile/{h}/{'data' if level == -1 else level}/{digits}{partial}"


def _atoi(s: str) -> int:
    # Go's strconv.Atoi: optional sign, decimal digits only.
    body = s[1:] if s[:1] in "+-" else s
    if not body or not body.isascii() or not body.isdigit():
        raise ValueError(s)
    return int(s)


def parse_tile_path(path: str) -> Tile:
    """Parse a tile coordinate path; only the canonical spelling is accepted."""
    bad = MalformedError(f"malformed tile path {path!r}")
    f = path.split("/")
    if len(f) < 4 or f[0] != "tile":
        raise bad
    is_data = f[2] == "data"
    try:
        h = _atoi(f[1])
        level = 0 if is_data else _atoi(f[2])
    except ValueError:
        raise bad from None
    if h < 1 or level < 0 or h > 30:
        raise bad
    w = 1 << h
    if f[-2].endswith(".p"):
        try:
            ww = _atoi(f[-1])
        except ValueError:
            raise bad from None
        if ww <= 0 or ww >= w:
            raise bad
        w = ww
        f[-2] = f[-2][: -len(".p")]
        f = f[:-1]
    n = 0
    for s in f[3:]:
        try:
            nn = _atoi(s[1:] if s.startswith("x") else s)
        except ValueError:
            raise bad from None
        if nn < 0 or nn >= _PATH_BASE:
            raise bad
        n = n * _PATH_BASE + nn
    tile = Tile(h, -1 if is_data else level, n, w)
    if tile.path() != path:
        raise bad
    return tile


def _tile_for_index(h: int, index: int) -> tuple[Tile, int, int]:
    """The least-width tile of height h holding ``index``, and the byte range to hash in it."""
    level, n = split_stored_hash_index(index)
    tl = level // h
    level -= tl * h  # level within the tile
    tn = (n << level) >> h
    n -= (tn << h) >> level  # offset within the tile at that level
    w = (n + 1) << level
    return Tile(h, tl, tn, w), (n << level) * HASH_SIZE, ((n + 1) << level) * HASH_SIZE


def tile_for_index(h: int, index: int) -> Tile:
    if h <= 0:
        raise ValueError(f"tile_for_index: invalid height {h}")
    return _tile_for_index(h, index)[0]


def tile_levels(data: bytes) -> list[bytes]:
    """Every level of the subtree over the 2**k hashes in data: [data, ..., root].

    This is the hot loop of verifying tiles (2**k - 1 hashes). Siblings are adjacent in data, so
    each node hashes 0x01 plus one 64-byte slice; the slices are cut by a regular expression and
    hashed in one list comprehension (measured: cheaper than copying a SHA-256 state that has
    absorbed the 0x01 already, or than slicing by index).
    """
    levels = [data]
    sha256 = hashlib.sha256
    while len(data) > HASH_SIZE:
        data = b"".join([sha256(b"\x01" + pair).digest() for pair in _PAIRS.findall(data)])
        levels.append(data)
    return levels


_PAIRS = re.compile(b"(?s).{%d}" % (2 * HASH_SIZE))


def _tile_hash(data: bytes) -> bytes:
    """The subtree hash over the 2**k hashes in data."""
    return tile_levels(data)[-1]


def audit_path(levels: Sequence[bytes], j: int) -> list[bytes]:
    """The sibling hashes from leaf j up to the root of a subtree given by tile_levels()."""
    path = []
    for k, level in enumerate(levels[:-1]):
        sib = (j >> k) ^ 1
        path.append(level[sib * HASH_SIZE : (sib + 1) * HASH_SIZE])
    return path


def run_audit_path(leaf: bytes, j: int, path: Sequence[bytes]) -> bytes:
    """The subtree root implied by leaf j's hash and its audit path."""
    h = leaf
    for k, sib in enumerate(path):
        h = node_hash(sib, h) if (j >> k) & 1 else node_hash(h, sib)
    return h


def hash_from_tile(t: Tile, data: bytes, index: int) -> bytes:
    """The hash at ``index``, given data of tile t (which must hold that index)."""
    if t.H < 1 or t.H > 30 or t.L < 0 or t.L >= 64 or t.W < 1 or t.W > 1 << t.H:
        raise ProofError(f"invalid tile {t.path()}")
    if len(data) < t.W * HASH_SIZE:
        raise ProofError(f"data len {len(data)} too short for tile {t.path()}")
    t1, start, end = _tile_for_index(t.H, index)
    if t.L != t1.L or t.N != t1.N or t.W < t1.W:
        raise ProofError(f"index {index} is in {t1.path()} not {t.path()}")
    return _tile_hash(data[start:end])


def new_tiles(h: int, old_size: int, new_size: int) -> list[Tile]:
    """The tiles to publish when a tree grows from old_size to new_size records."""
    if h <= 0:
        raise ValueError(f"new_tiles: invalid height {h}")
    tiles: list[Tile] = []
    level = 0
    while new_size >> (h * level) > 0:
        old_n = old_size >> (h * level)
        new_n = new_size >> (h * level)
        if old_n != new_n:
            tiles.extend(Tile(h, level, n, 1 << h) for n in range(old_n >> h, new_n >> h))
            n = new_n >> h
            w = new_n - (n << h)
            if w > 0:
                tiles.append(Tile(h, level, n, w))
        level += 1
    return tiles


def read_tile_data(t: Tile, reader: _HashReader) -> bytes:
    """The bytes of tile t, assembled from stored hashes."""
    start = t.N << t.H
    indexes = [stored_hash_index(t.H * t.L, start + i) for i in range(t.W)]
    hashes = reader.read_hashes(indexes)
    if len(hashes) != len(indexes):
        raise ProofError(f"read_hashes({len(indexes)} indexes) returned {len(hashes)} hashes")
    return b"".join(hashes)


class _HashReader(Protocol):
    def read_hashes(self, indexes: Sequence[int], /) -> list[bytes]: ...


class TileReader(Protocol):
    """Reads tiles; data from a server is suspect until save_tiles says it verified."""

    def height(self) -> int: ...

    def read_tiles(self, tiles: Sequence[Tile], /) -> list[bytes]: ...

    def save_tiles(self, tiles: Sequence[Tile], data: Sequence[bytes], /) -> None: ...


def tile_parent(t: Tile, k: int, n: int) -> Tile | None:
    """t's k'th ancestor tile in the tiling of a tree of size n, or None if there is none."""
    level = t.L + k
    num = t.N >> (k * t.H)
    width = 1 << t.H
    limit = n >> (level * t.H)
    if (num << t.H) + width >= limit:
        if (num << t.H) >= limit:
            return None
        width = limit - (num << t.H)
    return Tile(t.H, level, num, width)


class TileHashReader:
    """A HashReader over the tiles of one tree; every hash it returns is proved in that tree.

    Tiles for the tree hash are checked against the tree's hash first; every other tile is checked
    against its (already checked) parent, so parents are always verified before children. Only
    then are the tiles handed to ``save_tiles`` for caching.
    """

    def __init__(
        self,
        tree: Tree,
        reader: TileReader,
        known: Mapping[Tile, bytes] | None = None,
        levels: dict[Tile, list[bytes]] | None = None,
    ) -> None:
        self.tree = tree
        self.reader = reader
        # Tiles authenticated earlier against a tree this one is proved consistent with. Their
        # content cannot differ in a consistent tree, so they need no second check.
        self.known: Mapping[Tile, bytes] = known if known is not None else {}
        # If given, receives the inner levels of each tile it authenticates against a parent,
        # from which an audit path within the tile costs nothing more.
        self.levels = levels
        self._root_checked = False
        self._stx_plan: tuple[list[int], list[Tile], list[int]] | None = None

    def plan(self, indexes: Sequence[int]) -> list[Tile]:
        """The tiles read_hashes(indexes) reads (not those already known), parents first."""
        if not indexes:
            return []
        tiles = self._plan(indexes)[0]
        return [t for t in tiles if t not in self.known]

    def _plan(
        self, indexes: Sequence[int]
    ) -> tuple[list[Tile], dict[Tile, int], list[int], list[int], list[int]]:
        h = self.reader.height()
        n = self.tree.n
        order: dict[Tile, int] = {}
        tiles: list[Tile] = []

        # Tiles that recompute the tree hash; if it matches, they are authentic. The same for
        # every call on this tree, so planned once.
        if self._stx_plan is None:
            stx = subtree_index(0, n, [])
            stx_tiles: list[Tile] = []
            stx_order: list[int] = []
            for x in stx:
                tile = tile_parent(_tile_for_index(h, x)[0], 0, n)
                if tile is None:
                    raise AssertionError("bad math in TileHashReader")
                if tile not in stx_tiles:
                    stx_tiles.append(tile)
                stx_order.append(stx_tiles.index(tile))
            self._stx_plan = (stx, stx_tiles, stx_order)
        stx, stx_tiles, stx_order = self._stx_plan
        tiles.extend(stx_tiles)
        order.update((t, i) for i, t in enumerate(stx_tiles))

        # Tiles holding the indexes, with the parents needed to authenticate them.
        index_order: list[int] = []
        limit = stored_hash_index(0, n)
        for x in indexes:
            if x >= limit:
                raise ProofError("indexes not in tree")
            tile = _tile_for_index(h, x)[0]
            k = 0
            while True:
                p = tile_parent(tile, k, n)
                if p is not None and p in order:
                    break
                k += 1
            for kk in range(k - 1, -1, -1):
                p = tile_parent(tile, kk, n)
                if p is None or p.W != 1 << p.H:
                    # A tile with a parent must be full.
                    raise ProofError(f"bad math in TileHashReader: {n} {x} {p}")
                order[p] = len(tiles)
                tiles.append(p)
            p0 = tile_parent(tile, 0, n)
            assert p0 is not None
            index_order.append(order[p0])

        return tiles, order, stx, stx_order, index_order

    def read_hashes(self, indexes: Sequence[int], /) -> list[bytes]:
        if not indexes:
            return []
        n = self.tree.n
        tiles, order, stx, stx_order, index_order = self._plan(indexes)

        unknown = [t for t in tiles if t not in self.known]
        fetched = self.reader.read_tiles(unknown) if unknown else []
        if len(fetched) != len(unknown):
            raise ProofError(f"tile reader returned {len(fetched)} tiles, want {len(unknown)}")
        for tile, d in zip(unknown, fetched, strict=True):
            if len(d) != tile.W * HASH_SIZE:
                raise ProofError(
                    f"tile {tile.path()} has {len(d)} bytes, want {tile.W * HASH_SIZE}"
                )
        got = dict(zip(unknown, fetched, strict=True))
        data = [self.known[t] if t in self.known else got[t] for t in tiles]

        # The tree hash is checked once per reader, whatever is known: a known tile proves its
        # own content, never that this tree's signed hash is right.
        if not self._root_checked or any(t not in self.known for t in tiles[: stx_order[-1] + 1]):
            th = b""
            for i in range(len(stx) - 1, -1, -1):
                hx = hash_from_tile(tiles[stx_order[i]], data[stx_order[i]], stx[i])
                th = hx if i == len(stx) - 1 else node_hash(hx, th)
            if th != self.tree.hash:
                # At least one tile is wrong; we cannot tell which.
                raise ProofError("downloaded inconsistent tile")
            self._root_checked = True

        for i in range(stx_order[-1] + 1, len(tiles)):
            tile = tiles[i]
            if tile in self.known:
                continue
            p = tile_parent(tile, 1, n)
            if p is None or p not in order:
                raise ProofError(f"bad math in TileHashReader: lost parent of {tile.path()}")
            j = order[p]
            want = hash_from_tile(p, data[j], stored_hash_index(p.L * p.H, tile.N))
            levels = tile_levels(data[i])
            if want != levels[-1]:
                raise ProofError("downloaded inconsistent tile")
            if self.levels is not None:
                self.levels[tile] = levels

        if unknown:
            self.reader.save_tiles(unknown, fetched)
        pairs = zip(index_order, indexes, strict=True)
        return [hash_from_tile(tiles[j], data[j], x) for j, x in pairs]
