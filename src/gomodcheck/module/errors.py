"""Exceptions for invalid module paths and versions, worded as golang.org/x/mod words them.

They are ValueErrors: callers turn them into ParseError or findings with a file and line.
"""

from __future__ import annotations

from gomodcheck.module.quote import go_quote

__all__ = ["InvalidPathError", "InvalidVersionError", "ModuleError"]


class InvalidPathError(ValueError):
    """A module, import or file path breaks the rules: ``malformed module path "x": reason``."""

    def __init__(self, kind: str, path: str, reason: str) -> None:
        self.kind = kind  # "module", "import" or "file"
        self.path = path
        self.reason = reason
        super().__init__(f"malformed {kind} path {go_quote(path)}: {reason}")


class InvalidVersionError(ValueError):
    """A version or pseudo-version breaks the rules: ``version "v1" invalid: reason``."""

    def __init__(self, version: str, reason: str, *, pseudo: bool = False) -> None:
        self.version = version
        self.reason = reason
        self.pseudo = pseudo
        super().__init__(f"{self.noun} {go_quote(version)} invalid: {reason}")

    @property
    def noun(self) -> str:
        return "pseudo-version" if self.pseudo else "version"


class ModuleError(ValueError):
    """An error about one module (version), prefixed as x/mod's ModuleError prints it."""

    def __init__(self, path: str, version: str, err: Exception) -> None:
        self.path = path
        self.version = version
        self.err = err
        if isinstance(err, InvalidVersionError):
            text = f"{path}@{err.version}: invalid {err.noun}: {err.reason}"
        elif version:
            text = f"{path}@{version}: {err}"
        else:
            text = f"module {path}: {err}"
        super().__init__(text)
