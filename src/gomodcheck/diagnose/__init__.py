"""Package diagnose explains a failing CI log: which module failure, its cause, evidence and fix.

`diagnose(source)` reads a log once, as a stream, and returns a Report; the pieces are usable on
their own: `normalize` (CI decoration), `scan` (prefilter), `blocks` (multi-line messages),
`families` (what failed), `causes` (why, and the fix), `facts`/`online` (confirmation).
"""

from __future__ import annotations

from gomodcheck.diagnose.engine import diagnose, read_log

__all__ = ["diagnose", "read_log"]
