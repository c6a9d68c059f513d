"""Importing a bundle: prove all of it again, from scratch, then load it, or load nothing.

The proof is the checksum-database client's own, run against the bundle as if it were the
database (``_BundleRemote``): the tree head must verify with the configured key and be
consistent with any tree already stored (a fork is a SecurityError with both notes), and each
record must be proved in that tree through tiles that hash to its root. Meanwhile the client
writes into an overlay, never the store; only when every record is proved, and every tile of
the bundle was used by a proof, is the overlay copied into the store (cache first, then the tree
head by compare-and-swap), where ``verify --offline`` and ``sumdb mirror --offline`` find it.
"""

from __future__ import annotations

from dataclasses import dataclass

from gomodcheck.errors import (
    FetchError,
    GomodcheckError,
    NotFoundError,
    SecurityError,
    VerificationError,
)
from gomodcheck.mirror.bundle import Bundle
from gomodcheck.module import escape_path, escape_version
from gomodcheck.sumdb import Client, State
from gomodcheck.tlog import MalformedError, format_record, parse_record


@dataclass(frozen=True)
class ImportSummary:
    tree_size: int
    records: int
    tiles: int
    advanced: bool  # whether the stored tree head moved forward


class _Overlay:
    """A State that reads through to the store but keeps every write to itself.

    Cached lookups of the store are hidden, so every record of the bundle is proved, not
    answered from an earlier lookup.
    """

    def __init__(self, store: State, name: str) -> None:
        self.store = store
        self.hidden = name + "/lookup/"
        self.latest: dict[str, bytes] = {}
        self.cache: dict[str, bytes] = {}

    def read_latest(self, name: str) -> bytes:
        return self.latest.get(name) or self.store.read_latest(name)

    def write_latest(self, name: str, old: bytes, new: bytes) -> bool:
        have = self.read_latest(name)
        if have and have != old:
            return False
        self.latest[name] = new
        return True

    def read_cache(self, key: str) -> bytes | None:
        if key in self.cache:
            return self.cache[key]
        if key.startswith(self.hidden):
            return None
        return self.store.read_cache(key)

    def write_cache(self, key: str, data: bytes) -> None:
        self.cache[key] = data

    def flush(self) -> None:
        pass


class _BundleRemote:
    """The bundle answering as the database would: /latest, /lookup/M@V, /tile/..."""

    def __init__(self, bundle: Bundle) -> None:
        self.bundle = bundle
        self.lookups: dict[str, bytes] = {}
        for r in bundle.records:
            try:
                body = format_record(r.id, r.text) + bundle.note
            except MalformedError:
                raise VerificationError(f"{r.path}@{r.version}: malformed record text") from None
            self.lookups[_lookup_path(r.path, r.version)] = body

    def read(self, path: str, *, max_size: int) -> bytes:
        if path == "/latest":
            data = self.bundle.note
        elif path.startswith("/lookup/"):
            data = self.lookups.get(path, b"")
        else:
            data = self.bundle.tiles.get(path.removeprefix("/"), b"")
        if not data:
            raise NotFoundError(f"{path}: not in the bundle")
        if len(data) > max_size:
            raise VerificationError(f"{path}: {len(data)} bytes, more than {max_size}")
        return data


def _lookup_path(path: str, version: str) -> str:
    return f"/lookup/{escape_path(path)}@{escape_version(version)}"


def import_bundle(bundle: Bundle, key: str, store: State) -> ImportSummary:
    """Prove the bundle and load it into ``store``; on any failure nothing is written."""
    try:
        overlay, tree_size = _prove(bundle, key, store)
    except SecurityError:
        raise
    except FetchError as exc:
        # The only "remote" is the bundle: something a proof needs is not in it.
        raise VerificationError(f"bundle is incomplete: {exc}") from None
    except GomodcheckError as exc:
        if isinstance(exc, VerificationError):
            raise VerificationError(f"bundle rejected: {exc}") from None
        raise VerificationError(f"bundle rejected: {exc.diagnostics()}") from None
    return _load(overlay, store, bundle, tree_size)


def _prove(bundle: Bundle, key: str, store: State) -> tuple[_Overlay, int]:
    from gomodcheck.note import open_note, parse_verifier_key  # noqa: PLC0415
    from gomodcheck.tlog import parse_tree  # noqa: PLC0415

    name = parse_verifier_key(key).name
    if bundle.name != name:
        raise VerificationError(f"bundle is for checksum database {bundle.name!r}, not {name!r}")
    tree = parse_tree(open_note(bundle.note, [parse_verifier_key(key)]).text.encode())
    overlay = _Overlay(store, name)
    client = Client(key, _BundleRemote(bundle), overlay)
    # Consistency of the bundle's tree with the stored one (either may be the larger).
    client.refresh()
    seen: set[tuple[str, str]] = set()
    for r in bundle.records:
        if (r.path, r.version) in seen:
            raise VerificationError(f"{r.path}@{r.version}: more than one record")
        seen.add((r.path, r.version))
        if not 0 <= r.id < tree.n:
            raise VerificationError(f"{r.path}@{r.version}: record {r.id} not in tree#{tree.n}")
        want = r.text.decode("utf-8", "replace").splitlines()
        for line in want:
            fields = line.split(" ")
            if len(fields) != 3 or fields[0] != r.path or fields[1] not in (
                r.version, r.version + "/go.mod"
            ):  # fmt: skip
                raise VerificationError(f"{r.path}@{r.version}: record holds {line!r}")
        got = client.lookup(r.path, r.version) + client.lookup(r.path, r.version + "/go.mod")
        if sorted(got) != sorted(want):
            raise VerificationError(f"{r.path}@{r.version}: record does not prove out")
        _check_against_store(store, name, r.path, r.version, r.text)
    proved = {k.removeprefix(name + "/"): v for k, v in overlay.cache.items()}
    for path, data in bundle.tiles.items():
        if proved.get(path) == data:
            continue
        if store.read_cache(f"{name}/{path}") == data:
            continue  # already stored (so proved earlier), and the same bytes
        raise VerificationError(f"{path}: tile is not proved by the bundle's tree head")
    return overlay, tree.n


def _check_against_store(store: State, name: str, path: str, version: str, text: bytes) -> None:
    """Two proved records for one module version must agree, or one database lied."""
    stored = store.read_cache(name + _lookup_path(path, version))
    if stored is None:
        return
    try:
        _, old_text, old_note = parse_record(stored)
    except MalformedError:
        return
    if old_text != text:
        raise SecurityError(
            f"{path}@{version}: the bundle's record differs from the one stored earlier",
            [
                "stored:\n"
                + old_text.decode("utf-8", "replace")
                + old_note.decode("utf-8", "replace"),
                "bundle:\n" + text.decode("utf-8", "replace"),
            ],
        )


def _load(overlay: _Overlay, store: State, bundle: Bundle, tree_size: int) -> ImportSummary:
    name = bundle.name
    before = store.read_latest(name)
    tiles = 0
    for key, data in overlay.cache.items():
        store.write_cache(key, data)
        tiles += "/tile/" in key
    store.flush()
    new = overlay.latest.get(name)
    advanced = False
    if new is not None and new != before:
        if not store.write_latest(name, before, new):
            raise FetchError("the store's tree head changed during the import; run it again")
        advanced = True
    return ImportSummary(tree_size, len(bundle.records), tiles, advanced)
