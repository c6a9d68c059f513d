"""`gomodcheck check` in workspace mode against the go command, on real multi-module workspaces.

Each workspace is built from real module zips of the proxy (two unrelated projects side by side,
and a project with its nested modules), then mutated the ways workspaces break: checksums
dropped from go.work.sum or from a module's go.sum (covered by go.work.sum or not), a `use` of a
missing directory or of one without go.mod, the same directory or module twice, go.work's go
line below a module's or above the Go in use, conflicting replace directives (fatal ones and
the lookup-time kind), go.work replacing a workspace module, an `ignore` directive hiding the
directories that import a dependency, an import nothing provides, a malformed go.work.sum.

For each case the go command runs `go list -e -deps -test` with one `./dir/...` pattern per
use directory (GOFLAGS=-mod=readonly, for one GOOS/GOARCH with cgo off), and we compare:
- the verdict: whether the go command fails, against whether we report an error;
- for errors of the workspace rules, that our message is what the go command prints;
- when the go command succeeds, the exact lines it appends to go.work.sum against the lines
  we report missing (CHECK061), hashes included when the module cache knows them.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from gomodcheck.check.gate import CheckOptions, run_check
from gomodcheck.check.workspace import module_summary, read_workspace, workspace_main
from gomodcheck.errors import GomodcheckError
from gomodcheck.findings import Severity
from gomodcheck.gosrc.platform import BuildContext
from gomodcheck.modfile import parse_gomod
from gomodcheck.modgraph.workspace import load_workspace_graph
from tests.oracle.check.harness import GOMODCACHE, fetch_project, go_env, sources_for

pytestmark = pytest.mark.oracle

WORK = GOMODCACHE.parent / "workspace-oracle"
PLATFORMS = [("linux", "amd64"), ("windows", "amd64")]
# The rules whose errors mean "the go command cannot load or build this workspace".
FAILING_RULES = {"CHECK003", "CHECK010", "CHECK020", "CHECK030", "CHECK062", "CHECK063", "CHECK064"}
# Of those, the ones whose message we promise is the go command's.
WORDED_RULES = {"CHECK030", "CHECK062", "CHECK063", "CHECK064"}


@dataclass(frozen=True)
class Spec:
    name: str
    go: str  # go.work's go line
    modules: tuple[tuple[str, str], ...]  # (use directory, module@version to fetch there)
    nested: bool = False  # the first module holds the others (its local replaces fill them in)
    ignore_dep: str = ""  # a dependency whose importing directories the ignore mutation hides


SPECS = [
    Spec(
        "x-net-crypto",
        "1.22",
        (("net", "golang.org/x/net@v0.28.0"), ("crypto", "golang.org/x/crypto@v0.26.0")),
        ignore_dep="golang.org/x/term",
    ),
    Spec(
        "cobra-viper",
        "1.20",
        (("cobra", "github.com/spf13/cobra@v1.8.0"), ("viper", "github.com/spf13/viper@v1.19.0")),
        ignore_dep="github.com/cpuguy83/go-md2man/v2",
    ),
    Spec(
        "otel-nested",
        "1.21",
        (
            (".", "go.opentelemetry.io/otel@v1.28.0"),
            ("trace", "go.opentelemetry.io/otel/trace@v1.28.0"),
            ("metric", "go.opentelemetry.io/otel/metric@v1.28.0"),
        ),
        nested=True,
        ignore_dep="github.com/go-logr/stdr",
    ),
]


def _env(goos: str, goarch: str) -> dict[str, str]:
    env = go_env()
    del env["GOWORK"]  # the go command finds go.work itself, as a CI run would
    env.update(GOFLAGS="-modcacherw -mod=readonly", GOOS=goos, GOARCH=goarch, CGO_ENABLED="0")
    return env


@dataclass
class GoResult:
    failed: bool
    stderr: str
    added: dict[str, str]  # "path version" -> hash, appended to go.work.sum


def _sum_lines(p: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    if p.is_file():
        for line in p.read_text().splitlines():
            f = line.split()
            if len(f) == 3:
                out[f"{f[0]} {f[1]}"] = f[2]
    return out


def run_go(
    ws: Path, patterns: list[str], goos: str, goarch: str, cwd: Path | None = None
) -> GoResult:
    sum_file = ws / "go.work.sum"
    before = sum_file.read_bytes() if sum_file.exists() else None
    old = _sum_lines(sum_file)
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
        cwd=cwd or ws,
        env=_env(goos, goarch),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    new = _sum_lines(sum_file)
    if before is None:
        sum_file.unlink(missing_ok=True)
    else:
        sum_file.write_bytes(before)
    errors = [ln for ln in r.stdout.splitlines() if ln.startswith("ERROR ")]
    added = {k: v for k, v in new.items() if k not in old}
    return GoResult(r.returncode != 0 or bool(errors), r.stderr + "\n".join(errors), added)


@dataclass
class Ours:
    failed: bool
    messages: list[str]
    worded: list[str]
    missing: dict[str, str]  # "path version" -> hash ("" when unknown)
    error: str = ""


def run_ours(
    ws: Path, goos: str, goarch: str, go_version: str, minor: int, cwd: Path | None = None
) -> Ours:
    ctx = BuildContext(goos, goarch, cgo=False, go_minor=minor)
    options = CheckOptions(sources_for(ws), go_version=go_version, gowork="", build=ctx)
    try:
        report = run_check(cwd or ws, options)
    except GomodcheckError as exc:
        return Ours(True, [], [], {}, exc.diagnostics())
    failing = [
        f for f in report.findings if f.rule_id in FAILING_RULES and f.severity == Severity.ERROR
    ]
    missing = {}
    for f in report.findings:
        if f.rule_id == "CHECK061":
            h = str(f.properties["line"]).split()[2]
            missing[f"{f.properties['module']} {f.properties['version']}"] = (
                "" if h == "<hash>" else h
            )
    return Ours(
        bool(failing),
        [f.message for f in failing],
        [f.message for f in failing if f.rule_id in WORDED_RULES],
        missing,
    )


def compare(go: GoResult, ours: Ours) -> str:
    """ "" when we agree with the go command, else how we differ."""
    if go.failed != ours.failed:
        return (
            f"verdict: go {'fails' if go.failed else 'passes'} ({go.stderr.strip()[-400:]}); "
            f"gomodcheck {'fails' if ours.failed else 'passes'} ({ours.messages[:2]} {ours.error[-300:]})"
        )
    if go.failed:
        said = go.stderr.replace("\\", "/")
        for msg in ours.worded:
            first = msg.splitlines()[0].removeprefix("go: ")
            if first not in said:
                return f"wording: the go command did not print {first!r}: {said.strip()[-400:]}"
        return ""
    if set(go.added) != set(ours.missing):
        return (
            f"go.work.sum: go added {sorted(set(go.added) - set(ours.missing))[:6]}, "
            f"we also report {sorted(set(ours.missing) - set(go.added))[:6]}"
        )
    wrong = [k for k, h in ours.missing.items() if h and h != go.added[k]]
    if wrong:
        return f"hashes differ for {wrong[:4]}"
    return ""


@dataclass
class Case:
    """One mutation: it edits the workspace in place; the fixture puts every file back."""

    name: str
    apply: Callable[[Workspace], None]
    cwd: str = ""  # run both tools from this subdirectory instead of the workspace root
    platforms: tuple[tuple[str, str], ...] = (PLATFORMS[0],)


@dataclass
class Workspace:
    spec: Spec
    root: Path
    modules: list[tuple[str, Path]]  # (module path, directory)
    snapshot: dict[Path, bytes | None] = field(default_factory=dict)
    added: list[Path] = field(default_factory=list)
    full_sum: dict[str, str] = field(default_factory=dict)  # what go writes with empty go.sums

    @property
    def patterns(self) -> list[str]:
        return [f"./{d}/..." if d != "." else "./..." for d, _ in self.spec.modules]

    def save(self) -> None:
        files = [self.root / "go.work", self.root / "go.work.sum"]
        for _, d in self.modules:
            files += [d / "go.mod", d / "go.sum"]
        self.snapshot = {f: (f.read_bytes() if f.exists() else None) for f in files}

    def restore(self) -> None:
        for f, data in self.snapshot.items():
            if data is None:
                f.unlink(missing_ok=True)
            else:
                f.write_bytes(data)
        for p in self.added:
            shutil.rmtree(p, ignore_errors=True)
        self.added.clear()

    def write_work_sum(self, lines: dict[str, str]) -> None:
        (self.root / "go.work.sum").write_text(
            "".join(f"{k} {h}\n" for k, h in sorted(lines.items()))
        )

    def edit(self, p: Path, f: Callable[[str], str]) -> None:
        p.write_text(f(p.read_text()))

    def mkdir(self, name: str) -> Path:
        d = self.root / name
        d.mkdir(parents=True, exist_ok=True)
        self.added.append(d)
        return d


def build_workspace(spec: Spec) -> Workspace:
    root = WORK / spec.name
    marker = root / ".gomodcheck-fetched"
    if not marker.exists():
        shutil.rmtree(root, ignore_errors=True)
        if spec.nested:
            fetch_project(spec.modules[0][1], root)  # fills the nested modules it replaces
        else:
            for d, modver in spec.modules:
                fetch_project(modver, root / d)
        uses = "".join(f"\t./{d}\n" if d != "." else "\t.\n" for d, _ in spec.modules)
        (root / "go.work").write_text(f"go {spec.go}\n\nuse (\n{uses})\n")
        marker.write_text(spec.name)
    mods = []
    for d, _ in spec.modules:
        mdir = (root / d).resolve()
        gm = parse_gomod((mdir / "go.mod").read_bytes(), "go.mod")
        assert gm.module is not None
        mods.append((gm.module.path, mdir))
    ws = Workspace(spec, root, mods)
    ws.save()
    return ws


def _drop_lines(p: Path, keys: set[str]) -> None:
    lines = p.read_text().splitlines(keepends=True) if p.exists() else []
    p.write_text("".join(ln for ln in lines if " ".join(ln.split()[:2]) not in keys))


def _importing_dirs(mdir: Path, dep: str) -> list[str]:
    """Directories of a module (relative, nested modules left out) whose .go files import dep."""
    out = set()
    for f in mdir.rglob("*.go"):
        rel = f.parent.relative_to(mdir)
        if any(
            (mdir / Path(*rel.parts[: i + 1]) / "go.mod").exists() for i in range(len(rel.parts))
        ):
            continue
        text = f.read_text(errors="replace")
        if f'"{dep}"' in text or f'"{dep}/' in text:
            out.add(rel.as_posix())
    return sorted(out)


def cases(ws: Workspace, rnd: random.Random, go_version: str) -> list[Case]:
    mods = ws.modules
    out: list[Case] = [Case("base", lambda w: None, platforms=tuple(PLATFORMS))]

    def drop_from_module(k: int) -> Callable[[Workspace], None]:
        def apply(w: Workspace) -> None:
            _, d = mods[rnd.randrange(len(mods))]
            keys = list(_sum_lines(d / "go.sum"))
            _drop_lines(d / "go.sum", set(rnd.sample(keys, min(k, len(keys)))))

        return apply

    out += [Case(f"drop-module-gosum-{i}", drop_from_module(1 + i)) for i in range(3)]

    def empty_modules(w: Workspace) -> None:
        for _, d in mods:
            (d / "go.sum").write_text("")

    out.append(Case("empty-module-gosums", empty_modules, platforms=tuple(PLATFORMS)))

    def worksum_only(drop: int) -> Callable[[Workspace], None]:
        def apply(w: Workspace) -> None:
            empty_modules(w)
            lines = dict(w.full_sum)
            for k in rnd.sample(sorted(lines), min(drop, len(lines))):
                del lines[k]
            w.write_work_sum(lines)

        return apply

    out += [
        Case("all-in-go.work.sum", worksum_only(0)),
        Case("drop-go.work.sum-1", worksum_only(1)),
        Case("drop-go.work.sum-3", worksum_only(3), platforms=tuple(PLATFORMS)),
    ]

    def covered(w: Workspace) -> None:
        w.write_work_sum(w.full_sum)
        for _, d in mods:
            _drop_lines(d / "go.sum", set(w.full_sum))

    out.append(Case("module-gosum-lines-covered-by-go.work.sum", covered))

    def partly_covered(w: Workspace) -> None:
        keys = sorted(w.full_sum)
        half = set(rnd.sample(keys, len(keys) // 2))
        w.write_work_sum({k: w.full_sum[k] for k in half})
        for _, d in mods:
            _drop_lines(d / "go.sum", set(keys))

    out.append(Case("module-gosums-emptied-go.work.sum-half", partly_covered))

    def add_use(text: str) -> Callable[[Workspace], None]:
        return lambda w: w.edit(w.root / "go.work", lambda s: s + text)

    out.append(Case("use-missing-directory", add_use("use ./does-not-exist\n")))

    def use_empty(w: Workspace) -> None:
        w.mkdir("empty-dir")
        add_use("use ./empty-dir\n")(w)

    out.append(Case("use-directory-without-go.mod", use_empty))
    first_dir = ws.spec.modules[0][0]
    out.append(
        Case(
            "use-same-directory-twice",
            add_use(f"use {first_dir}/\n" if first_dir != "." else "use ./\n"),
        )
    )

    def dup_module(w: Workspace) -> None:
        d = w.mkdir("dup-module")
        (d / "go.mod").write_text(f"module {mods[-1][0]}\n\ngo 1.20\n")
        add_use("use ./dup-module\n")(w)

    out.append(Case("same-module-twice", dup_module))

    def set_go(v: str | None) -> Callable[[Workspace], None]:
        def apply(w: Workspace) -> None:
            lines = (w.root / "go.work").read_text().splitlines(keepends=True)
            lines = [ln for ln in lines if not ln.startswith("go ")]
            if v is not None:
                lines.insert(0, f"go {v}\n")
            (w.root / "go.work").write_text("".join(lines))

        return apply

    gos = sorted(
        (parse_gomod((d / "go.mod").read_bytes(), "go.mod").go.version for _, d in mods),  # type: ignore[union-attr]
        key=lambda v: tuple(int(x) for x in v.split(".")),
    )
    major, minor = gos[-1].split(".")[:2]
    out += [
        Case("go.work-go-below-newest-module", set_go(f"{major}.{int(minor) - 1}")),
        Case("go.work-go-line-removed", set_go(None)),
        Case("go.work-go-above-the-go-in-use", set_go(f"1.{int(go_version.split('.')[1]) + 1}")),
        Case("go.work-go-raised", set_go(go_version)),
        Case("go.work-toolchain-line", add_use("toolchain go1.99.1\n")),
    ]

    # A dependency required by two workspace modules, for the replace mutations.
    reqs = []
    for _, d in mods:
        gm = parse_gomod((d / "go.mod").read_bytes(), "go.mod")
        reqs.append({r.path: r.version for r in gm.require})
    shared = sorted(set(reqs[0]) & set(reqs[1]) - {p for p, _ in mods})
    dep = shared[0] if shared else sorted(reqs[0])[0]
    v0 = reqs[0].get(dep) or reqs[1][dep]

    def module_replace(i: int, text: str) -> Callable[[Workspace], None]:
        return lambda w: w.edit(mods[i][1] / "go.mod", lambda s: s + "\n" + text + "\n")

    def both(*fs: Callable[[Workspace], None]) -> Callable[[Workspace], None]:
        def apply(w: Workspace) -> None:
            for f in fs:
                f(w)

        return apply

    def replacement_dir(w: Workspace) -> None:
        d = w.mkdir("replacement-dir")
        (d / "go.mod").write_text(f"module {dep}\n\ngo 1.20\n")

    out += [
        Case(
            "conflicting-replaces-same-version",
            both(
                replacement_dir,
                module_replace(0, f"replace {dep} {v0} => {dep} {v0}"),
                module_replace(1, f"replace {dep} {v0} => ./replacement-dir-x"),
            ),
        ),
        Case(
            "same-replace-in-two-modules",
            both(
                module_replace(0, f"replace {dep} {v0} => {dep} {v0}"),
                module_replace(1, f"replace {dep} {v0} => {dep} {v0}"),
            ),
        ),
        Case(
            "path-wide-then-exact-replace-conflict",
            both(
                replacement_dir,
                module_replace(0, f"replace {dep} => {dep} {v0}"),
                module_replace(1, f"replace {dep} {v0} => ../replacement-dir"),
            ),
        ),
        Case(
            "exact-then-path-wide-replace-the-last-wins",
            both(
                replacement_dir,
                module_replace(0, f"replace {dep} {v0} => {dep} {v0}"),
                module_replace(1, f"replace {dep} => ../replacement-dir"),
            ),
        ),
        Case(
            "conflict-overridden-in-go.work",
            both(
                replacement_dir,
                module_replace(0, f"replace {dep} {v0} => {dep} {v0}"),
                module_replace(1, f"replace {dep} {v0} => ./replacement-dir-x"),
                add_use(f"replace {dep} {v0} => {dep} {v0}\n"),
            ),
        ),
        Case(
            "go.work-replaces-a-workspace-module",
            add_use(f"replace {mods[0][0]} => {mods[0][0]} v0.0.1\n"),
        ),
        Case(
            "go.work-replaces-a-dependency-with-a-directory",
            both(replacement_dir, add_use(f"replace {dep} => ./replacement-dir\n")),
        ),
        Case(
            "go.work-replace-directory-missing",
            add_use(f"replace {dep} => ./no-such-replacement\n"),
        ),
    ]

    def ignore_importers(w: Workspace) -> None:
        dep_path = w.spec.ignore_dep
        for _, d in mods:
            dirs = _importing_dirs(d, dep_path)
            if dirs:
                w.edit(
                    d / "go.mod",
                    lambda s, dirs=dirs: s + "".join(f"\nignore ./{x}\n" for x in dirs),
                )
            _drop_lines(
                d / "go.sum", {k for k in _sum_lines(d / "go.sum") if k.split()[0] == dep_path}
            )

    def drop_dep_only(w: Workspace) -> None:
        for _, d in mods:
            _drop_lines(
                d / "go.sum",
                {k for k in _sum_lines(d / "go.sum") if k.split()[0] == w.spec.ignore_dep},
            )

    out += [
        Case("dependency-sums-dropped", drop_dep_only, platforms=tuple(PLATFORMS)),
        Case(
            "ignore-hides-the-importing-directories", ignore_importers, platforms=tuple(PLATFORMS)
        ),
        Case(
            "ignore-by-name-anywhere",
            lambda w: w.edit(mods[0][1] / "go.mod", lambda s: s + "\nignore internal\n"),
        ),
    ]

    def unresolved_import(w: Workspace) -> None:
        d = mods[0][1] / "zz_gomodcheck_extra"
        d.mkdir()
        w.added.append(d)
        (d / "extra.go").write_text(
            'package extra\n\nimport _ "example.com/nobody/provides/this"\n'
        )

    def malformed(w: Workspace) -> None:
        w.write_work_sum({})
        (w.root / "go.work.sum").write_text("golang.org/x/text v0.3.0\n")

    def outside(w: Workspace) -> None:
        d = w.mkdir("not-in-workspace")
        (d / "go.mod").write_text("module example.com/outside\n\ngo 1.20\n")
        (d / "a.go").write_text("package outside\n")

    out += [
        Case("import-nobody-provides", unresolved_import),
        Case("malformed-go.work.sum", malformed),
        Case("module-outside-the-workspace", outside, cwd="not-in-workspace"),
    ]
    return out


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_check_agrees_with_the_go_command_on_a_real_workspace_and_its_mutations(
    spec: Spec, go_version: tuple[str, int]
) -> None:
    version, minor = go_version
    WORK.mkdir(parents=True, exist_ok=True)
    ws = build_workspace(spec)
    results: list[tuple[str, str, str]] = []
    try:
        # What the go command writes to go.work.sum when no module's go.sum helps.
        for _, d in ws.modules:
            (d / "go.sum").write_text("")
        fill = run_go(ws.root, ws.patterns, *PLATFORMS[0])
        assert not fill.failed, f"the base workspace does not build: {fill.stderr[-2000:]}"
        ws.full_sum = fill.added
        ws.restore()
        rnd = random.Random(spec.name)
        for case in cases(ws, rnd, version):
            for goos, goarch in case.platforms:
                try:
                    case.apply(ws)
                    cwd = ws.root / case.cwd if case.cwd else None
                    patterns = ["."] if case.cwd else ws.patterns
                    go = run_go(ws.root, patterns, goos, goarch, cwd)
                    ours = run_ours(ws.root, goos, goarch, version, minor, cwd)
                    what = (
                        "go fails: " + go.stderr.strip().splitlines()[0][:120]
                        if go.failed and go.stderr.strip()
                        else f"go appends {len(go.added)} lines to go.work.sum"
                    )
                    results.append((f"{case.name} [{goos}/{goarch}]", compare(go, ours), what))
                finally:
                    ws.restore()
    finally:
        ws.restore()
    (WORK / f"{spec.name}.json").write_text(json.dumps(results, indent=1))
    bad = [f"{name}: {why}" for name, why, _ in results if why]
    print(f"\nworkspace oracle {spec.name}: {len(results) - len(bad)} of {len(results)} agree")
    assert not bad, f"{len(bad)} of {len(results)} disagree:\n" + "\n".join(bad)
    assert len(results) >= 30


def test_the_workspace_oracle_compares_checksum_sets_that_are_not_empty(
    go_version: tuple[str, int],
) -> None:
    """Guard against a vacuous oracle: dropping module go.sum lines must make the go command
    append lines to go.work.sum, and we must report the same ones."""
    version, minor = go_version
    ws = build_workspace(SPECS[0])
    try:
        for _, d in ws.modules:
            (d / "go.sum").write_text("")
        go = run_go(ws.root, ws.patterns, *PLATFORMS[0])
        ours = run_ours(ws.root, *PLATFORMS[0], version, minor)
    finally:
        ws.restore()
    assert len(go.added) >= 6
    assert set(go.added) == set(ours.missing)
    assert os.path.exists(ws.root / "go.work")


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_the_workspace_build_list_is_what_go_list_m_all_prints(
    spec: Spec, go_version: tuple[str, int]
) -> None:
    """MVS over every workspace module's requirements, with workspace pruning and replacements,
    against `go list -m all` in workspace mode (also with a go.work replace of a dependency)."""
    ws = build_workspace(spec)
    gm = parse_gomod((ws.modules[0][1] / "go.mod").read_bytes(), "go.mod")
    dep = next(r for r in gm.require if r.path not in {p for p, _ in ws.modules})
    states = {
        "base": "",
        "go.work replace": f"replace {dep.path} {dep.version} => {dep.path} {dep.version}\n",
    }
    try:
        for name, extra in states.items():
            ws.restore()
            ws.edit(ws.root / "go.work", lambda s, extra=extra: s + extra)
            r = subprocess.run(
                [
                    "go",
                    "list",
                    "-m",
                    "-f",
                    "{{.Path}} {{.Version}}{{with .Replace}} => {{.Path}} {{.Version}}{{end}}",
                    "all",
                ],
                cwd=ws.root,
                env=_env(*PLATFORMS[0]),
                capture_output=True,
                text=True,
                check=False,
                timeout=600,
            )
            assert r.returncode == 0, r.stderr
            w = read_workspace(ws.root / "go.work")
            main = workspace_main(w)
            mg = load_workspace_graph(
                main,
                {m.path: module_summary(m) for m in w.modules},
                sources_for(ws.root).summary,
                go_version=w.go_version,
            )
            ours = []
            for m in mg.build_list():
                if m.path in ("go", "toolchain"):
                    continue
                line = f"{m.path} {m.version}"
                rep = main.replacement(m)
                if rep is not None:
                    line += f" => {rep.path} {rep.version}"
                ours.append(line)
            want = [ln.rstrip() for ln in r.stdout.splitlines()]
            got = [ln.rstrip() for ln in ours]
            # go list prints directory replacements relative to the workspace; ours are absolute.
            want = [
                ln.replace(" => ./", f" => {ws.root}/").replace(" => ../", f" => {ws.root.parent}/")
                for ln in want
            ]
            assert sorted(got) == sorted(want), f"{name}: {sorted(set(got) ^ set(want))[:10]}"
            assert len(got) > 5
    finally:
        ws.restore()


def test_every_tag_at_once_covers_what_each_platform_needs(go_version: tuple[str, int]) -> None:
    """The default check scans with every build tag (as `go mod tidy` does), so the lines it asks
    for include those a build on linux, windows or darwin appends to go.work.sum."""
    version, _minor = go_version
    ws = build_workspace(SPECS[1])
    try:
        for _, d in ws.modules:
            (d / "go.sum").write_text("")
        union: dict[str, str] = {}
        for goos, goarch in [*PLATFORMS, ("darwin", "arm64")]:
            go = run_go(ws.root, ws.patterns, goos, goarch)
            assert not go.failed, go.stderr
            union.update(go.added)
        report = run_check(
            ws.root, CheckOptions(sources_for(ws.root), go_version=version, gowork="")
        )
    finally:
        ws.restore()
    ours = {
        f"{f.properties['module']} {f.properties['version']}"
        for f in report.findings
        if f.rule_id == "CHECK061"
    }
    assert set(union) <= ours, sorted(set(union) - ours)[:10]
    assert len(ours) < len(union) * 2  # a superset, not everything in the build list
