"""Pseudo-versions: versions the go command makes up for a commit that has no tag.

The three forms (x/mod module/pseudo.go):
  vX.0.0-yyyymmddhhmmss-abcdefabcdef            no earlier tag for this major version
  vX.Y.Z-pre.0.yyyymmddhhmmss-abcdefabcdef      the latest earlier tag is vX.Y.Z-pre
  vX.Y.(Z+1)-0.yyyymmddhhmmss-abcdefabcdef      the latest earlier tag is vX.Y.Z
each optionally followed by build metadata such as "+incompatible".
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from gomodcheck import semver
from gomodcheck.module.errors import InvalidVersionError
from gomodcheck.module.quote import go_quote

__all__ = [
    "PSEUDO_VERSION_TIMESTAMP_FORMAT",
    "is_pseudo_version",
    "is_zero_pseudo_version",
    "pseudo_version",
    "pseudo_version_base",
    "pseudo_version_rev",
    "pseudo_version_time",
    "zero_pseudo_version",
]

PSEUDO_VERSION_TIMESTAMP_FORMAT = "20060102150405"  # Go layout: yyyymmddhhmmss, UTC

# [0-9] rather than \d: Python's \d also matches non-ASCII digits, Go's RE2 does not.
_PSEUDO_RE = re.compile(
    r"v[0-9]+\.(0\.0-|[0-9]+\.[0-9]+-([^+]*\.)?0\.)[0-9]{14}-[A-Za-z0-9]+"
    r"(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?"
)


def is_pseudo_version(v: str) -> bool:
    """Whether v has the syntax of a pseudo-version."""
    return v.count("-") >= 2 and semver.is_valid(v) and _PSEUDO_RE.fullmatch(v) is not None


def pseudo_version(major: str, older: str, time: dt.datetime, rev: str) -> str:
    """The pseudo-version for a commit at time with revision rev, after tag older ("" if none)."""
    major = major or "v0"
    if time.tzinfo is not None:
        time = time.astimezone(dt.UTC)
    # Formatted by hand: strftime("%Y") does not zero-pad years before 1000 on glibc.
    stamp = (
        f"{time.year:04d}{time.month:02d}{time.day:02d}"
        f"{time.hour:02d}{time.minute:02d}{time.second:02d}"
    )
    segment = f"{stamp}-{rev}"
    bld = semver.build(older)
    older = semver.canonical(older)
    if not older:
        return f"{major}.0.0-{segment}"
    if semver.prerelease(older):
        return f"{older}.0.{segment}{bld}"
    i = older.rfind(".") + 1
    return f"{older[:i]}{_inc_decimal(older[i:])}-0.{segment}{bld}"


def zero_pseudo_version(major: str) -> str:
    """The pseudo-version with zero time and revision, e.g. v0.0.0-00010101000000-000000000000."""
    return pseudo_version(major, "", dt.datetime(1, 1, 1), "000000000000")


def is_zero_pseudo_version(v: str) -> bool:
    return v == zero_pseudo_version(semver.major(v))


def _inc_decimal(decimal: str) -> str:
    return str(int(decimal) + 1)


def _dec_decimal(decimal: str) -> str:
    n = int(decimal)
    return "" if n == 0 else str(n - 1)


def _parse(v: str) -> tuple[str, str, str, str]:
    """(base, timestamp, rev, build) of a pseudo-version; InvalidVersionError if it is not one."""
    if not is_pseudo_version(v):
        raise InvalidVersionError(v, "syntax error", pseudo=True)
    bld = semver.build(v)
    rest = v[: len(v) - len(bld)]
    j = rest.rfind("-")
    rest, rev = rest[:j], rest[j + 1 :]
    i = rest.rfind("-")
    k = rest.rfind(".")
    if k > i:
        return rest[:k], rest[k + 1 :], rev, bld  # "vX.Y.Z-pre.0" or "vX.Y.(Z+1)-0"
    return rest[:i], rest[i + 1 :], rev, bld  # "vX.0.0"


def _valid_timestamp(ts: str) -> tuple[int, int, int, int, int, int] | None:
    y, mo, d = int(ts[0:4]), int(ts[4:6]), int(ts[6:8])
    h, mi, s = int(ts[8:10]), int(ts[10:12]), int(ts[12:14])
    if not 1 <= mo <= 12 or h > 23 or mi > 59 or s > 59:
        return None
    # Year 0 is a leap year in Go's proleptic Gregorian calendar, as 2000 is.
    days = calendar.monthrange(y if y else 2000, mo)[1]
    if not 1 <= d <= days:
        return None
    return y, mo, d, h, mi, s


def pseudo_version_time(v: str) -> dt.datetime:
    """The commit time (UTC) recorded in a pseudo-version."""
    _, ts, _, _ = _parse(v)
    parts = _valid_timestamp(ts)
    if parts is None or parts[0] == 0:
        # Year 0000 is valid to Go but has no Python datetime; say so rather than guess.
        raise InvalidVersionError(v, f"malformed time {go_quote(ts)}", pseudo=True)
    return dt.datetime(*parts, tzinfo=dt.UTC)


def pseudo_version_rev(v: str) -> str:
    """The revision identifier (usually a 12-hex-digit commit prefix) of a pseudo-version."""
    return _parse(v)[2]


def pseudo_version_base(v: str) -> str:
    """The tag the pseudo-version was derived from, "" if none (x/mod PseudoVersionBase)."""
    base, _, _, bld = _parse(v)
    pre = semver.prerelease(base)
    if pre == "":
        if bld:
            raise InvalidVersionError(
                v, f"lacks base version, but has build metadata {go_quote(bld)}", pseudo=True
            )
        return ""
    if pre == "-0":
        base = base.removesuffix(pre)
        i = base.rfind(".")
        patch = _dec_decimal(base[i + 1 :])
        if not patch:
            raise InvalidVersionError(
                v, f"version before {base} would have negative patch number", pseudo=True
            )
        return base[: i + 1] + patch + bld
    return base.removesuffix(".0") + bld
