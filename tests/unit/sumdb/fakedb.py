"""An in-memory checksum database for tests: real tlog hashes, real signed notes, and knobs to lie."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from gomodcheck.errors import FetchError, NotFoundError
from gomodcheck.note import generate_key, parse_signer_key, sign
from gomodcheck.tlog import (
    Tree,
    format_record,
    format_tree,
    parse_tile_path,
    read_tile_data,
    stored_hashes,
    tree_hash,
)

SEED = bytes(range(32))
SKEY, VKEY = generate_key("localhost.test", SEED)
OTHER_SKEY, OTHER_VKEY = generate_key("localhost.test", bytes(range(1, 33)))


class _Hashes:
    def __init__(self) -> None:
        self.hashes: list[bytes] = []

    def read_hashes(self, indexes: Sequence[int], /) -> list[bytes]:
        return [self.hashes[i] for i in indexes]


@dataclass
class FakeDB:
    """Records are go.sum-style texts; lookups map "path@version" to a record id."""

    skey: str = SKEY
    height: int = 2
    storage: _Hashes = field(default_factory=_Hashes)
    records: list[bytes] = field(default_factory=list)
    ids: dict[str, int] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    # Lies: replace a path's answer, or fail it.
    override: dict[str, bytes] = field(default_factory=dict)
    fail: dict[str, Exception] = field(default_factory=dict)
    size: int | None = None  # serve the tree at this size (a stale or shrunken view)

    def add(self, path: str, version: str, h1: str, gomod: str) -> int:
        text = f"{path} {version} {h1}\n{path} {version}/go.mod {gomod}\n".encode()
        n = len(self.records)
        self.storage.hashes.extend(stored_hashes(n, text, self.storage))
        self.records.append(text)
        self.ids[f"{path}@{version}"] = n
        return n

    def fill(self, count: int, prefix: str = "example.com/m") -> None:
        for i in range(count):
            self.add(f"{prefix}{i}", "v1.0.0", _h(f"zip{i}"), _h(f"mod{i}"))

    @property
    def n(self) -> int:
        return len(self.records) if self.size is None else self.size

    def tree(self) -> Tree:
        return Tree(self.n, tree_hash(self.n, self.storage))

    def signed_tree(self) -> bytes:
        return sign(format_tree(self.tree()).decode(), [parse_signer_key(self.skey)])

    def read(self, path: str, *, max_size: int) -> bytes:
        self.requests.append(path)
        if path in self.fail:
            raise self.fail[path]
        if path in self.override:
            data = self.override[path]
        elif path == "/latest":
            data = self.signed_tree()
        elif path.startswith("/lookup/"):
            key = path.removeprefix("/lookup/")
            if key not in self.ids or self.ids[key] >= self.n:
                raise NotFoundError(f"{path}: 404 Not Found")
            i = self.ids[key]
            data = format_record(i, self.records[i]) + self.signed_tree()
        elif path.startswith("/tile/"):
            tile = parse_tile_path(path[1:])
            if self.height != tile.H or self.n >> (tile.L * tile.H) < (tile.N << tile.H) + tile.W:
                raise NotFoundError(f"{path}: 404 Not Found")
            data = read_tile_data(tile, self.storage)
        else:
            raise NotFoundError(f"{path}: 404 Not Found")
        if len(data) > max_size:
            raise FetchError(f"{path}: response exceeds {max_size} bytes")
        return data


def _h(seed: str) -> str:
    import base64  # noqa: PLC0415
    import hashlib  # noqa: PLC0415

    return "h1:" + base64.b64encode(hashlib.sha256(seed.encode()).digest()).decode()


h1 = _h
