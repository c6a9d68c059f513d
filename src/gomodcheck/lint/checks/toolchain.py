"""Toolchain rules: downloads in offline builds, GOTOOLCHAIN and version pins vs go.mod."""

from __future__ import annotations

import re
from collections.abc import Iterator

from gomodcheck.findings import Finding, Severity
from gomodcheck.lint.checks.base import LintSettings, all_settings, finding, literal, older_than
from gomodcheck.lint.model import ParsedFile, Setting
from gomodcheck.lint.project import Project


def _last(f: ParsedFile, name: str) -> Setting | None:
    found = [s for s in all_settings(f) if s.name == name and literal(s.value)]
    return found[-1] if found else None


def check_toolchain(f: ParsedFile, project: Project, settings: LintSettings) -> Iterator[Finding]:
    toolchain = _last(f, "GOTOOLCHAIN")
    mode = toolchain.value.strip("'\"") if toolchain else ""
    offline = (
        settings.air_gapped
        or bool(f.offline_hints)
        or any(
            (s.name == "GOPROXY" and s.value.strip("'\"") == "off")
            or (s.name == "GOFLAGS" and "-mod=vendor" in s.value)
            for s in all_settings(f)
        )
    )
    if toolchain and offline and (mode == "auto" or mode.endswith(("+auto", "+path"))):
        yield finding(
            "GMC-L013",
            f,
            toolchain.span,
            f"GOTOOLCHAIN={mode} in an offline build: go will try to download a toolchain.",
            [f"{toolchain.name}={toolchain.value}"],
            fix_commands=("GOTOOLCHAIN=local",),
        )
    if not project.go:
        return
    wanted = project.toolchain or project.go
    if offline and not toolchain:
        # The default GOTOOLCHAIN=auto switches to go.mod's toolchain when the image's Go is older.
        for pin in f.pins:
            if older_than(pin.version, wanted):
                yield finding(
                    "GMC-L013",
                    f,
                    pin.span,
                    f"{pin.source} {pin.version} is older than go.mod's go{wanted}: offline, the "
                    "go command will still try to download it (GOTOOLCHAIN defaults to auto).",
                    [f"{pin.source}: {pin.version}", f"go.mod: go{wanted}"],
                    fix_commands=("GOTOOLCHAIN=local",),
                )
    if toolchain and re.fullmatch(r"go1\.\d+(\.\d+)?", mode) and older_than(mode[2:], project.go):
        yield finding(
            "GMC-L014",
            f,
            toolchain.span,
            f"GOTOOLCHAIN={mode} is older than go.mod's `go {project.go}`: the build fails.",
            [f"GOTOOLCHAIN={mode}", f"go.mod: go {project.go}"],
        )
    for pin in f.pins:
        if older_than(pin.version, project.go):
            if mode == "local":
                yield finding(
                    "GMC-L014",
                    f,
                    pin.span,
                    f"{pin.source} {pin.version} is older than go.mod's `go {project.go}` and "
                    "GOTOOLCHAIN=local forbids switching: the build fails.",
                    [
                        f"{pin.source}: {pin.version}",
                        f"go.mod: go {project.go}",
                        "GOTOOLCHAIN=local",
                    ],
                )
            else:
                yield finding(
                    "GMC-L017",
                    f,
                    pin.span,
                    f"{pin.source} {pin.version} is older than go.mod's `go {project.go}`; "
                    "the go command will download a newer toolchain at build time.",
                    [f"{pin.source}: {pin.version}", f"go.mod: go {project.go}"],
                )
        elif mode == "local" and project.toolchain and older_than(pin.version, project.toolchain):
            yield finding(
                "GMC-L014",
                f,
                pin.span,
                f"go.mod asks for toolchain go{project.toolchain}, but GOTOOLCHAIN=local builds "
                f"with {pin.source} {pin.version}.",
                [f"{pin.source}: {pin.version}", f"go.mod: toolchain go{project.toolchain}"],
                severity=Severity.NOTE,
            )
