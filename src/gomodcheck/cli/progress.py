"""A progress bar on stderr, shown only when stderr is a terminal (never in CI logs or pipes)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

ProgressFn = Callable[[int, int], None]


@contextmanager
def progress_bar(description: str) -> Iterator[ProgressFn | None]:
    """Yield a callback(done, total) drawing a rich bar on stderr, or None when not a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    import time  # noqa: PLC0415

    from rich.console import Console  # noqa: PLC0415 - rich loads only when drawing
    from rich.progress import (  # noqa: PLC0415
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TimeElapsedColumn,
    )

    # Redrawn from update() rather than by rich's refresh thread: work that forks a helper
    # process (verify --sumdb) must be able to do it while no other thread runs.
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
        auto_refresh=False,
    ) as bar:
        task = bar.add_task(description, total=None)
        drawn = 0.0

        def update(done: int, total: int) -> None:
            nonlocal drawn
            now = time.monotonic()
            redraw = done >= total or now - drawn >= 0.1
            bar.update(task, completed=done, total=total, refresh=redraw)
            if redraw:
                drawn = now

        yield update
