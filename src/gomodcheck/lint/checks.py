"""The checks behind each lint rule, over parsed files; each yields Findings and does no I/O."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from gomodcheck.findings import Finding, Location, Severity
from gomodcheck.lint.catalog import RULES
from gomodcheck.lint.ignorefile import excluding_pattern
from gomodcheck.lint.model import ActionUse, Command, Kind, ParsedFile, Setting, Span
from gomodcheck.lint.project import Project

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
_GO_HEAD = re.compile(
    r"^(?:\S*/)?go(?:1\.\d+(?:\.\d+)?)?$|^\$[({]?GO(?:CMD|_CMD|BIN|_BIN|EXE)?[)}]?$"
)
_BUILDS = frozenset({"build", "test", "run", "install", "vet", "list", "generate"})


DO_NOT = "Do not turn verification off (GOSUMDB=off, GONOSUMDB=*, -mod=mod) to pass the build."


@dataclass(frozen=True)
class LintSettings:
    """The [lint] table of gomodcheck.toml, already validated."""

    disable: frozenset[str] = frozenset()
    severity: dict[str, Severity] = field(default_factory=dict)
    allow_private: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    air_gapped: bool = False


def finding(
    rule_id: str,
    f: ParsedFile,
    span: Span,
    message: str,
    evidence: Iterable[str] = (),
    *,
    fix: str = "",
    fix_commands: Sequence[str] = (),
    do_not: Sequence[str] = (),
    severity: Severity | None = None,
) -> Finding:
    rule = RULES[rule_id]
    return Finding(
        rule_id=rule_id,
        severity=severity or rule.default_severity,
        message=message,
        location=Location(f.path, span.line, span.column, span.end_line, span.end_column),
        evidence=tuple(evidence),
        fix=fix or rule.help_text.split("Safe fix: ", 1)[-1],
        fix_commands=tuple(fix_commands),
        do_not=tuple(do_not) or (DO_NOT,),
        properties={"kind": f.kind.value},
    )


# --- helpers -------------------------------------------------------------------------------


def all_settings(f: ParsedFile) -> list[Setting]:
    found = list(f.settings)
    for command in f.commands:
        found.extend(command.inline)
    return found


def go_args(command: Command) -> tuple[str, ...] | None:
    """The arguments after `go` when the command runs the go tool, else None."""
    if not command.words or not _GO_HEAD.match(command.words[0].text):
        return None
    return command.argv[1:]


def subcommand(args: Sequence[str]) -> tuple[str, ...]:
    words = [a for a in args if not a.startswith("-")]
    if not words:
        return ()
    if words[0] in ("mod", "work", "env", "tool") and len(words) > 1:
        return (words[0], words[1])
    return (words[0],)


def mod_flag(args: Sequence[str]) -> str:
    """The value of -mod in go arguments or a GOFLAGS value ('' when absent)."""
    for i, arg in enumerate(args):
        bare = arg.lstrip("-")
        if arg.startswith("-") and bare.startswith("mod="):
            return bare[4:]
        if arg in ("-mod", "--mod") and i + 1 < len(args):
            return args[i + 1]
    return ""


def literal(value: str) -> bool:
    """Whether a value is written out, not an expression we cannot evaluate."""
    return (
        "${{" not in value and "$(" not in value and "${" not in value and not value.startswith("$")
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


def version_key(version: str) -> tuple[int, int, int]:
    parts = [int(p) for p in version.split(".")[:3] if p.isdigit()]
    while len(parts) < 3:
        parts.append(-1)
    return parts[0], parts[1], parts[2]


def older_than(pin: str, required: str) -> bool:
    """Whether a pinned Go ('1.22' meaning the newest 1.22.x) cannot satisfy `required`."""
    p, r = version_key(pin), version_key(required)
    if p[2] < 0:  # a family pin: its newest patch release satisfies any patch of the family
        return p[:2] < r[:2]
    return p < (r[0], r[1], max(r[2], 0))


# --- variable rules --------------------------------------------------------------------------


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


# --- command rules -----------------------------------------------------------------------------


def check_commands(f: ParsedFile, project: Project) -> Iterator[Finding]:
    for c in f.commands:
        args = go_args(c)
        if args is None:
            continue
        sub = subcommand(args)
        if sub == ("get",) and "-insecure" in args:
            word = next(w for w in c.words if w.text == "-insecure")
            yield finding(
                "GMC-L003",
                f,
                word.span,
                "`go get -insecure` skips HTTPS and checksum checks.",
                [" ".join(c.argv)],
            )
        if sub and sub[0] in _BUILDS and not elsewhere(c):
            mode = mod_flag(args)
            if mode:
                word = next(
                    (w for w in c.words if "mod" in w.text and w.text.startswith("-")), c.words[0]
                )
                yield from _mod_mode(f, project, word.span, mode, " ".join(c.argv))
    local = [s for c in f.commands if not elsewhere(c) for s in c.inline]
    for s in [*f.settings, *local]:
        if s.name == "GOFLAGS":
            mode = mod_flag(s.value.strip("'\"").split())
            if mode:
                yield from _mod_mode(f, project, s.span, mode, f"{s.name}={s.value}")


def _mod_mode(
    f: ParsedFile, project: Project, span: Span, mode: str, evidence: str
) -> Iterator[Finding]:
    if project.vendored and mode in ("mod", "readonly"):
        yield finding(
            "GMC-L011",
            f,
            span,
            f"-mod={mode} makes the build ignore vendor/ in a vendored project.",
            [evidence],
            fix_commands=("go mod vendor",),
        )
    elif mode == "mod" and not project.vendored:
        yield finding(
            "GMC-L007",
            f,
            span,
            "-mod=mod lets this build add requirements and go.sum lines instead of failing.",
            [evidence],
            fix_commands=("go mod tidy", "git diff --exit-code go.mod go.sum"),
        )


def is_diff_check(c: Command) -> bool:
    argv = c.argv
    if argv[:2] == ("git", "diff") and ("--exit-code" in argv or "--quiet" in argv):
        return True
    if argv[:2] == ("git", "status") and any(
        a.startswith(("--porcelain", "-s", "--short")) for a in argv
    ):
        return True
    args = go_args(c)
    if args is not None and subcommand(args) == ("mod", "tidy") and "-diff" in args:
        return True
    return bool(
        argv
        and argv[0].rsplit("/", 1)[-1] == "gomodcheck"
        and len(argv) > 1
        and argv[1] in ("check", "verify")
    )


def _reviewed(c: Command) -> bool:
    """A diff check, or a commit/push: the rewritten go.sum goes to review, not into a build."""
    return is_diff_check(c) or c.argv[:2] in (("git", "commit"), ("git", "push"))


_REVIEW_ACTIONS = (
    "tidy", "verify-changed-files", "git-diff", "gomodcheck", "check-diff",
    "create-pull-request", "git-auto-commit",
)  # fmt: skip


def _diff_action(a: ActionUse) -> bool:
    name = a.uses.lower()
    return any(k in name for k in _REVIEW_ACTIONS)


def elsewhere(c: Command) -> bool:
    """Run after a `cd` to an absolute, home or computed path: a scratch module, not the repo's."""
    return c.cwd.startswith(("/", "~", "$", "`")) or "mktemp" in c.cwd


def check_rewrites(f: ParsedFile) -> Iterator[Finding]:
    """GMC-L008: tidy/get in CI, image builds or release hooks with no diff check after them."""
    if not (f.kind.is_ci or f.kind in (Kind.DOCKERFILE, Kind.GORELEASER)):
        return
    global_off = any(s.name == "GO111MODULE" and s.value.strip("'\"") == "off" for s in f.settings)
    for c in f.commands:
        args = go_args(c)
        if args is None:
            continue
        sub = subcommand(args)
        if c.cwd and c.cwd not in (".", "./"):
            continue  # another directory, often a module generated on the fly (xcaddy): not judged
        if sub == ("mod", "tidy") and "-diff" not in args:
            what = "go mod tidy"
        elif (
            sub == ("get",)
            and not global_off
            and not any(i.name == "GO111MODULE" and i.value == "off" for i in c.inline)
        ):
            if f.kind is Kind.DOCKERFILE and not _module_in_stage(f, c):
                continue  # a tool install before go.mod is in the image: no go.sum to rewrite
            what = "go get"
        else:
            continue
        checked = any(
            _reviewed(d) and d.order >= c.order and d.context == c.context and d is not c
            for d in f.commands
        ) or any(
            _diff_action(a) and a.order > c.order and a.context == c.context for a in f.actions
        )
        if checked:
            continue
        yield finding(
            "GMC-L008",
            f,
            c.span,
            f"`{what}` may rewrite go.mod/go.sum here, and no later step checks the diff.",
            [" ".join(c.argv)],
            fix_commands=("go mod tidy -diff", "git diff --exit-code go.mod go.sum"),
        )


def _module_in_stage(f: ParsedFile, c: Command) -> bool:
    stage = _stage_of(f, c)
    return any(
        cp.order < c.order
        and cp.stage == stage
        and not cp.from_stage
        and any(_names(src, "go.mod") for src in cp.sources)
        for cp in f.copies
    )


def _stage_of(f: ParsedFile, c: Command) -> int:
    # Dockerfile commands carry "stage N" (or "stage N (name)") as their context.
    match = re.match(r"stage (\d+)", c.context)
    return int(match.group(1)) if match else 0


def _names(source: str, name: str) -> bool:
    import fnmatch  # noqa: PLC0415

    src = source.rstrip("/")
    if src in (".", "./", "*", ""):
        return True
    base = src.rsplit("/", 1)[-1]
    return fnmatch.fnmatchcase(name, base)


# --- Dockerfile ----------------------------------------------------------------------------------


def check_docker_copy(f: ParsedFile, project: Project) -> Iterator[Finding]:
    """GMC-L009: COPY go.mod without go.sum, then `go mod download`, in the same stage."""
    if f.kind is not Kind.DOCKERFILE or (project.found and not project.has_gosum):
        return
    reported: set[int] = set()
    for c in f.commands:
        args = go_args(c)
        if args is None or subcommand(args) != ("mod", "download"):
            continue
        before = [cp for cp in f.copies if cp.order <= c.order and not cp.from_stage]
        stage_copies = [cp for cp in before if cp.stage == _stage_of(f, c)]
        gomod = [cp for cp in stage_copies if any(_names(s, "go.mod") for s in cp.sources)]
        gosum = [cp for cp in stage_copies if any(_names(s, "go.sum") for s in cp.sources)]
        if gomod and not gosum and gomod[0].order not in reported:
            reported.add(gomod[0].order)
            yield finding(
                "GMC-L009",
                f,
                gomod[0].span,
                f"go.mod is copied without go.sum before `go mod download` (line {c.span.line}).",
                [" ".join(gomod[0].sources), f"line {c.span.line}: {' '.join(c.argv)}"],
                fix_commands=("COPY go.mod go.sum ./",),
            )


def builds_go_from_context(f: ParsedFile) -> bool:
    """Whether a Dockerfile takes go.mod/go.sum (or the whole context) from the build context."""
    return any(
        not cp.from_stage and any(_names(s, "go.mod") or _names(s, "go.sum") for s in cp.sources)
        for cp in f.copies
    )


def check_ignore(f: ParsedFile, project: Project, docker_builds_go: bool) -> Iterator[Finding]:
    """GMC-L010: go.sum excluded from the image context or from git."""
    if f.kind not in (Kind.DOCKERIGNORE, Kind.GITIGNORE):
        return
    pattern = excluding_pattern(f.ignores, "go.sum", gitignore=f.kind is Kind.GITIGNORE)
    if pattern is None:
        return
    explicit = "sum" in pattern.pattern
    relevant = docker_builds_go if f.kind is Kind.DOCKERIGNORE else project.found
    if explicit or relevant:
        where = "the Docker build context" if f.kind is Kind.DOCKERIGNORE else "git"
        yield finding(
            "GMC-L010",
            f,
            pattern.span,
            f"Pattern {pattern.pattern!r} excludes go.sum from {where}.",
            [pattern.pattern],
            fix_commands=("!go.sum",),
        )


# --- caches ------------------------------------------------------------------------------------

_GO_CACHE_PATH = re.compile(r"go-build|pkg/mod|GOMODCACHE|GOCACHE|\.cache/go|/go/pkg")


def check_caches(f: ParsedFile) -> Iterator[Finding]:
    for a in f.actions:
        uses = a.uses.split("@", 1)[0]
        if uses in ("actions/cache", "actions/cache/restore", "actions/cache/save", "gitlab:cache"):
            path = a.inputs.get("path", ("", a.span))[0]
            key, key_span = a.inputs.get("key", ("", a.span))
            if (
                _GO_CACHE_PATH.search(path)
                and key
                and "go.sum" not in key
                and "*.sum" not in key
                and literal_key(key)
            ):
                yield finding(
                    "GMC-L015",
                    f,
                    key_span,
                    "This Go cache's key does not hash go.sum.",
                    [f"key: {key}", f"path: {path.strip()}"],
                    fix_commands=("key: ${{ runner.os }}-go-${{ hashFiles('**/go.sum') }}",),
                )
        elif uses == "actions/setup-go" and "cache-dependency-path" in a.inputs:
            value, span = a.inputs["cache-dependency-path"]
            if value.strip() and ".sum" not in value and literal(value):
                yield finding(
                    "GMC-L015",
                    f,
                    span,
                    "setup-go's cache-dependency-path leaves out go.sum.",
                    [f"cache-dependency-path: {value.strip()}"],
                    fix_commands=("cache-dependency-path: '**/go.sum'",),
                )


def literal_key(key: str) -> bool:
    # A key built only from an expression we cannot see into (a step output) is not judged.
    stripped = re.sub(r"\$\{\{[^}]*\}\}", "", key).strip("-_ ")
    return bool(stripped) or "hashFiles" in key


# --- toolchains and version pins -----------------------------------------------------------------


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


# --- repository-level --------------------------------------------------------------------------


def is_gate(c: Command) -> bool:
    args = go_args(c)
    if args is not None and subcommand(args) in (("mod", "verify"),):
        return True
    return is_diff_check(c)


def first_go_build(f: ParsedFile) -> Command | None:
    for c in f.commands:
        args = go_args(c)
        if args is not None and subcommand(args)[:1] in (
            ("build",),
            ("test",),
            ("vet",),
            ("install",),
        ):
            return c
    return None


_TASK_RUNNERS = frozenset({"task", "just", "mage", "earthly", "dagger", "bazel", "bazelisk", "nix"})


def _runner(c: Command) -> str:
    """The program a command runs; `go run build/ci.go` style build drivers count as `task`."""
    args = go_args(c)
    if args is not None and subcommand(args) == ("run",):
        target = next((a for a in args[1:] if not a.startswith("-")), "")
        if target.endswith(("build.go", "ci.go", "mage.go", "make.go")):
            return "task"
    return c.argv[0].rsplit("/", 1)[-1]


def check_ci_gate(files: Sequence[ParsedFile], project: Project) -> Iterator[Finding]:
    """GMC-L012 and GMC-L016 for one Go project, given all its files (CI, Makefiles, scripts)."""
    ci_files = [f for f in files if f.kind.is_ci]
    building = [(f, c) for f in ci_files if (c := first_go_build(f)) is not None]
    if not project.found or not building:
        return
    # A gate in a Makefile target or script counts: CI usually reaches it through `make verify`.
    gate_kinds = (Kind.MAKEFILE, Kind.SHELL, *[f.kind for f in ci_files])
    gated = any(is_gate(c) for f in files if f.kind in gate_kinds for c in f.commands) or any(
        "gomodcheck" in a.uses for f in ci_files for a in f.actions
    )
    # A task runner we do not read (or make without a Makefile we found) may hold the gate.
    runners = {_runner(c) for f in ci_files for c in f.commands if c.words}
    has_makefile = any(f.kind is Kind.MAKEFILE for f in files)
    if runners & _TASK_RUNNERS or ("make" in runners and not has_makefile):
        gated = True
    if not gated:
        f, c = building[0]
        yield finding(
            "GMC-L012",
            f,
            c.span,
            "CI builds this Go project but never checks go.mod/go.sum "
            "(no `go mod verify`, `go mod tidy -diff` or `gomodcheck check`).",
            [" ".join(c.argv)],
            fix_commands=("go mod tidy -diff", "go mod verify"),
        )
    if project.has_gowork:
        for f, c in building:
            if not any(s.name == "GOWORK" for s in all_settings(f)):
                yield finding(
                    "GMC-L016",
                    f,
                    c.span,
                    "go.work is committed and CI leaves it on: "
                    "per-module go.sum gaps are hidden by the workspace.",
                    [" ".join(c.argv), "go.work present"],
                    fix_commands=("GOWORK=off go test ./...",),
                )
