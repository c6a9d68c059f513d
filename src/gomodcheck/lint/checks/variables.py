"""Rules on variable settings: GOSUMDB, GONOSUMDB/GOPRIVATE, GOINSECURE, GOFLAGS, GOPROXY."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from gomodcheck.findings import Finding
from gomodcheck.lint.checks.base import (
    LintSettings,
    all_settings,
    finding,
    go_args,
    literal,
    subcommand,
)
from gomodcheck.lint.model import Command, ParsedFile, Setting

# Module paths no private-module pattern should cover: one per public host people use.
PUBLIC_PROBES = (
    "github.com/someone-else/lib",
    "gitlab.com/someone-else/lib",
    "bitbucket.org/someone-else/lib",
    "golang.org/x/text",
    "google.golang.org/grpc",
    "gopkg.in/yaml.v3",
    "k8s.io/api",
    "go.uber.org/zap",
    "cloud.google.com/go",
    "go.opentelemetry.io/otel",
    "sigs.k8s.io/yaml",
)


FAKE_VARIABLES = frozenset(
    {
        "GONOSUMCHECK",
        "GONOSUMVERIFY",
        "GOSUMCHECK",
        "GONOVERIFY",
        "GOVERIFY",
        "GONOSUM",
        "GOSUMDBOFF",
        "GONOCHECKSUM",
        "GOCHECKSUM",
        "GOSUMVERIFY",
        "GOINSECURESKIPVERIFY",
        "GONOSUMDBCHECK",
        "GOSKIPSUMDB",
        "GO_SUMDB",
        "GO_NOSUMDB",
        "GONOSUMDBVERIFY",
    }
)


_BAD_GOSUMDB = frozenset(
    {"on", "true", "false", "yes", "no", "0", "1", "none", "disable", "disabled", "enabled"}
)


def _matches_public(patterns: str, allowed: Sequence[str]) -> list[str]:
    from gomodcheck.module.patterns import match_prefix_patterns  # noqa: PLC0415

    broad = []
    for pattern in (p.strip() for p in patterns.split(",")):
        if not pattern or pattern in allowed:
            continue
        try:
            if any(match_prefix_patterns(pattern, probe) for probe in PUBLIC_PROBES):
                broad.append(pattern)
        except Exception:  # noqa: S112 - a malformed glob is the go command's error to report
            continue
    return broad


def check_variables(f: ParsedFile, settings: LintSettings) -> Iterator[Finding]:
    for s in all_settings(f):
        name, value = s.name, s.value.strip().strip("'\"")
        where = f"{s.via} {s.name}={s.value}".strip()
        if name == "GOSUMDB" and value.lower() == "off":
            yield finding(
                "GMC-L001",
                f,
                s.span,
                "GOSUMDB=off turns off checksum database verification.",
                [where],
                do_not=(
                    "Do not replace it with GONOSUMDB=* or GOPRIVATE=*: that is the same switch.",
                ),
            )
        elif name == "GOSUMDB" and value.lower() in _BAD_GOSUMDB:
            yield finding(
                "GMC-L005",
                f,
                s.span,
                f"GOSUMDB={value} is not a checksum database name; "
                "the go command fails with 'malformed verifier id'.",
                [where],
                fix="Remove the setting; the default is GOSUMDB=sum.golang.org.",
            )
        elif name in ("GONOSUMDB", "GOPRIVATE") and literal(value):
            broad = _matches_public(value, settings.allow_private)
            if broad:
                yield finding(
                    "GMC-L002",
                    f,
                    s.span,
                    f"{name} pattern {', '.join(repr(b) for b in broad)} covers public modules, "
                    "which then skip the checksum database.",
                    [where],
                    fix_commands=(f"{name}=github.com/your-org/*",),
                )
        elif name == "GOINSECURE" and literal(value):
            broad = _matches_public(value, settings.allow_private)
            if broad:
                yield finding(
                    "GMC-L004",
                    f,
                    s.span,
                    f"GOINSECURE pattern {', '.join(repr(b) for b in broad)} allows public "
                    "modules over insecure connections.",
                    [where],
                )
        elif name == "GOFLAGS" and any(flag.lstrip("-") == "insecure" for flag in value.split()):
            yield finding("GMC-L003", f, s.span, "GOFLAGS contains -insecure.", [where])
        elif name in FAKE_VARIABLES:
            yield finding(
                "GMC-L005",
                f,
                s.span,
                f"{name} is not a variable the go command reads; this setting has no effect.",
                [where],
                fix="Delete it. To skip the checksum database for your own private modules "
                "only, set GONOSUMDB or GOPRIVATE to their path prefixes.",
            )
        elif name == "GOPROXY" and literal(value):
            yield from _goproxy(f, s, value, where)


def _goproxy(f: ParsedFile, s: Setting, value: str, where: str) -> Iterator[Finding]:
    entries = [e.strip() for e in re.split(r"[,|]", value) if e.strip()]
    if entries and entries[0] == "direct":
        yield finding(
            "GMC-L006",
            f,
            s.span,
            "GOPROXY starts with 'direct': modules come from origin repositories, not "
            "the immutable proxy copy the checksum database vouches for.",
            [where],
            fix_commands=("GOPROXY=https://proxy.golang.org,direct",),
        )
    elif entries == ["off"]:
        later = [
            c
            for c in f.commands
            if _downloads(c)
            and c.order >= s.order
            and (not s.context or c.context == s.context or not c.context)
            and not any(i.name == "GOPROXY" for i in c.inline)
        ]
        if later:
            c = later[0]
            yield finding(
                "GMC-L006",
                f,
                s.span,
                "GOPROXY=off forbids downloads, but a later step downloads modules "
                f"(`{' '.join(c.argv[:4])}` at line {c.span.line}).",
                [where, f"line {c.span.line}: {' '.join(c.argv)}"],
                fix="Download with the default GOPROXY first, or vendor the dependencies.",
            )


def _downloads(c: Command) -> bool:
    args = go_args(c)
    if args is None:
        return False
    sub = subcommand(args)
    return sub in (("mod", "download"), ("get",), ("mod", "tidy")) or (
        sub == ("install",) and any("@" in a for a in args)
    )
