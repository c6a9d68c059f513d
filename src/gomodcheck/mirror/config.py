"""Mirror settings: defaults, overridden by a TOML file ([sumdb.mirror]), overridden by flags."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from gomodcheck.errors import ParseError, UsageError
from gomodcheck.server.config import parse_listen
from gomodcheck.sumdb.config import SUM_GOLANG_ORG_KEY

DEFAULT_UPSTREAM = "https://proxy.golang.org/sumdb/sum.golang.org"


@dataclass(frozen=True)
class MirrorConfig:
    db: Path = Path("sumdb-mirror.db")
    listen: str = "127.0.0.1:8080"
    key: str = SUM_GOLANG_ORG_KEY
    upstream: str = DEFAULT_UPSTREAM
    offline: bool = False
    # Seconds between upstream /latest fetches; requests in between get the stored note.
    latest_interval: float = 5.0
    # Seconds a client may take to send a request's headers (defeats slow clients).
    header_timeout: float = 10.0
    keep_alive: int = 5
    graceful_shutdown: float = 10.0
    access_log: bool = True
    # Listen with SO_REUSEPORT, so that several mirror processes with the same settings share
    # the port and the database file (one event loop uses one core; docs/sumdb-mirror.md).
    reuse_port: bool = False

    @property
    def host_port(self) -> tuple[str, int]:
        return parse_listen(self.listen)


def load_mirror_config(path: Path | None, overrides: Mapping[str, Any]) -> MirrorConfig:
    """Defaults, then the file's [sumdb.mirror] table, then the non-None overrides (flags)."""
    values: dict[str, Any] = {}
    if path is not None:
        values = _read_table(path)
    values.update({k: v for k, v in overrides.items() if v is not None})
    config = replace(MirrorConfig(), **values)
    config.host_port  # noqa: B018 - raises UsageError when malformed
    if config.latest_interval < 0 or config.header_timeout <= 0:
        raise UsageError("latest_interval must be >= 0 and header_timeout > 0")
    return config


def _read_table(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ParseError.at(str(path), 0, 0, f"malformed TOML: {exc}") from exc
    except OSError as exc:
        raise ParseError.at(str(path), 0, 0, f"cannot read: {exc.strerror}") from exc
    table = data.get("sumdb", {}).get("mirror", {})
    if not isinstance(table, Mapping):
        raise ParseError.at(str(path), 0, 0, "[sumdb.mirror] must be a table")
    defaults = MirrorConfig()
    known = {f.name for f in fields(MirrorConfig)}
    values: dict[str, Any] = {}
    for key, value in table.items():
        name = key.replace("-", "_")
        if name not in known:
            raise ParseError.at(str(path), 0, 0, f"[sumdb.mirror]: unknown setting {key!r}")
        default = getattr(defaults, name)
        if name == "db" and isinstance(value, str):
            # Relative to the file, as users expect.
            values[name] = (path.parent / value).resolve()
            continue
        ok = (
            (isinstance(default, bool) and isinstance(value, bool))
            or (type(default) is int and type(value) is int)
            or (isinstance(default, float) and type(value) in (int, float))
            or (isinstance(default, str) and isinstance(value, str))
        )
        if not ok:
            raise ParseError.at(
                str(path),
                0,
                0,
                f"[sumdb.mirror] {key}: want {type(default).__name__}, got {value!r}",
            )
        values[name] = float(value) if isinstance(default, float) else value
    return values
