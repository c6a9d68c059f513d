"""The go.mod `ignore` directive (Go 1.25): directories that package patterns skip.

A pattern `./x` skips the directory x at the module root and everything below it; a pattern `x`
skips every directory named x (or path x/y) anywhere in the module. Wildcards are not supported.
Matching is on whole path elements: the directory and the pattern are both written /a/b/.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


def _normalize(path: str) -> str:
    path = path.replace("\\", "/")
    if not path.startswith("/"):
        path = "/" + path
    if not path.endswith("/"):
        path += "/"
    return path


@dataclass(frozen=True)
class IgnorePatterns:
    relative: tuple[str, ...] = ()  # from "./x": a prefix of the directory's path
    anywhere: tuple[str, ...] = ()  # from "x": anywhere in the directory's path

    @classmethod
    def parse(cls, patterns: Iterable[str]) -> IgnorePatterns:
        relative: list[str] = []
        anywhere: list[str] = []
        for pattern in patterns:
            if pattern.startswith("./"):
                relative.append(_normalize(pattern[2:]))
            else:
                anywhere.append(_normalize(pattern))
        return cls(tuple(relative), tuple(anywhere))

    def __bool__(self) -> bool:
        return bool(self.relative or self.anywhere)

    def should_ignore(self, rel_dir: str) -> bool:
        """Whether the go command skips rel_dir (slash-separated, relative to the module root)."""
        if not rel_dir:
            return False
        d = _normalize(rel_dir)
        return any(d.startswith(p) for p in self.relative) or any(p in d for p in self.anywhere)


__all__ = ["IgnorePatterns"]
