"""Path display shared by the renderers: relative to the working directory when inside it."""

from __future__ import annotations

import os
from pathlib import Path


def display_path(file: str) -> str:
    """A forward-slash path, relative to the current directory when the file lies under it.

    SARIF consumers and GitHub annotations resolve paths against the repository root, which is
    where CI runs us, so a relative path is what they can place.
    """
    if not file:
        return file
    try:
        path = Path(file)
        if path.is_absolute():
            rel = os.path.relpath(path, Path.cwd())
            if not rel.startswith(".."):
                return Path(rel).as_posix()
        return path.as_posix()
    except ValueError:  # a different drive on Windows
        return file
