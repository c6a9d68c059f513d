"""The protocol handlers, in process: exact bytes of /latest, /lookup and tiles, and that a client
holding only the verifier key can prove what the server says."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from pathlib import Path

import httpx
import pytest

from gomodcheck import note, tlog
from gomodcheck.errors import NotFoundError, ParseError
from gomodcheck.server.app import SumdbApp
from gomodcheck.server.config import ServerConfig, load_server_config
from gomodcheck.server.logstore import LogStore

SKEY, VKEY = note.generate_key("sumdb.test", seed=bytes(range(1, 33)))
SIGNER = note.parse_signer_key(SKEY)
VERIFIER = note.parse_verifier_key(VKEY)


def sign(text: bytes) -> bytes:
    return note.sign(text.decode(), [SIGNER])


class FakeUpstream:
    def __init__(self) -> None:
        self.calls = 0

    def record_text(self, path: str, version: str) -> bytes:
        self.calls += 1
        if "missing" in path:
            raise NotFoundError(f"{path}@{version}: 404")
        return f"{path} {version} h1:zip=\n{path} {version}/go.mod h1:mod=\n".encode()


@pytest.fixture
def app(tmp_path: Path) -> Iterator[SumdbApp]:
    store = LogStore(tmp_path / "log.db")
    entries = []
    for i in range(300):
        p = f"corp.example.com/m{i}"
        entries.append((p, "v1.0.0", f"{p} v1.0.0 h1:{i}=\n{p} v1.0.0/go.mod h1:{i}m=\n".encode()))
    store.append(entries, sign)
    store.close()
    a = SumdbApp(tmp_path / "log.db", "sumdb.test", sign, VKEY, upstream=FakeUpstream(),
                 access_log=False)
    a.startup()
    yield a
    a.shutdown()


def get(app: SumdbApp, *paths: str) -> list[httpx.Response]:
    async def run() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://sumdb.test") as client:
            return list(await asyncio.gather(*(client.get(p) for p in paths)))

    return asyncio.run(run())


class AppTiles:
    def __init__(self, app: SumdbApp) -> None:
        self.app = app

    def height(self) -> int:
        return 8

    def read_tiles(self, tiles: Sequence[tlog.Tile], /) -> list[bytes]:
        responses = get(self.app, *(f"/{t.path()}" for t in tiles))
        assert all(r.status_code == 200 for r in responses)
        return [r.content for r in responses]

    def save_tiles(self, tiles: Sequence[tlog.Tile], data: Sequence[bytes], /) -> None:
        return None


def test_latest_is_a_signed_tree_head_with_no_cache(app: SumdbApp) -> None:
    (resp,) = get(app, "/latest")
    assert resp.status_code == 200
    assert resp.headers["cache-control"] == "no-cache"
    tree = tlog.parse_tree(note.open_note(resp.content, [VERIFIER]).text.encode())
    assert tree.n == 300


def test_lookup_answers_id_record_blank_line_and_signed_head_and_the_record_is_provable(
    app: SumdbApp,
) -> None:
    (resp,) = get(app, "/lookup/corp.example.com/m123@v1.0.0")
    assert resp.status_code == 200
    record_id, text, signed = tlog.parse_record(resp.content)
    assert record_id == 123
    assert text == b"corp.example.com/m123 v1.0.0 h1:123=\ncorp.example.com/m123 v1.0.0/go.mod h1:123m=\n"
    assert resp.content == b"123\n" + text + b"\n" + signed
    tree = tlog.parse_tree(note.open_note(signed, [VERIFIER]).text.encode())
    reader = tlog.TileHashReader(tree, AppTiles(app))
    proof = tlog.prove_record(tree.n, record_id, reader)
    tlog.check_record(proof, tree.n, tree.hash, record_id, tlog.record_hash(text))


def test_full_tiles_are_immutable_and_partial_tiles_end_at_the_tree(app: SumdbApp) -> None:
    full, partial, beyond, data = get(app, "/tile/8/0/000", "/tile/8/0/001.p/44", "/tile/8/0/001",
                                      "/tile/8/data/000")
    assert full.status_code == 200 and len(full.content) == 256 * 32
    assert full.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert full.headers["content-type"] == "application/octet-stream"
    assert partial.status_code == 200 and len(partial.content) == 44 * 32
    assert beyond.status_code == 404
    assert data.status_code == 200
    # As x/mod's server: each record's text followed by a blank line.
    assert data.content.startswith(
        b"corp.example.com/m0 v1.0.0 h1:0=\ncorp.example.com/m0 v1.0.0/go.mod h1:0m=\n\n"
    )
    assert data.content.count(b"\n\n") == 256


def test_unknown_module_is_added_from_upstream_once(app: SumdbApp) -> None:
    upstream = app.upstream
    assert isinstance(upstream, FakeUpstream)
    responses = get(app, *["/lookup/corp.example.com/!new@v1.2.3"] * 20)
    assert {r.status_code for r in responses} == {200}
    assert {tlog.parse_record(r.content)[0] for r in responses} == {300}
    assert upstream.calls == 1
    (missing,) = get(app, "/lookup/corp.example.com/missing@v1.0.0")
    assert missing.status_code == 404
    (latest,) = get(app, "/latest")
    assert tlog.parse_tree(note.open_note(latest.content, [VERIFIER]).text.encode()).n == 301


def test_modules_setting_limits_what_lookups_may_add(app: SumdbApp) -> None:
    app.modules = "corp.example.com/private/*"
    (other,) = get(app, "/lookup/github.com/public/mod@v1.0.0")
    (mine,) = get(app, "/lookup/corp.example.com/private/x@v1.0.0")
    assert other.status_code == 404
    assert mine.status_code == 200


def test_database_can_be_mounted_under_a_proxy_sumdb_path(app: SumdbApp) -> None:
    supported, latest = get(app, "/sumdb/sumdb.test/supported", "/sumdb/sumdb.test/latest")
    assert supported.status_code == 200
    assert latest.status_code == 200
    assert note.open_note(latest.content, [VERIFIER])


def test_healthz_reports_the_tree_size(app: SumdbApp) -> None:
    (resp,) = get(app, "/healthz")
    assert resp.json() == {"status": "ok", "tree_size": 300}


def test_config_file_values_are_typed_and_relative_to_the_file(tmp_path: Path) -> None:
    cfg = tmp_path / "gomodcheck.toml"
    cfg.write_text('[sumdb.server]\nkey = "keys/db.key"\ndb = "log.db"\nlisten = "127.0.0.1:9999"\n'
                   'max-tile-height = 8\nheader_timeout = 3\n')
    config = load_server_config(cfg, {"listen": None, "upstream": "file:///srv/proxy"})
    assert config.key_file == (tmp_path / "keys" / "db.key").resolve()
    assert config.host_port == ("127.0.0.1", 9999)
    assert config.header_timeout == 3.0
    assert config.upstream == "file:///srv/proxy"
    assert isinstance(config, ServerConfig)


@pytest.mark.parametrize("body", ['[sumdb.server]\nlisten = 8080\n', '[sumdb.server]\nbogus = 1\n',
                                  '[sumdb.server\n'])
def test_bad_config_files_are_parse_errors(tmp_path: Path, body: str) -> None:
    cfg = tmp_path / "gomodcheck.toml"
    cfg.write_text(body)
    with pytest.raises(ParseError):
        load_server_config(cfg, {})
