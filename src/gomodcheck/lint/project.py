"""The Go module a configuration file builds: its go/toolchain lines, go.sum, vendor/, go.work."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_GO_LINE = re.compile(rb"^go\s+(\d+\.\d+(?:\.\d+)?)\s*(?://.*)?$", re.MULTILINE)
_TOOLCHAIN_LINE = re.compile(rb"^toolchain\s+go(\d+\.\d+(?:\.\d+)?)\S*\s*(?://.*)?$", re.MULTILINE)


@dataclass(frozen=True)
class Project:
    """What is known about the module next to a config file; all empty when none was found."""

    root: Path | None = None
    go: str = ""
    toolchain: str = ""
    has_gosum: bool = False
    vendored: bool = False
    has_gowork: bool = False

    @property
    def found(self) -> bool:
        return self.root is not None


def read_project(root: Path) -> Project:
    data = (root / "go.mod").read_bytes()
    go, toolchain = _versions(data, str(root / "go.mod"))
    return Project(
        root=root,
        go=go,
        toolchain=toolchain,
        has_gosum=(root / "go.sum").is_file(),
        vendored=(root / "vendor" / "modules.txt").is_file(),
        has_gowork=(root / "go.work").is_file(),
    )


def _versions(data: bytes, filename: str) -> tuple[str, str]:
    """go and toolchain versions, from gomodcheck.modfile when present, else the two lines."""
    try:
        from gomodcheck.modfile import parse_gomod  # type: ignore[attr-defined,unused-ignore]  # noqa: PLC0415

        parsed = parse_gomod(data, filename)
        go = getattr(parsed, "go", None)
        toolchain = getattr(parsed, "toolchain", None)
        go_text = str(getattr(go, "version", go) or "")
        tc_text = str(getattr(toolchain, "name", toolchain) or "").removeprefix("go")
        return go_text, tc_text.split("-", 1)[0]
    except Exception:
        go_match = _GO_LINE.search(data)
        tc_match = _TOOLCHAIN_LINE.search(data)
        return (
            go_match.group(1).decode() if go_match else "",
            tc_match.group(1).decode() if tc_match else "",
        )


class ProjectFinder:
    """Finds the module root for each config file, reading each go.mod once."""

    def __init__(self, top: Path) -> None:
        top = top.resolve()
        if ".github" in top.parts:
            # Linting .github alone: the workflows still build the repository around it.
            top = Path(*top.parts[: top.parts.index(".github")])
        self.top = top
        self._cache: dict[Path, Project] = {}

    def for_file(self, path: Path) -> Project:
        folder = path.resolve().parent
        # Workflows and actions build the repository they sit in.
        parts = folder.parts
        if ".github" in parts:
            folder = Path(*parts[: parts.index(".github")])
        return self._lookup(folder)

    def _lookup(self, folder: Path) -> Project:
        if folder in self._cache:
            return self._cache[folder]
        if (folder / "go.mod").is_file():
            try:
                project = read_project(folder)
            except OSError:
                project = Project()
        elif (
            folder in (self.top, folder.parent)
            or (folder / ".git").exists()
            or not folder.is_relative_to(self.top)
        ):
            project = Project()
        else:
            project = self._lookup(folder.parent)
        self._cache[folder] = project
        return project
