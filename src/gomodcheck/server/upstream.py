"""Where a private checksum database gets the module versions it records: a GOPROXY-style list.

The record for path@version is what the go command would write to go.sum after downloading the
module from that list: the h1: hash of the zip and of the .mod file, computed here by our own
hashing (gomodcheck.dirhash), never taken from anyone else.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from gomodcheck import dirhash
from gomodcheck.errors import InputError
from gomodcheck.fetcher import Fetcher, HttpFetcher
from gomodcheck.proxy import DIRECT, OFF, ProxyClient, parse_proxy_list


class Upstream(Protocol):
    def record_text(self, path: str, version: str) -> bytes:
        """The go.sum lines for path@version; NotFoundError if it does not exist upstream."""
        ...


def gosum_record(path: str, version: str, zip_hash: str, gomod_hash: str) -> bytes:
    """The two go.sum lines that form one checksum-database record."""
    return f"{path} {version} {zip_hash}\n{path} {version}/go.mod {gomod_hash}\n".encode()


def _check_zip_prefix(zip_path: str, path: str, version: str) -> None:
    # Every file of a module zip lives under "path@version/"; the go command refuses others.
    prefix = f"{path}@{version}/"
    try:
        with zipfile.ZipFile(zip_path) as zf:
            for info in zf.infolist():
                if not dirhash.zip_member_name(info).startswith(prefix):
                    raise InputError(
                        f"{path}@{version}: zip file contains {info.filename!r}, outside {prefix}"
                    )
    except zipfile.BadZipFile as exc:
        raise InputError(f"{path}@{version}: not a valid zip file: {exc}") from exc


@dataclass
class ProxyUpstream:
    """Fetches .mod and .zip through a GOPROXY list (https:// proxies or file:// directories)."""

    client: ProxyClient

    @classmethod
    def from_list(cls, goproxy: str, fetcher: Fetcher | None = None) -> ProxyUpstream:
        specs = parse_proxy_list(goproxy)
        if any(s.url in (DIRECT, OFF) for s in specs):
            raise InputError(
                f"upstream {goproxy!r}: 'direct' and 'off' cannot feed a checksum database; "
                "give module proxy URLs or file:// proxy directories"
            )
        return cls(ProxyClient(specs, fetcher or HttpFetcher()))

    def record_text(self, path: str, version: str) -> bytes:
        gomod = self.client.mod(path, version)
        data = self.client.zip(path, version)
        fd, tmp = tempfile.mkstemp(prefix="gomodcheck-sumdb-", suffix=".zip")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            _check_zip_prefix(tmp, path, version)
            zip_hash = dirhash.hash_zip(tmp)
        finally:
            Path(tmp).unlink()
        return gosum_record(path, version, zip_hash, dirhash.hash_gomod(gomod))
