"""The facts a config parser extracts from one file, each with its exact place in that file.

Parsers turn Dockerfiles, workflows, Makefiles and the rest into the same few facts (variable
settings, shell commands, version pins, cache keys, ignore patterns); rules read only these.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    DOCKERFILE = "dockerfile"
    GITHUB_WORKFLOW = "github-workflow"
    GITHUB_ACTION = "github-action"
    GITLAB_CI = "gitlab-ci"
    JENKINSFILE = "jenkinsfile"
    MAKEFILE = "makefile"
    SHELL = "shell"
    ENVFILE = "envfile"
    GORELEASER = "goreleaser"
    DEVCONTAINER = "devcontainer"
    DOCKERIGNORE = "dockerignore"
    GITIGNORE = "gitignore"

    @property
    def is_ci(self) -> bool:
        """Pipelines that build on every change: where go.sum must not be rewritten silently."""
        return self in (Kind.GITHUB_WORKFLOW, Kind.GITHUB_ACTION, Kind.GITLAB_CI, Kind.JENKINSFILE)


@dataclass(frozen=True, order=True)
class Span:
    """1-based line and column of the first character; end is exclusive, as SARIF wants it."""

    line: int
    column: int
    end_line: int = 0
    end_column: int = 0


@dataclass(frozen=True)
class Setting:
    """A variable given a value: `ENV GOSUMDB=off`, `env:` in a workflow, `export`, inline."""

    name: str
    value: str
    span: Span
    via: str  # ENV, ARG, env, export, inline, assign, go env -w, variables, environment, ...
    context: str = ""  # the job, stage or target it applies to; "" for the whole file
    order: int = 0


@dataclass(frozen=True)
class Word:
    text: str
    span: Span


@dataclass(frozen=True)
class Command:
    """One simple command, after stripping `env`, `sudo` and the like and inline assignments."""

    words: tuple[Word, ...]
    inline: tuple[Setting, ...]
    span: Span
    context: str = ""
    order: int = 0
    # The directory an earlier `cd`/`pushd` in the same script moved to ("" if none).
    cwd: str = ""

    @property
    def argv(self) -> tuple[str, ...]:
        return tuple(w.text for w in self.words)


@dataclass(frozen=True)
class VersionPin:
    """A Go version chosen by the file: `FROM golang:1.22`, setup-go `go-version`, `image:`."""

    version: str  # "1.22", "1.22.3"; never "stable" or an expression
    span: Span
    source: str  # "FROM golang", "setup-go go-version", "image", ...
    context: str = ""


@dataclass(frozen=True)
class ActionUse:
    """A `uses:` step: the action reference and its `with:` inputs, each with its place."""

    uses: str
    span: Span
    inputs: dict[str, tuple[str, Span]]
    context: str = ""
    order: int = 0


@dataclass(frozen=True)
class CopyStep:
    """A Dockerfile COPY/ADD or a RUN bind mount that brings files into a build stage."""

    sources: tuple[str, ...]
    span: Span
    stage: int
    order: int
    from_stage: bool = False  # COPY --from=...: not the build context


@dataclass(frozen=True)
class IgnorePattern:
    pattern: str
    span: Span


@dataclass(frozen=True)
class Comment:
    text: str
    span: Span


@dataclass
class ParsedFile:
    """Everything the rules may look at in one file."""

    path: str  # as shown in reports: relative to the lint root, forward slashes
    kind: Kind
    settings: list[Setting] = field(default_factory=list)
    commands: list[Command] = field(default_factory=list)
    pins: list[VersionPin] = field(default_factory=list)
    actions: list[ActionUse] = field(default_factory=list)
    copies: list[CopyStep] = field(default_factory=list)
    ignores: list[IgnorePattern] = field(default_factory=list)
    # Problems the parser met that stop it from reading part of the file: (span, message).
    problems: list[tuple[Span, str]] = field(default_factory=list)
    # Paths of other files this one pulls in (GitLab local includes), relative to the repo.
    includes: list[str] = field(default_factory=list)
    # Places that cut the build off the network (`RUN --network=none`).
    offline_hints: list[Span] = field(default_factory=list)


class TextMap:
    """Maps offsets in a script assembled from pieces of a file back to file lines and columns."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._places: list[tuple[int, int]] = []
        self.text = ""

    def add(self, piece: str, line: int, column: int) -> None:
        """Append piece, which starts at (line, column) of the file and holds no newline."""
        self._starts.append(len(self.text))
        self._places.append((line, column))
        self.text += piece

    def newline(self) -> None:
        self.text += "\n"

    def position(self, offset: int) -> tuple[int, int]:
        if not self._starts:
            return (1, 1)
        i = max(bisect.bisect_right(self._starts, offset) - 1, 0)
        line, column = self._places[i]
        return line, column + max(offset - self._starts[i], 0)

    def span(self, start: int, end: int) -> Span:
        line, column = self.position(start)
        end_line, end_column = self.position(max(end - 1, start))
        return Span(line, column, end_line, end_column + 1)

    def tail(self, offset: int) -> TextMap:
        """The text from offset on, with every piece still mapped to its own place."""
        out = TextMap()
        for k, start in enumerate(self._starts):
            end = self._starts[k + 1] if k + 1 < len(self._starts) else len(self.text)
            if end <= offset:
                continue
            # Newlines between pieces belong to the earlier piece's range; keep them as text.
            cut = max(offset, start)
            piece = self.text[cut:end]
            line, column = self._places[k]
            body = piece.rstrip("\n")
            out.add(body, line, column + (cut - start))
            out.text += piece[len(body) :]
        return out

    @classmethod
    def of_lines(cls, lines: list[tuple[str, int, int]]) -> TextMap:
        """A map for lines given as (text, file line, file column), joined with newlines."""
        mapped = cls()
        for i, (text, line, column) in enumerate(lines):
            if i:
                mapped.newline()
            mapped.add(text, line, column)
        return mapped
