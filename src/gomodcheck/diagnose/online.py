"""With --online: the verified checksum database's and the public proxy's view of a module version.

Uses the tool's own verified sumdb client (every answer proven against a signed tree head) and
proxy client. Any missing piece or network failure becomes a note in the report, never a guess.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from gomodcheck.diagnose.context import SumRecord
from gomodcheck.errors import GomodcheckError

PUBLIC_PROXY = "https://proxy.golang.org"
MAX_ZIP = 500 << 20


@dataclass(frozen=True)
class OnlineFacts:
    sumdb: Mapping[str, SumRecord] = field(default_factory=dict)
    proxy_hash: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


def consult(modvers: Iterable[tuple[str, str]], *, proxy_zip: bool = True) -> OnlineFacts:
    """Look each module version up in sum.golang.org (via the public proxy) and hash its proxy "
    "zip."""
    wanted = sorted({(m, v) for m, v in modvers if m and v.startswith("v")})
    if not wanted:
        return OnlineFacts()
    try:
        from gomodcheck.fetcher import HttpFetcher  # noqa: PLC0415
        from gomodcheck.proxy.client import ProxyClient  # noqa: PLC0415
        from gomodcheck.proxy.spec import parse_proxy_list  # noqa: PLC0415
        from gomodcheck.sumdb.client import Client  # noqa: PLC0415
        from gomodcheck.sumdb.config import SUM_GOLANG_ORG_KEY, parse_gosumdb  # noqa: PLC0415
        from gomodcheck.sumdb.remote import HttpRemote  # noqa: PLC0415
        from gomodcheck.sumdb.state import MemoryState  # noqa: PLC0415
    except ImportError as exc:
        return OnlineFacts(notes=(f"online checks unavailable in this build: {exc}",))
    sumdb: dict[str, SumRecord] = {}
    hashes: dict[str, str] = {}
    notes: list[str] = []
    fetcher = HttpFetcher()
    try:
        specs = parse_proxy_list(PUBLIC_PROXY)
        config = parse_gosumdb("sum.golang.org")
        if config is None:  # pragma: no cover - the name above is never "off"
            return OnlineFacts()
        client = Client(SUM_GOLANG_ORG_KEY, HttpRemote(config, specs, fetcher), MemoryState())
        proxy = ProxyClient(specs, fetcher)
        for module, version in wanted:
            key = f"{module}@{version}"
            try:
                # The client answers one line per query: the zip's, or the go.mod's.
                lines = [
                    *client.lookup(module, version),
                    *client.lookup(module, version + "/go.mod"),
                ]
                zip_hash = gomod_hash = ""
                for line in lines:
                    fields = line.split()
                    if len(fields) == 3:
                        if fields[1].endswith("/go.mod"):
                            gomod_hash = fields[2]
                        else:
                            zip_hash = fields[2]
                sumdb[key] = SumRecord(zip_hash, gomod_hash, "sum.golang.org (verified lookup)")
            except GomodcheckError as exc:
                notes.append(f"sum.golang.org lookup of {key} failed: {exc}")
            if proxy_zip:
                try:
                    hashes[key] = _zip_hash(proxy.zip(module, version))
                except GomodcheckError as exc:
                    notes.append(f"proxy.golang.org zip of {key} unavailable: {exc}")
    except GomodcheckError as exc:
        notes.append(f"online checks failed: {exc}")
    finally:
        fetcher.close()
    return OnlineFacts(sumdb, hashes, tuple(notes))


def _zip_hash(data: bytes) -> str:
    from gomodcheck.dirhash import hash_zip  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.zip"
        path.write_bytes(data)
        return hash_zip(path)
