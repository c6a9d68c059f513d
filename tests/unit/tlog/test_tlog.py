"""The transparency log: ported from x/mod sumdb/tlog tlog_test.go, tile_test.go, ct_test.go."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from gomodcheck.tlog import (
    HASH_SIZE,
    MalformedError,
    ProofError,
    Tile,
    TileHashReader,
    Tree,
    check_record,
    check_tree,
    hash_from_tile,
    new_tiles,
    parse_hash,
    parse_tile_path,
    prove_record,
    prove_tree,
    read_tile_data,
    record_hash,
    split_stored_hash_index,
    stored_hash_count,
    stored_hash_index,
    stored_hashes,
    tile_for_index,
    tree_hash,
)
from gomodcheck.tlog.tile import _tile_for_index as tile_range

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "tlog"


class Storage:
    """A hash store that insists on increasing indexes, like x/mod's testHashStorage."""

    def __init__(self) -> None:
        self.hashes: list[bytes] = []

    def read_hashes(self, indexes: Sequence[int], /) -> list[bytes]:
        assert list(indexes) == sorted(set(indexes)), "indexes out of order"
        return [self.hashes[i] for i in indexes]


class TileStore:
    def __init__(self, tiles: dict[Tile, bytes], height: int = 2) -> None:
        self.tiles = tiles
        self.h = height
        self.unsaved = 0

    def height(self) -> int:
        return self.h

    def read_tiles(self, tiles: Sequence[Tile], /) -> list[bytes]:
        self.unsaved += len(tiles)
        return [self.tiles[t] for t in tiles]

    def save_tiles(self, tiles: Sequence[Tile], data: Sequence[bytes], /) -> None:
        self.unsaved -= len(tiles)


def _flip(h: bytes) -> bytes:
    return bytes([h[0] ^ 1]) + h[1:]


def test_tree_hashes_proofs_and_tiles_agree_for_every_size_up_to_60() -> None:
    storage = Storage()
    trees: list[bytes] = []
    leaves: list[bytes] = []
    tiles: dict[Tile, bytes] = {}
    for i in range(60):
        data = b"leaf %d" % i
        hashes = stored_hashes(i, data, storage)
        leaves.append(record_hash(data))
        old_len = len(storage.hashes)
        storage.hashes.extend(hashes)
        assert stored_hash_count(i + 1) == len(storage.hashes)
        th = tree_hash(i + 1, storage)

        for tile in new_tiles(2, i, i + 1):
            tdata = read_tile_data(tile, storage)
            old = tiles.get(Tile(tile.H, tile.L, tile.N, tile.W - 1), b"")
            assert len(old) == len(tdata) - HASH_SIZE and tdata.startswith(old)
            tiles[tile] = tdata
        for tile in new_tiles(2, 0, i + 1) + new_tiles(2, i // 2, i + 1):
            assert tiles[tile] == read_tile_data(tile, storage)
        for j in range(old_len, len(storage.hashes)):
            tile = tile_for_index(2, j)
            assert hash_from_tile(tile, tiles[tile], j) == storage.hashes[j]
        trees.append(th)

        for j in range(i + 1):
            p = prove_record(i + 1, j, storage)
            check_record(p, i + 1, th, j, leaves[j])
            for k in range(len(p)):
                bad = [*p[:k], _flip(p[k]), *p[k + 1 :]]
                with pytest.raises(ProofError):
                    check_record(bad, i + 1, th, j, leaves[j])

        store = TileStore(tiles)
        thr = TileHashReader(Tree(i + 1, th), store)
        for j in range(i + 1):
            assert thr.read_hashes([stored_hash_index(0, j)]) == [leaves[j]]
            check_record(prove_record(i + 1, j, thr), i + 1, th, j, leaves[j])
        assert store.unsaved == 0
        with pytest.raises(ProofError):
            thr.read_hashes([(i + 1) * 2])
        for j in range(i + 1):
            assert tree_hash(j + 1, thr) == trees[j]
            p = prove_tree(i + 1, j + 1, thr)
            check_tree(p, i + 1, th, j + 1, trees[j])
            for k in range(len(p)):
                bad = [*p[:k], _flip(p[k]), *p[k + 1 :]]
                with pytest.raises(ProofError):
                    check_tree(bad, i + 1, th, j + 1, trees[j])
        assert store.unsaved == 0


def test_split_stored_hash_index_inverts_stored_hash_index() -> None:
    for level in range(10):
        for n in range(100):
            assert split_stored_hash_index(stored_hash_index(level, n)) == (level, n)


@pytest.mark.parametrize(
    ("path", "tile"),
    [
        ("tile/4/0/001", Tile(4, 0, 1, 16)),
        ("tile/4/0/001.p/5", Tile(4, 0, 1, 5)),
        ("tile/3/5/x123/x456/078", Tile(3, 5, 123456078, 8)),
        ("tile/3/5/x123/x456/078.p/2", Tile(3, 5, 123456078, 2)),
        ("tile/1/0/x003/x057/500", Tile(1, 0, 3057500, 2)),
        ("tile/1/data/x003/x057/500", Tile(1, -1, 3057500, 2)),
        ("tile/8/0/x001/x234/067.p/1", Tile(8, 0, 1234067, 1)),
    ],
)
def test_tile_paths_round_trip(path: str, tile: Tile) -> None:
    assert tile.path() == path
    assert parse_tile_path(path) == tile


@pytest.mark.parametrize(
    "path",
    [
        "tile/3/5/123/456/078",  # digit groups without the x
        "tile/3/-1/123/456/078",
        "tile/0/0/000",
        "tile/31/0/000",
        "tile/8/0/000.p/256",  # a full tile spelled as partial
        "tile/8/0/000.p/0",
        "tile/8/0/1000",
        "tile/8/0/x000/001",  # non-canonical leading group
        "tile/8/0",
        "tiles/8/0/000",
        "tile/8/0/+01",
    ],
)
def test_malformed_tile_paths_are_rejected(path: str) -> None:
    with pytest.raises(MalformedError):
        parse_tile_path(path)


def test_empty_tree_hashes_to_sha256_of_nothing() -> None:
    assert tree_hash(0, Storage()) == hashlib.sha256(b"").digest()


@pytest.mark.parametrize(
    ("old", "new", "want"),
    [
        (1, 1, 0),
        (100, 101, 1),
        (1023, 1025, 3),
        (1024, 1030, 1),
        (1030, 2000, 1),
        (1030, 10000, 10),
        (49516517, 49516586, 3),
    ],
)
def test_new_tiles_lists_the_tiles_a_growing_tree_publishes(old: int, new: int, want: int) -> None:
    assert len(new_tiles(10, old, new)) == want


def test_tile_hash_reader_rejects_any_zeroed_hash() -> None:
    storage = Storage()
    for n in range(40):
        storage.hashes.extend(stored_hashes(n, b"leaf %d" % n, storage))
    n = 40
    tree = Tree(n, tree_hash(n, storage))

    class Reader(TileStore):
        def __init__(self, zero: int | None) -> None:
            super().__init__({}, 2)
            self.zero = zero

        def read_tiles(self, tiles: Sequence[Tile], /) -> list[bytes]:
            self.unsaved += len(tiles)
            out = [read_tile_data(t, storage) for t in tiles]
            if self.zero is not None:
                zt, start, end = tile_range(2, self.zero)
                for i, t in enumerate(tiles):
                    if (t.H, t.L, t.N) == (zt.H, zt.L, zt.N) and end <= len(out[i]):
                        out[i] = out[i][:start] + bytes(end - start) + out[i][end:]
            return out

    everything = list(range(stored_hash_index(0, n)))
    assert (
        TileHashReader(tree, Reader(None)).read_hashes(everything)
        == storage.hashes[: len(everything)]
    )
    for i in everything:
        reader = Reader(i)
        with pytest.raises(ProofError):
            TileHashReader(tree, reader).read_hashes([i])
        with pytest.raises(ProofError):
            TileHashReader(tree, reader).read_hashes(everything)
        assert reader.unsaved > 0  # save_tiles never ran: nothing may be cached


def _load(name: str) -> dict[str, object]:
    data: dict[str, object] = json.loads((ASSETS / "argon2020" / name).read_text())
    return data


def test_real_certificate_transparency_proofs_verify() -> None:
    sth = _load("sth.json")
    size = int(str(sth["tree_size"]))
    root = parse_hash(str(sth["sha256_root_hash"]))
    entries = _load("entries.json")["entries"]
    assert isinstance(entries, list)
    leaf = record_hash(base64.b64decode(entries[0]["leaf_input"]))
    audit = _load("proof.json")["audit_path"]
    assert isinstance(audit, list)
    proof = [parse_hash(h) for h in audit]
    check_record(proof, size, root, 10000, leaf)
    with pytest.raises(ProofError):
        check_record(proof, size, root, 10001, leaf)
    consistency = _load("consistency.json")["consistency"]
    assert isinstance(consistency, list)
    old = parse_hash("AuIZ5V6sDUj1vn3Y1K85oOaQ7y+FJJKtyRTl1edIKBQ=")
    check_tree([parse_hash(h) for h in consistency], size, root, 3654490, old)
    with pytest.raises(ProofError):
        check_tree([parse_hash(h) for h in consistency], size, root, 3654490, _flip(old))
