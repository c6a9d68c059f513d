"""Server settings: defaults, overridden by a TOML file ([sumdb.server]), overridden by flags."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from gomodcheck.errors import ParseError, UsageError


@dataclass(frozen=True)
class ServerConfig:
    key_file: Path = Path()
    db: Path = Path("sumdb.db")
    listen: str = "127.0.0.1:8080"
    # GOPROXY-style list the private database fetches unknown module versions from ("" = none).
    upstream: str = ""
    # GOPRIVATE-style globs of module paths that may be added on lookup ("" = any path).
    modules: str = ""
    max_tile_height: int = 8
    # Seconds a client may take to send a request's headers (defeats slow clients).
    header_timeout: float = 10.0
    keep_alive: int = 5
    tile_cache_bytes: int = 64 << 20
    upstream_concurrency: int = 8
    graceful_shutdown: float = 10.0
    access_log: bool = True
    # Listen with SO_REUSEPORT, so that several `sumdb serve` processes with the same settings
    # share the port (one event loop uses one core; see docs/sumdb-server.md, Performance).
    reuse_port: bool = False
    # Mirror a public database: GOSUMDB syntax, "<name or key> [url]", e.g.
    # "sum.golang.org https://proxy.golang.org/sumdb/sum.golang.org" ("" = no mirror).
    mirror: str = ""
    mirror_state: Path = Path()
    # Seconds between checks of the upstream's latest tree head.
    mirror_refresh: float = 5.0
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def host_port(self) -> tuple[str, int]:
        return parse_listen(self.listen)


def parse_listen(listen: str) -> tuple[str, int]:
    """(host, port) from ``--listen HOST:PORT``; UsageError when malformed."""
    host, sep, port = listen.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise UsageError(f"--listen {listen!r}: want HOST:PORT, e.g. 127.0.0.1:8080")
    return host.strip("[]") or "127.0.0.1", int(port)


_PATH_FIELDS = {"key_file", "db", "mirror_state"}


def load_server_config(path: Path | None, overrides: Mapping[str, Any]) -> ServerConfig:
    """Defaults, then the file's [sumdb.server] table, then non-None overrides (flags)."""
    values: dict[str, Any] = {}
    if path is not None:
        try:
            with path.open("rb") as handle:
                data = tomllib.load(handle)
        except tomllib.TOMLDecodeError as exc:
            raise ParseError.at(str(path), 0, 0, f"malformed TOML: {exc}") from exc
        except OSError as exc:
            raise ParseError.at(str(path), 0, 0, f"cannot read: {exc.strerror}") from exc
        table = data.get("sumdb", {}).get("server", data.get("server", {}))
        if not isinstance(table, Mapping):
            raise ParseError.at(str(path), 0, 0, "[sumdb.server] must be a table")
        known = {f.name: f for f in fields(ServerConfig)} | {"key": None}
        for key, value in table.items():
            name = key.replace("-", "_")
            if name == "key":
                name = "key_file"
            if name not in known or name == "extra":
                raise ParseError.at(str(path), 0, 0, f"[sumdb.server]: unknown setting {key!r}")
            values[name] = _coerce(path, key, name, value)
    values.update({k: v for k, v in overrides.items() if v is not None})
    config = replace(ServerConfig(), **values)
    _validate(config)
    return config


def _coerce(path: Path, key: str, name: str, value: Any) -> Any:
    default = getattr(ServerConfig(), name)
    if name in _PATH_FIELDS and isinstance(value, str):
        # Relative paths in the file are relative to the file, as users expect.
        return (path.parent / value).resolve()
    ok = (
        (isinstance(default, bool) and isinstance(value, bool))
        or (type(default) is int and type(value) is int)
        or (isinstance(default, float) and type(value) in (int, float))
        or (isinstance(default, str) and isinstance(value, str))
    )
    if not ok:
        want = type(default).__name__
        raise ParseError.at(str(path), 0, 0, f"[sumdb.server] {key}: want a {want}, got {value!r}")
    return float(value) if isinstance(default, float) else value


def _validate(config: ServerConfig) -> None:
    config.host_port  # noqa: B018 - raises UsageError when malformed
    if not 1 <= config.max_tile_height <= 30:
        raise UsageError("max_tile_height must be 1..30")
    if config.header_timeout <= 0 or config.upstream_concurrency < 1:
        raise UsageError("header_timeout must be > 0 and upstream_concurrency >= 1")
