"""What is known besides the log: the checked-out repository, the environment, online answers.

Plain data, filled by `facts` (offline I/O) and `online` (network); read by `causes` (pure).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from gomodcheck.diagnose.settings import Setting


@dataclass(frozen=True)
class RepoFacts:
    """The checked-out module the failing command ran in."""

    root: str
    go_directive: str = ""
    has_gomod: bool = False
    has_vendor: bool = False
    has_gowork: bool = False
    # (module, version) -> hashes; version is "vX" for the zip and "vX/go.mod" for go.mod.
    gosum: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    gosum_present: bool = False
    gosum_conflict_lines: tuple[int, ...] = ()
    ci_settings: tuple[Setting, ...] = ()
    missing_replace_dirs: tuple[str, ...] = ()


@dataclass(frozen=True)
class SumRecord:
    """The checksum database's hashes for one module version and where they came from."""

    zip_hash: str
    gomod_hash: str
    source: str  # "module cache (cached lookup)" or "sum.golang.org (verified)"


@dataclass(frozen=True)
class Context:
    log_name: str = "-"
    settings: tuple[Setting, ...] = ()  # seen in the log
    # The effective go environment of this machine (GoEnv), used only when --dir/env apply.
    env: Mapping[str, str] = field(default_factory=dict)
    repo: RepoFacts | None = None
    # "module@version" -> what the checksum database says (cached offline, or fetched online).
    sumdb: Mapping[str, SumRecord] = field(default_factory=dict)
    # "module@version" -> h1 of the zip the public proxy serves (online only).
    proxy_hash: Mapping[str, str] = field(default_factory=dict)
    # "module@version" -> what the local module cache shows now (for go mod verify failures).
    cache_state: Mapping[str, str] = field(default_factory=dict)
    online: bool = False

    def setting(self, name: str) -> Setting | None:
        """The last value of a variable the log or CI config shows (the log wins)."""
        found = [s for s in self.settings if s.name == name]
        if not found and self.repo is not None:
            found = [s for s in self.repo.ci_settings if s.name == name]
        return found[-1] if found else None

    def value(self, name: str) -> str:
        seen = self.setting(name)
        return seen.value if seen is not None else self.env.get(name, "")

    @property
    def in_docker(self) -> bool:
        return any(s.name == "docker" for s in self.settings)
