"""GOSUMDB and GONOSUMDB, interpreted exactly as cmd/go/internal/modfetch/sumdb.go does. Pure."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from gomodcheck.errors import GomodcheckError, UsageError
from gomodcheck.module import match_prefix_patterns

SUM_GOLANG_ORG_KEY = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8"
KNOWN_GOSUMDB: Mapping[str, str] = {"sum.golang.org": SUM_GOLANG_ORG_KEY}
# Not a different database: the same log, reached through a server in China.
_ALIASES: Mapping[str, str] = {
    "sum.golang.google.cn": "sum.golang.org https://sum.golang.google.cn"
}
_HOST_PATH = re.compile(r"[A-Za-z0-9.\-]+(:[0-9]+)?(/[A-Za-z0-9._~\-]+)*")


@dataclass(frozen=True)
class SumdbConfig:
    """A checksum database: its name, its verifier key, and an explicit URL if GOSUMDB gave one."""

    name: str
    key: str
    url: str | None = None

    @property
    def direct_url(self) -> str:
        """Where the database lives when no proxy serves it: https://<name>."""
        return "https://" + self.name


def parse_gosumdb(value: str) -> SumdbConfig | None:
    """Parse GOSUMDB; None means "off". Raises UsageError in the go command's words."""
    from gomodcheck.note import parse_verifier_key  # noqa: PLC0415 - loads cryptography

    value = _ALIASES.get(value, value)
    if value == "off":
        return None
    fields = value.split()
    if fields and fields[0] in KNOWN_GOSUMDB:
        fields[0] = KNOWN_GOSUMDB[fields[0]]
    if not fields:
        raise UsageError("missing GOSUMDB")
    if len(fields) > 2:
        raise UsageError("invalid GOSUMDB: too many fields")
    try:
        verifier = parse_verifier_key(fields[0])
    except GomodcheckError as exc:
        raise UsageError(f"invalid GOSUMDB: {exc}") from None
    name = verifier.name
    # The go command insists the name is host[/path], since it becomes https://<name>.
    if name.endswith("/") or not _HOST_PATH.fullmatch(name):
        raise UsageError(f"invalid sumdb name (must be host[/path]): {name}")
    url = fields[1] if len(fields) == 2 else None
    return SumdbConfig(name, fields[0], url)


def nosumdb_pattern(gonosumdb: str, path: str) -> str | None:
    """The GONOSUMDB (or GOPRIVATE) glob that excludes ``path`` from checking, if any."""
    for glob in gonosumdb.split(","):
        # No trimming of spaces: the go command does not trim them either.
        if glob and match_prefix_patterns(glob, path):
            return glob
    return None


def uses_sumdb(gosumdb: str, gonosumdb: str, path: str) -> bool:
    """Whether the go command consults the database for this module (useSumDB)."""
    return gosumdb != "off" and not match_prefix_patterns(gonosumdb, path)
