"""`gomodcheck check` on vendored workspaces (`go work vendor`) against the go command.

Each workspace is built from real module zips of the proxy and vendored by the real
`go work vendor`: golang.org/x/net + golang.org/x/crypto with a go.work directory replacement of
golang.org/x/text (so modules.txt holds `# path => dir` lines), and go.opentelemetry.io/otel with
its nested trace and metric modules (their go.mod files replace each other with directories). Then
it is mutated the ways vendored workspaces break, or look broken and are not: a requirement edited,
added or dropped in a use'd module's go.mod; modules.txt lines dropped (`## explicit`, a module
line, a package line, the `## workspace` line) or changed (a `# path => dir` line); a replace
added to go.work or to a module; a vendored package directory or modules.txt deleted; the go.work
go line removed or raised to 1.23 (where unlisted vendored packages stop counting); and GOFLAGS
-mod=vendor, -mod=readonly, -mod=mod.

For each case the go command runs `go list -e -deps -test` with one `./dir/...` pattern per use
directory (linux/amd64, cgo off) and we compare:
- the verdict: whether the go command fails, against whether we report an error;
- every sub-line of "go: inconsistent vendoring in DIR:" (and the header), in order;
- the set of packages it cannot find under -mod=vendor, and its message for them;
- its message when it refuses the flags (-mod=mod in workspace mode).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from gomodcheck.check.gate import CheckOptions, run_check
from gomodcheck.errors import GomodcheckError
from gomodcheck.findings import Severity
from gomodcheck.goenv import mod_flag
from gomodcheck.gosrc.platform import BuildContext
from gomodcheck.vendor import parse_modules_txt
from tests.oracle.check.harness import GOMODCACHE, fetch_project, go_env, sources_for

pytestmark = pytest.mark.oracle

WORK = GOMODCACHE.parent / "workspace-vendor-oracle"
# The rules whose errors mean "the go command cannot load or build this workspace".
FAILING_RULES = {
    "CHECK003",
    "CHECK010",
    "CHECK020",
    "CHECK030",
    "CHECK041",
    "CHECK062",
    "CHECK063",
    "CHECK064",
}
_MISSING = re.compile(
    r"cannot find module providing package (\S+): import lookup disabled by -mod=vendor"
    r"(?:\n\t\([^)\n]*\))?"
)


@dataclass(frozen=True)
class Spec:
    name: str
    go: str  # go.work's go line
    modules: tuple[tuple[str, str], ...]  # (use directory, module@version fetched there)
    nested: bool = False  # the first module holds the others (its local replaces fill them in)
    # (directory, module@version): fetched and replaced in go.work by that directory
    replace_dirs: tuple[tuple[str, str], ...] = ()


SPECS = [
    Spec(
        "net-crypto-text",
        "1.22",
        (("net", "golang.org/x/net@v0.28.0"), ("crypto", "golang.org/x/crypto@v0.26.0")),
        replace_dirs=(("text", "golang.org/x/text@v0.17.0"),),
    ),
    Spec(
        "otel-nested",
        "1.22",
        (
            (".", "go.opentelemetry.io/otel@v1.28.0"),
            ("trace", "go.opentelemetry.io/otel/trace@v1.28.0"),
            ("metric", "go.opentelemetry.io/otel/metric@v1.28.0"),
        ),
        nested=True,
    ),
]


def _env(goflags: str = "") -> dict[str, str]:
    env = go_env()
    del env["GOWORK"]  # the go command finds go.work itself, as a CI run would
    env.update(
        GOFLAGS=f"-modcacherw {goflags}".strip(), GOOS="linux", GOARCH="amd64", CGO_ENABLED="0"
    )
    return env


def build_pristine(spec: Spec) -> Path:
    """The fetched workspace, vendored by `go work vendor` (kept between runs)."""
    root = WORK / spec.name / "pristine"
    marker = WORK / spec.name / ".gomodcheck-vendored"
    if marker.exists() and root.is_dir():
        return root
    shutil.rmtree(root, ignore_errors=True)
    marker.unlink(missing_ok=True)
    if spec.nested:
        fetch_project(spec.modules[0][1], root)  # fills the nested modules it replaces
    else:
        for d, modver in spec.modules:
            fetch_project(modver, root / d)
    for d, modver in spec.replace_dirs:
        fetch_project(modver, root / d)
    uses = "".join(f"\t./{d}\n" if d != "." else "\t.\n" for d, _ in spec.modules)
    replaces = "".join(
        f"replace {modver.split('@')[0]} => ./{d}\n" for d, modver in spec.replace_dirs
    )
    text = f"go {spec.go}\n\nuse (\n{uses})\n"
    (root / "go.work").write_text(text + (f"\n{replaces}" if replaces else ""))
    # Run from a use directory, check also reports that module as `go mod tidy` sees it, which
    # reads the module cache (fail closed); `go work vendor` fetches only what it vendors.
    for d, _ in spec.modules:
        subprocess.run(
            [shutil.which("go") or "go", "mod", "tidy", "-diff"],
            cwd=root / d,
            env=go_env(),
            capture_output=True,
            timeout=900,
            check=False,
        )
    r = subprocess.run(
        [shutil.which("go") or "go", "work", "vendor"],
        cwd=root,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert r.returncode == 0, f"go work vendor failed: {r.stderr[-2000:]}"
    assert (root / "vendor" / "modules.txt").read_text().startswith("## workspace\n")
    marker.write_text(spec.name)
    return root


@dataclass
class VWorkspace:
    spec: Spec
    root: Path

    @property
    def txt(self) -> Path:
        return self.root / "vendor" / "modules.txt"

    def module_dir(self, i: int) -> Path:
        d = self.spec.modules[i][0]
        return self.root if d == "." else self.root / d

    def edit(self, p: Path, f: Callable[[str], str]) -> None:
        before = p.read_text()
        after = f(before)
        assert after != before, f"mutation left {p} unchanged"
        p.write_text(after)

    def lines(self) -> list[str]:
        return self.txt.read_text().splitlines(keepends=True)

    def write_lines(self, lines: list[str]) -> None:
        self.txt.write_text("".join(lines))

    def package_modules(self) -> list[tuple[str, str]]:
        """(path, version) of the vendored modules that provide packages, in file order."""
        vendor = parse_modules_txt(self.txt.read_bytes())
        return [(m.path, m.version) for m in vendor.build_list]


@dataclass
class Case:
    name: str
    apply: Callable[[VWorkspace], None]
    goflags: str = ""
    cwd: str = ""  # a use directory to run both tools in, instead of the workspace root


@dataclass
class GoResult:
    failed: bool
    output: str


def run_go(ws: VWorkspace, cwd: Path, goflags: str) -> GoResult:
    patterns = []
    for d, _ in ws.spec.modules:
        rel = os.path.relpath(ws.root / d, cwd)
        if rel == ".":
            patterns.append("./...")
        else:
            patterns.append(f"{rel}/..." if rel.startswith("..") else f"./{rel}/...")
    r = subprocess.run(
        [
            shutil.which("go") or "go",
            "list",
            "-e",
            "-deps",
            "-test",
            "-f",
            "{{if .Error}}ERROR {{.ImportPath}}: {{.Error}}{{end}}",
            *patterns,
        ],
        cwd=cwd,
        env=_env(goflags),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    errors = [ln for ln in r.stdout.split("\nERROR ") if ln.strip()]
    failed = r.returncode != 0 or "ERROR " in r.stdout
    return GoResult(failed, r.stderr + ("\nERROR " + "\nERROR ".join(errors) if errors else ""))


@dataclass
class Ours:
    failed: bool
    messages: list[str] = field(default_factory=list)
    missing: set[str] = field(default_factory=set)
    error: str = ""


def run_ours(cwd: Path, goflags: str, version: str, minor: int) -> Ours:
    ctx = BuildContext("linux", "amd64", cgo=False, go_minor=minor)
    options = CheckOptions(
        sources_for(cwd), go_version=version, gowork="", build=ctx, mod_flag=mod_flag(goflags)
    )
    try:
        report = run_check(cwd, options)
    except GomodcheckError as exc:
        return Ours(True, error=exc.diagnostics())
    failing = [
        f for f in report.findings if f.rule_id in FAILING_RULES and f.severity == Severity.ERROR
    ]
    missing = {
        str(f.properties["package"])
        for f in failing
        if f.rule_id == "CHECK041" and "package" in f.properties
    }
    return Ours(bool(failing), [f.message for f in failing], missing)


def _vendoring_lines(text: str) -> tuple[str, list[str]]:
    """The header and sub-lines of the first "inconsistent vendoring" error in text."""
    lines = text.splitlines()
    for i, ln in enumerate(lines):
        if ln.startswith("go: inconsistent vendoring in "):
            subs = []
            for sub in lines[i + 1 :]:
                if not sub.startswith("\t") or not sub.strip():
                    break
                subs.append(sub[1:])
            return ln, subs
    return "", []


def compare(go: GoResult, ours: Ours) -> str:
    """ "" when we agree with the go command, else how we differ."""
    if go.failed != ours.failed:
        return (
            f"verdict: go {'fails' if go.failed else 'passes'} ({go.output.strip()[-400:]}); "
            f"gomodcheck {'fails' if ours.failed else 'passes'} "
            f"({ours.messages[:2]} {ours.error[-300:]})"
        )
    go_header, go_lines = _vendoring_lines(go.output)
    ours_vendoring = [m for m in ours.messages if m.startswith("go: inconsistent vendoring in ")]
    our_header = ours_vendoring[0].split("\n")[0] if ours_vendoring else ""
    our_lines = [m.split("\n\t", 1)[1] for m in ours_vendoring]
    if (go_header, go_lines) != (our_header, our_lines):
        return f"inconsistent vendoring: go {go_header!r} {go_lines}; gomodcheck {our_header!r} {our_lines}"
    go_missing = {m.group(1): m.group(0) for m in _MISSING.finditer(go.output)}
    if set(go_missing) != ours.missing:
        return f"missing packages: go {sorted(go_missing)}; gomodcheck {sorted(ours.missing)}"
    for pkg, said in go_missing.items():
        if not any(said in m for m in ours.messages):
            return f"wording for {pkg}: the go command said {said!r}; we said {ours.messages}"
    if "-mod may only be set" in go.output:
        first = go.output.strip().splitlines()[0]
        if not ours.messages or ours.messages[0].splitlines()[0] != first:
            return f"wording: go said {first!r}; we said {ours.messages[:1]}"
    return ""


# Mutations. Each edits the fresh copy of the vendored workspace it is given.


def _bump_require(w: VWorkspace) -> None:
    """A requirement of a use'd module moved to another version (vendor/ not regenerated).

    The last module is edited: run in a module directory (otel's is the workspace root), check
    also analyzes that module as `go mod tidy` does, which fails closed on a version the module
    cache lacks."""
    vendored = {p for p, _ in w.package_modules()}

    def f(s: str) -> str:
        for ln in s.splitlines(keepends=True):
            fields = ln.split()
            if len(fields) >= 2 and fields[0] in vendored and fields[1].startswith("v"):
                bumped = ln.replace(fields[1], "v0.0.0-20000101000000-abcdefabcdef", 1)
                return s.replace(ln, bumped, 1)
        raise AssertionError("no vendored requirement in go.mod")

    w.edit(w.module_dir(len(w.spec.modules) - 1) / "go.mod", f)


def _add_require(w: VWorkspace) -> None:
    w.edit(
        w.module_dir(len(w.spec.modules) - 1) / "go.mod",
        lambda s: s + "\nrequire example.com/not/vendored v1.0.0\n",
    )


def _drop_requires_of(path: str) -> Callable[[VWorkspace], None]:
    def apply(w: VWorkspace) -> None:
        for i in range(len(w.spec.modules)):
            p = w.module_dir(i) / "go.mod"
            lines = p.read_text().splitlines(keepends=True)
            kept = [ln for ln in lines if not re.match(rf"^(require )?\s*{re.escape(path)} v", ln)]
            p.write_text("".join(kept))

    return apply


def _drop_explicit(w: VWorkspace) -> None:
    path, version = w.package_modules()[0]
    lines = w.lines()
    i = lines.index(f"# {path} {version}\n") + 1
    assert lines[i].startswith("## explicit")
    rest = re.sub(r"^## explicit;? ?", "## ", lines[i])
    lines[i] = "" if rest.strip() == "##" else rest
    w.write_lines(lines)


def _drop_module_line(w: VWorkspace) -> None:
    path, version = w.package_modules()[-1]
    lines = w.lines()
    lines.remove(next(ln for ln in lines if ln.startswith(f"# {path} {version}")))
    w.write_lines(lines)


def _drop_workspace_line(w: VWorkspace) -> None:
    lines = w.lines()
    assert lines[0] == "## workspace\n"
    w.write_lines(lines[1:])


def _workspace_line_second(w: VWorkspace) -> None:
    lines = w.lines()
    w.write_lines([lines[1], lines[0], *lines[2:]])


def _gowork_replace(w: VWorkspace) -> None:
    path, version = w.package_modules()[0]
    w.edit(w.root / "go.work", lambda s: s + f"\nreplace {path} {version} => {path} {version}\n")


def _module_replace(which: int) -> Callable[[VWorkspace], None]:
    """The last use'd module replaces a vendored module at its version (with itself)."""

    def apply(w: VWorkspace) -> None:
        path, version = w.package_modules()[which]
        w.edit(
            w.module_dir(len(w.spec.modules) - 1) / "go.mod",
            lambda s: s + f"\nreplace {path} {version} => {path} {version}\n",
        )

    return apply


def _first_imported_package(w: VWorkspace) -> str:
    """A vendored package a linux build imports: the first one `go list -deps` names."""
    r = subprocess.run(
        ["go", "list", "-deps", "-test", "-f", "{{if .Module}}{{.ImportPath}}{{end}}", "./..."],
        cwd=w.module_dir(0),
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    listed = {ln.strip() for ln in w.lines() if ln[:1] not in "#" and ln.strip()}
    return next(p for p in r.stdout.split() if p in listed)


def _delete_package_dir(w: VWorkspace) -> None:
    pkg = _first_imported_package(w)
    d = w.root / "vendor" / pkg
    for f in d.glob("*.go"):
        f.unlink()


def _drop_package_line(w: VWorkspace) -> None:
    pkg = _first_imported_package(w)
    lines = w.lines()
    lines.remove(f"{pkg}\n")
    w.write_lines(lines)


def _set_work_go(v: str | None) -> Callable[[VWorkspace], None]:
    def apply(w: VWorkspace) -> None:
        lines = (w.root / "go.work").read_text().splitlines(keepends=True)
        lines = [ln for ln in lines if not ln.startswith("go ")]
        if v is not None:
            lines.insert(0, f"go {v}\n")
        (w.root / "go.work").write_text("".join(lines))

    return apply


def _both(*fs: Callable[[VWorkspace], None]) -> Callable[[VWorkspace], None]:
    def apply(w: VWorkspace) -> None:
        for f in fs:
            f(w)

    return apply


def _delete_modules_txt(w: VWorkspace) -> None:
    w.txt.unlink()


def _bogus_replaced_line(w: VWorkspace) -> None:
    w.txt.write_text(w.txt.read_text() + "# example.com/old v1.0.0 => example.com/new v1.0.0\n")


def _bogus_explicit_module(w: VWorkspace) -> None:
    w.txt.write_text(
        w.txt.read_text() + "# example.com/extra v1.0.0\n## explicit; go 1.20\nexample.com/extra\n"
    )


def _sed_txt(old: str, new: str) -> Callable[[VWorkspace], None]:
    return lambda w: w.edit(w.txt, lambda s: s.replace(old, new, 1))


def cases(spec: Spec) -> list[Case]:
    other = spec.modules[0][0] if spec.modules[0][0] != "." else spec.modules[1][0]
    out = [
        Case("base", lambda w: None),
        Case("require-edited-in-a-module", _bump_require),
        Case("require-added-in-a-module", _add_require),
        Case("explicit-annotation-dropped", _drop_explicit),
        Case("module-line-dropped", _drop_module_line),
        Case("workspace-line-dropped", _drop_workspace_line),
        Case("workspace-line-dropped-with-mod-vendor", _drop_workspace_line, "-mod=vendor"),
        Case("workspace-line-not-first", _workspace_line_second),
        Case("replace-added-to-go.work", _gowork_replace),
        Case("replace-added-to-a-module", _module_replace(0)),
        Case("replace-added-to-a-module-run-in-another", _module_replace(0), cwd=other),
        Case("vendored-package-dir-emptied", _delete_package_dir),
        Case("package-line-dropped-go-1.22", _drop_package_line),
        Case("package-line-dropped-go-1.23", _both(_drop_package_line, _set_work_go("1.23"))),
        Case("modules.txt-deleted", _delete_modules_txt),
        Case("modules.txt-deleted-with-mod-vendor", _delete_modules_txt, "-mod=vendor"),
        Case("mod-mod-in-workspace-mode", lambda w: None, "-mod=mod"),
        Case("mod-readonly-ignores-vendor", _drop_explicit, "-mod=readonly"),
        Case("mod-vendor-given-explicitly", _drop_explicit, "-mod=vendor"),
        Case("go.work-go-line-removed", _both(_drop_explicit, _set_work_go(None))),
        Case("replaced-line-for-nothing", _bogus_replaced_line),
        Case("explicit-module-nothing-requires", _bogus_explicit_module),
        Case("last-flag-wins", _drop_explicit, "-mod=vendor -mod=readonly"),
    ]
    if spec.replace_dirs:
        d, modver = spec.replace_dirs[0]
        path, version = modver.split("@")
        out += [
            Case("path-dir-line-changed", _sed_txt(f"# {path} => ./{d}\n", f"# {path} => ./x\n")),
            Case(
                "versioned-dir-line-changed",
                _sed_txt(f"# {path} {version} => ./{d}\n", f"# {path} {version} => ./x\n"),
            ),
            Case(
                "path-dir-line-loses-its-replacement",
                _sed_txt(f"# {path} => ./{d}\n", f"# {path}\n"),
            ),
            Case(
                "replace-dropped-from-go.work",
                lambda w: w.edit(w.root / "go.work", lambda s: re.sub(r"(?m)^replace .*\n", "", s)),
            ),
            Case("requirements-dropped-everywhere", _drop_requires_of("golang.org/x/term")),
            Case("module-replace-under-a-go.work-replace", _module_replace(-1)),
        ]
    if spec.nested:
        out += [
            Case(
                "nested-dir-line-changed",
                _sed_txt(
                    "# go.opentelemetry.io/otel/metric v1.28.0 => ./metric\n",
                    "# go.opentelemetry.io/otel/metric v1.28.0 => ../metric\n",
                ),
            ),
            Case(
                "nested-replace-made-exact",
                lambda w: w.edit(
                    w.module_dir(1) / "go.mod",
                    lambda s: s.replace(
                        "replace go.opentelemetry.io/otel/metric => ../metric",
                        "replace go.opentelemetry.io/otel/metric v1.28.0 => ../metric",
                    ),
                ),
            ),
            Case("requirements-dropped-everywhere", _drop_requires_of("github.com/go-logr/stdr")),
        ]
    return out


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_check_agrees_with_the_go_command_on_a_vendored_workspace_and_its_mutations(
    spec: Spec, go_version: tuple[str, int]
) -> None:
    version, minor = go_version
    WORK.mkdir(parents=True, exist_ok=True)
    pristine = build_pristine(spec)
    root = WORK / spec.name / "ws"
    results: list[tuple[str, str, str]] = []
    for case in cases(spec):
        shutil.rmtree(root, ignore_errors=True)
        shutil.copytree(pristine, root, symlinks=True)
        w = VWorkspace(spec, root)
        case.apply(w)
        cwd = root / case.cwd if case.cwd and case.cwd != "." else root
        go = run_go(w, cwd, case.goflags)
        ours = run_ours(cwd, case.goflags, version, minor)
        what = "go fails: " + go.output.strip()[:160] if go.failed else "go passes"
        results.append((case.name, compare(go, ours), what))
    shutil.rmtree(root, ignore_errors=True)
    (WORK / f"{spec.name}.json").write_text(json.dumps(results, indent=1))
    bad = [f"{name}: {why}" for name, why, _ in results if why]
    fails = sum(1 for _, _, what in results if what.startswith("go fails"))
    print(
        f"\nworkspace vendoring oracle {spec.name}: {len(results) - len(bad)} of {len(results)} "
        f"agree (the go command fails on {fails})"
    )
    assert not bad, f"{len(bad)} of {len(results)} disagree:\n" + "\n".join(bad)
    # Neither verdict may dominate, or the comparison proves little.
    assert len(results) >= 20
    assert len(results) // 3 <= fails <= len(results) - 5
