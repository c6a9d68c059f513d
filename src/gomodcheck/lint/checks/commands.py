"""Rules on go commands: -mod=mod, vendoring overridden, go.sum rewritten without a check."""

from __future__ import annotations

from collections.abc import Iterator

from gomodcheck.findings import Finding
from gomodcheck.lint.checks.base import (
    BUILD_COMMANDS,
    finding,
    go_args,
    mod_flag,
    subcommand,
)
from gomodcheck.lint.checks.docker import module_in_stage
from gomodcheck.lint.model import ActionUse, Command, Kind, ParsedFile, Span
from gomodcheck.lint.project import Project


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
        if sub and sub[0] in BUILD_COMMANDS and not elsewhere(c):
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
            if f.kind is Kind.DOCKERFILE and not module_in_stage(f, c):
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
