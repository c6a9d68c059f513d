"""Settings a log or CI file shows: the ones that weaken verification or explain a cause.

Pure: a line in, zero or more `Setting`s out. Used both for the log being diagnosed and for the CI
files of the checked-out repository.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NAMES = (
    r"(?P<name>GOSUMDB|GONOSUMDB|GONOSUMCHECK|GOFLAGS|GOPRIVATE|GONOPROXY|GOINSECURE|GOPROXY"
    r"|GOTOOLCHAIN|GOWORK)"
)
_VALUE = r"(?P<value>\"[^\"]*\"|'[^']*'|[^\s;&|]*)"
# NAME=value anywhere (shell, Dockerfile ENV, go env output); NAME: value only as a YAML key, since
# the go command's own messages say "invalid GOSUMDB: ...".
_ASSIGN = re.compile(
    rf"(?<![\w$]){_NAMES}={_VALUE}"
    rf"|^\s*(?:-\s*)?{_NAMES.replace('name', 'yname')}:\s+(?P<yvalue>\S+)"
)
_RM_GOSUM = re.compile(r"\brm\s+(?:-\w+\s+)*(?:\S*/)?go\.(?:work\.)?sum\b")
_DOCKER = re.compile(r"^(?:Step \d+/\d+ : |#\d+ \[|\[[\w.\- ]*\d+/\d+\] (?:RUN|COPY|FROM|ADD) )")


@dataclass(frozen=True)
class Setting:
    """A variable assignment (or a go.sum deletion) seen at one place."""

    name: str  # GOSUMDB, ..., or "rm go.sum", or "docker"
    value: str
    file: str
    line: int

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.file else f"line {self.line}"


def settings_in(text: str, file: str, line: int) -> list[Setting]:
    """The settings one line of a log or CI file shows."""
    found: list[Setting] = []
    for match in _ASSIGN.finditer(text):
        name = match["name"] or match["yname"]
        value = (match["value"] if match["name"] else match["yvalue"]).strip("\"'")
        if value.startswith("${{") or value.startswith("$"):
            continue
        found.append(Setting(name, value, file, line))
    if _RM_GOSUM.search(text):
        found.append(Setting("rm go.sum", "", file, line))
    if _DOCKER.match(text):
        found.append(Setting("docker", "", file, line))
    return found


def weakening_advice(setting: Setting) -> str | None:
    """Why a setting someone used hides the problem instead of fixing it; None if it is harmless."""
    name, value = setting.name, setting.value
    where = setting.where
    if name == "GOSUMDB" and value == "off":
        return (
            f"The log/config sets GOSUMDB=off ({where}): that switches off checksum-database "
            "verification for every module, so a retagged or tampered module is accepted "
            "silently. Scope private modules with GOPRIVATE instead."
        )
    if name == "GONOSUMDB" and value in ("*", "*/*", "*.*"):
        return (
            f"GONOSUMDB={value} ({where}) exempts every module from the checksum database; "
            "list only your private module prefixes."
        )
    if name == "GOPRIVATE" and value in ("*", "*/*", "*.*"):
        return (
            f"GOPRIVATE={value} ({where}) fetches every module directly from its VCS and skips "
            "the checksum database: upstream retags then change your hashes (the Dependabot "
            "GOPRIVATE=* go.sum breakages). List only your private prefixes."
        )
    if name == "GOFLAGS" and "-insecure" in value:
        return (
            f"GOFLAGS={value} ({where}): -insecure allowed plain HTTP and skipped TLS and "
            "checksum checks; it is gone since Go 1.17. Fix the certificate chain instead."
        )
    if name == "GOINSECURE" and value:
        return (
            f"GOINSECURE={value} ({where}) fetches over plain HTTP/unverified TLS; use it only "
            "for an internal host you control, never for public modules."
        )
    if name == "GOFLAGS" and "-mod=mod" in value:
        return (
            f"GOFLAGS={value} ({where}) lets every build rewrite go.mod and go.sum, so CI no "
            "longer catches a go.sum that was not committed."
        )
    if name == "GONOSUMCHECK":
        return (
            f"GONOSUMCHECK ({where}) is not a variable the go command reads; it changes nothing. "
            "Use GOPRIVATE (or GONOSUMDB) with your private module prefixes."
        )
    if name == "rm go.sum":
        return (
            f"The log deletes go.sum ({where}): that throws away the record of what was verified "
            "before, so a changed module is re-trusted on first sight."
        )
    if name == "GOPROXY" and value in ("direct", "off"):
        return (
            (
                f"GOPROXY={value} ({where}) bypasses the module proxy; public modules then come "
                "from "
                "their VCS, where tags can move."
            )
            if value == "direct"
            else None
        )
    return None
