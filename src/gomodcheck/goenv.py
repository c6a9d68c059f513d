"""The go command's environment: process first, then the GOENV file, then Go's defaults.

The go command reads a variable from the process environment when it is set and non-empty, else
from the file `go env -w` writes (GOENV, default `$XDG_CONFIG_HOME/go/env` or `~/.config/go/env`),
else from GOROOT/go.env defaults. We mirror that order without running Go.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

# The values GOROOT/go.env ships (Go >= 1.21) and the built-in defaults before it.
GO_DEFAULTS: Mapping[str, str] = {
    "GOPROXY": "https://proxy.golang.org,direct",
    "GOSUMDB": "sum.golang.org",
    "GOTOOLCHAIN": "auto",
    "GOFLAGS": "",
    "GOPRIVATE": "",
    "GONOPROXY": "",
    "GONOSUMDB": "",
    "GOINSECURE": "",
    "GOWORK": "",
}


def _user_config_dir(environ: Mapping[str, str]) -> Path | None:
    xdg = environ.get("XDG_CONFIG_HOME", "")
    if xdg:
        return Path(xdg)
    home = environ.get("HOME", "")
    return Path(home) / ".config" if home else None


def _goenv_file(environ: Mapping[str, str]) -> Path | None:
    explicit = environ.get("GOENV")
    if explicit is not None:
        return None if explicit in ("", "off") else Path(explicit)
    base = _user_config_dir(environ)
    return base / "go" / "env" if base else None


def _read_goenv_file(path: Path | None) -> dict[str, str]:
    if path is None:
        return {}
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    values: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip() and not key.lstrip().startswith("#"):
            values[key.strip()] = value
    return values


def _split_quoted(s: str) -> list[str] | None:
    """cmd/internal/quoted.Split: fields separated by white space, each optionally wrapped in
    single or double quotes (no escapes); None for an unterminated quote."""
    fields: list[str] = []
    i, n = 0, len(s)
    while i < n:
        while i < n and s[i] in " \t\n\r":
            i += 1
        if i >= n:
            break
        if s[i] in "\"'":
            end = s.find(s[i], i + 1)
            if end < 0:
                return None
            fields.append(s[i + 1 : end])
            i = end + 1
            continue
        j = i
        while j < n and s[j] not in " \t\n\r":
            j += 1
        fields.append(s[i:j])
        i = j
    return fields


def mod_flag(goflags: str) -> str:
    """The -mod value GOFLAGS gives build commands ("" when none; the last one wins), as
    base.SetFromGOFLAGS sets it. A GOFLAGS the go command rejects gives ""."""
    fields = _split_quoted(goflags)
    value = ""
    for f in fields or ():
        name, sep, v = f.partition("=")
        if name in ("-mod", "--mod") and sep:
            value = v
    return value


@dataclass(frozen=True)
class GoEnv:
    """A snapshot of the variables the go command reads, resolved in the go command's order."""

    process: Mapping[str, str]
    file_values: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> GoEnv:
        env = dict(os.environ if environ is None else environ)
        return cls(env, _read_goenv_file(_goenv_file(env)))

    def get(self, key: str) -> str:
        value = self.process.get(key, "")
        if value:
            return value
        value = self.file_values.get(key, "")
        if value:
            return value
        return self.default(key)

    def default(self, key: str) -> str:
        if key == "GOPATH":
            home = self.process.get("HOME", "")
            return str(Path(home) / "go") if home else ""
        if key == "GOMODCACHE":
            gopath = self.get("GOPATH").split(os.pathsep)[0]
            return str(Path(gopath) / "pkg" / "mod") if gopath else ""
        if key in ("GONOPROXY", "GONOSUMDB"):
            return self.get("GOPRIVATE")
        return GO_DEFAULTS.get(key, "")

    def is_set(self, key: str) -> bool:
        """Whether the user set the variable (process or go env -w), as opposed to the default."""
        return bool(self.process.get(key) or self.file_values.get(key))

    @property
    def gomodcache(self) -> Path:
        return Path(self.get("GOMODCACHE"))
