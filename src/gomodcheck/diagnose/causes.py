"""Decides the cause of a recognised failure and the commands that fix it.

Pure: a `Failure` and a `Context` in, a `Diagnosis` out. Each family has one function; the
evidence that decides between causes is listed in `checks`, so a user sees why we concluded it.
Nothing here ever proposes switching verification off.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from gomodcheck.diagnose.context import Context
from gomodcheck.diagnose.families import Failure, Family

HIGH, MEDIUM, LOW = "high", "medium", "low"
# Hosting sites where the first path element after the host is an owner (user, org, group).
_HOSTING = (
    "github.com",
    "gitlab.com",
    "bitbucket.org",
    "codeberg.org",
    "gitea.com",
    "dev.azure.com",
)
_PUBLIC_HOSTS = (
    "golang.org",
    "google.golang.org",
    "gopkg.in",
    "go.uber.org",
    "k8s.io",
    "sigs.k8s.io",
    "cloud.google.com",
    "go.opentelemetry.io",
    "go.etcd.io",
    "honnef.co",
    "go.opencensus.io",
    "gotest.tools",
    "mvdan.cc",
    "rsc.io",
    "go.mongodb.org",
    "gorm.io",
    "modernc.org",
)

NO_SUMDB_OFF = (
    "Do not set GOSUMDB=off or GONOSUMDB=*: that removes the check that caught this "
    "and would accept a tampered or retagged module silently."
)
NO_DELETE_GOSUM = (
    "Do not delete go.sum and regenerate it: that re-trusts every module on first "
    "sight and erases the evidence of what changed."
)
NO_MOD_MOD = (
    "Do not add GOFLAGS=-mod=mod to get past -mod=readonly: CI would then rewrite go.mod/"
    "go.sum itself and never catch an uncommitted change."
)
NO_INSECURE = (
    "Do not use GOINSECURE, GOFLAGS=-insecure or GOSUMDB=off to get past a TLS error: "
    "that invites exactly the interception the check protects against."
)
NO_CLEAN_DEFAULT = (
    "Do not reach for `go clean -modcache` first: when go.sum holds the old hash a "
    "fresh download fails the same way."
)


@dataclass(frozen=True)
class Diagnosis:
    cause: str
    confidence: str
    summary: str
    explanation: str
    fix_commands: tuple[str, ...] = ()
    do_not: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    security: bool = False


def private_glob(module: str) -> str:
    """The narrowest GOPRIVATE pattern that covers a module's owner (hosting site) or host."""
    parts = module.split("/")
    if parts[0] in _HOSTING and len(parts) >= 2:
        return "/".join(parts[:2])
    return parts[0]


def _covered(globs: str, module: str) -> bool:
    if not globs or not module:
        return False
    try:
        from gomodcheck.module import match_prefix_patterns  # noqa: PLC0415
    except ImportError:  # pragma: no cover - degrade to a plain prefix test
        return any(
            module == g or module.startswith(g.rstrip("/*") + "/") for g in globs.split(",") if g
        )
    try:
        return bool(match_prefix_patterns(globs, module))
    except ValueError:
        return False


def _mv(failure: Failure) -> str:
    return f"{failure.module}@{failure.version}" if failure.module else "the module"


def _sed_drop(module: str, version: str, label: str) -> str:
    pattern = re.escape(f"{module} {version}").replace("/", r"\/")
    target = label if label.endswith(("go.sum", "go.work.sum")) else "go.sum"
    return f"sed -i.bak '/^{pattern}[ /]/d' {target}"


def _gosum_mismatch(f: Failure, ctx: Context) -> Diagnosis:
    mod, ver = f.module, f.version
    gomod = bool(f.fields.get("gomod"))
    key_ver = f"{ver}/go.mod" if gomod else ver
    downloaded, recorded = f.fields.get("downloaded", ""), f.fields.get("recorded", "")
    label = f.fields.get("label") or "go.sum"
    checks: list[str] = []
    record = ctx.sumdb.get(f"{mod}@{ver}")
    db_hash = (record.gomod_hash if gomod else record.zip_hash) if record else ""
    common = (NO_DELETE_GOSUM, NO_SUMDB_OFF)
    if db_hash:
        checks.append(f"{record.source if record else ''}: {mod} {key_ver} {db_hash}")
    if ctx.repo is not None and ctx.repo.gosum_conflict_lines:
        checks.append(
            f"{ctx.repo.root}/go.sum has merge-conflict markers at lines "
            + ", ".join(map(str, ctx.repo.gosum_conflict_lines[:5]))
        )
    if ctx.repo is not None:
        hashes = ctx.repo.gosum.get((mod, key_ver), ())
        if len(set(hashes)) > 1:
            checks.append(f"go.sum records {len(set(hashes))} different hashes for {mod} {key_ver}")
    fix_gosum = (
        _sed_drop(mod, ver, label),
        f"go mod download {mod}",
        "go mod tidy",
        "git diff go.sum   # review: only the lines of this module should change",
    )
    if db_hash and db_hash == downloaded and db_hash != recorded:
        return Diagnosis(
            "gosum-wrong",
            HIGH,
            f"{label} records a wrong hash for {mod} {key_ver}; the download matches the checksum "
            "database",
            f"The checksum database and the download agree on {downloaded}; {label} holds "
            f"{recorded}. "
            "go.sum was edited by hand, merged badly or written by a tool that fetched the module "
            "directly (a bot with GOPRIVATE=*). Replace the module's lines with verified ones.",
            fix_gosum,
            common,
            tuple(checks),
        )
    if db_hash and db_hash == recorded:
        return Diagnosis(
            "download-wrong",
            HIGH,
            f"The download of {mod} {key_ver} differs from go.sum and the checksum database",
            f"go.sum and the checksum database agree on {recorded}; the bits downloaded here hash "
            "to "
            f"{downloaded}. They came from a corrupt module cache, a mirror or the module's VCS "
            "after "
            "an upstream retag. Fetch from the public proxy into a fresh cache.",
            (
                "go env -u GOPROXY   # public modules through proxy.golang.org",
                "GOMODCACHE=$(mktemp -d) GOPROXY=https://proxy.golang.org go mod download -json "
                f"{mod}@{ver}",
                "go clean -modcache && go mod download",
            ),
            (NO_DELETE_GOSUM, NO_SUMDB_OFF, f"Do not copy {downloaded} into go.sum."),
            tuple(checks),
        )
    if db_hash:
        return Diagnosis(
            "security-event",
            HIGH,
            f"Three different hashes for {mod} {key_ver}: go.sum, the download and the checksum "
            "database",
            "Neither go.sum nor the download matches the checksum database. Treat this as a "
            "security incident: find who changed go.sum and where the download came from before "
            "building again.",
            (
                f"git log -p -- {label}",
                "GOMODCACHE=$(mktemp -d) GOPROXY=https://proxy.golang.org go mod download -json "
                f"{mod}@{ver}",
            ),
            (*common, "Do not accept either hash until the source of each is known."),
            tuple(checks),
            True,
        )
    if ctx.repo is not None and (
        ctx.repo.gosum_conflict_lines or any("different hashes" in c for c in checks)
    ):
        return Diagnosis(
            "gosum-wrong",
            MEDIUM,
            f"{label} holds a bad entry for {mod} {key_ver} (bad merge)",
            "go.sum has merge-conflict markers or two hashes for the same module version: a merge "
            "kept the wrong side. Keep the union of both sides' other lines and re-derive this "
            "module's.",
            fix_gosum,
            common,
            tuple(checks),
        )
    direct = _direct_source(f, ctx)
    if direct:
        checks.append(direct)
        return Diagnosis(
            "upstream-retag",
            MEDIUM,
            f"{mod} {key_ver} was fetched from its VCS or a mirror and differs from go.sum",
            f"{direct}. The version's tag was most likely moved upstream after go.sum was written; "
            "proxy.golang.org and the checksum database keep the first bits ever published. "
            f"Confirm: `curl -s https://sum.golang.org/lookup/{mod}@{ver}`.",
            (
                "go env -u GOPROXY   # fetch public modules through proxy.golang.org",
                f"go get {mod}@<newer version> && go mod tidy   # once upstream publishes a new "
                "tag",
                f"go mod edit -replace={mod}@{ver}={mod}@<commit>   # temporary pin; remove when "
                "fixed",
            ),
            (*common, NO_CLEAN_DEFAULT),
            tuple(checks),
        )
    return Diagnosis(
        "unconfirmed",
        LOW,
        f"{label} and the download disagree about {mod} {key_ver}",
        f"Either {label} is wrong (hand edit, bad merge, bot), the download is wrong (corrupt "
        "cache, mirror, upstream retag) or both (security event). The checksum database decides: "
        f"rerun with --online, or `curl -s https://sum.golang.org/lookup/{mod}@{ver}` and compare "
        f"with downloaded {downloaded} and recorded {recorded}.",
        (
            "gomodcheck diagnose --online LOG   # or: curl -s "
            f"https://sum.golang.org/lookup/{mod}@{ver}",
        ),
        (*common, NO_CLEAN_DEFAULT),
        tuple(checks),
    )


def _direct_source(f: Failure, ctx: Context) -> str:
    """Why the download probably came from somewhere other than proxy.golang.org, or ''."""
    proxy = ctx.value("GOPROXY")
    for var in ("GOPRIVATE", "GONOPROXY"):
        globs = ctx.value(var)
        if _covered(globs, f.module):
            seen = ctx.setting(var)
            where = f" ({seen.where})" if seen else ""
            return (
                f"{var}={globs}{where} makes the go command fetch {f.module} directly from its VCS"
            )
    if proxy and proxy.split(",")[0].split("|")[0] == "direct":
        return "GOPROXY=direct: the module came straight from its VCS"
    if proxy and "proxy.golang.org" not in proxy.split(",")[0] and proxy != "off":
        return f"GOPROXY={proxy}: the module came from a mirror other than proxy.golang.org"
    flags = ctx.value("GOFLAGS")
    if "-insecure" in flags:
        return "GOFLAGS=-insecure: the module was fetched without the usual checks"
    return ""


def _sumdb_mismatch(f: Failure, ctx: Context) -> Diagnosis:
    mod, ver = f.module, f.version
    gomod = bool(f.fields.get("gomod"))
    downloaded, claimed = f.fields.get("downloaded", ""), f.fields.get("recorded", "")
    db = f.fields.get("label") or "sum.golang.org"
    checks: list[str] = []
    record = ctx.sumdb.get(f"{mod}@{ver}")
    db_hash = (record.gomod_hash if gomod else record.zip_hash) if record else ""
    proxy_hash = "" if gomod else ctx.proxy_hash.get(f"{mod}@{ver}", "")
    if db_hash:
        checks.append(f"{record.source if record else ''}: {db_hash}")
    if proxy_hash:
        checks.append(f"proxy.golang.org serves a zip hashing to {proxy_hash}")
    common = (NO_SUMDB_OFF, f"Do not put {downloaded} into go.sum: it is the unverified hash.")
    if db_hash and claimed and db_hash != claimed:
        return Diagnosis(
            "security-event",
            HIGH,
            f"The checksum database answer in the log for {mod}@{ver} is not the real one",
            f"The log shows {db}: {claimed} but the verified database says {db_hash}: the GOSUMDB "
            "or "
            "the proxy that forwards it is lying or misconfigured. Stop and investigate.",
            ("go env GOSUMDB GOPROXY", "go env -u GOSUMDB"),
            common,
            tuple(checks),
            True,
        )
    direct = _direct_source(f, ctx)
    if direct or (proxy_hash and proxy_hash == claimed):
        checks.append(direct or "the public proxy serves the bits the database recorded")
        return Diagnosis(
            "upstream-retag",
            HIGH if proxy_hash else MEDIUM,
            f"{mod}@{ver} was fetched from a source that now serves different bits than the "
            "checksum database recorded",
            "The version's tag was moved or recreated upstream (or a mirror serves other bits); "
            "the checksum database keeps the first published content. "
            + (direct + ". " if direct else "")
            + "Use the proxy for public modules and move to a new tag.",
            (
                "go env -u GOPROXY   # and keep GOPRIVATE to your own prefixes",
                f"go get {mod}@<newer version> && go mod tidy   # once upstream tags a fix",
                f"go mod edit -replace={mod}@{ver}={mod}@<commit>   # documented temporary pin",
            ),
            (*common, NO_CLEAN_DEFAULT),
            tuple(checks),
        )
    return Diagnosis(
        "unconfirmed",
        LOW,
        f"The download of {mod}@{ver} does not match the checksum database",
        "Most often the tag was moved upstream and the download came from the VCS; otherwise a "
        "corrupt cache or an intercepting proxy. Compare with the public proxy: "
        "`GOMODCACHE=$(mktemp -d) GOPROXY=https://proxy.golang.org go mod download -json "
        f"{mod}@{ver}` "
        "(or rerun with --online).",
        (
            "GOMODCACHE=$(mktemp -d) GOPROXY=https://proxy.golang.org go mod download -json "
            f"{mod}@{ver}",
            "go env GOPROXY GOPRIVATE GONOPROXY",
        ),
        (*common, NO_CLEAN_DEFAULT),
        tuple(checks),
        True,
    )


def _misbehavior(f: Failure, ctx: Context) -> Diagnosis:
    latest = "$(go env GOPATH)/pkg/sumdb/sum.golang.org/latest"
    if f.fields.get("detail") == "malformed-note":
        return Diagnosis(
            "corrupt-local-sumdb-state",
            MEDIUM,
            "The go command's saved checksum-database tree head is corrupt",
            f"'malformed note' or 'reading tree note' comes from {latest} (e.g. zero-filled after "
            "a power loss or a "
            "broken CI cache), not from the server. Inspect it; remove it only if it is not a "
            "signed note.",
            (f"od -c {latest} | head", f"rm {latest}   # only if it holds NUL bytes or is empty"),
            (NO_SUMDB_OFF,),
            ("'malformed note' in the message",),
        )
    return Diagnosis(
        "server-fork",
        MEDIUM,
        "The checksum database served two inconsistent trees (misbehaviour detected)",
        "The go command proved that the database (or a proxy in front of it) showed two different "
        "histories. Keep the printed proof, compare with another network, and report it "
        "(security@golang.org for sum.golang.org, your proxy's operator otherwise). If only this "
        f"machine sees it, check {latest} for corruption.",
        ("go env GOSUMDB GOPROXY", f"cat {latest}"),
        (
            NO_SUMDB_OFF,
            "Do not delete the saved tree head to make the error go away: it is the evidence.",
        ),
        (),
        True,
    )


def _missing(f: Failure, ctx: Context) -> Diagnosis:
    detail = f.fields.get("detail", "")
    mod = f.module
    checks: list[str] = []
    confidence = MEDIUM
    if ctx.repo is not None and ctx.repo.has_gomod and not ctx.repo.gosum_present:
        checks.append(f"{ctx.repo.root} has a go.mod but no go.sum at all")
        confidence = HIGH
    elif ctx.repo is not None and ctx.repo.gosum_present and mod:
        has = any(k[0] == mod for k in ctx.repo.gosum)
        checks.append(f"{ctx.repo.root}/go.sum {'has' if has else 'has no'} lines for {mod}")
        confidence = HIGH if not has else LOW
    commands: list[str] = []
    if f.fields.get("suggested"):
        commands.append(f.fields["suggested"])
    elif detail == "gomod-file" and mod:
        commands.append(f"go mod download {mod}")
    commands += [
        "go mod tidy",
        "git add go.mod go.sum && git commit -m 'go mod tidy'",
        "go mod tidy -diff   # in CI (Go >= 1.23): fail early when go.sum is not tidy",
    ]
    gowork = ctx.value("GOWORK")
    if ctx.repo is not None and ctx.repo.has_gowork and gowork != "off":
        checks.append("a go.work file is present: it can hide missing go.sum lines locally")
        commands.insert(0, "GOWORK=off go mod tidy")
    pkg = f.fields.get("package", "")
    what = {
        "package": f"the module providing package {pkg}",
        "ambiguous-package": f"the modules that could provide package {pkg}",
        "gomod-file": f"the go.mod file of {_mv(f)}",
    }.get(detail, _mv(f))
    return Diagnosis(
        "gosum-not-updated",
        confidence,
        f"go.sum has no entry for {what}",
        "go.mod was changed (by hand, a merge or a bot) without running `go mod tidy`, and since "
        "Go 1.16 builds do not write go.sum. Run it, commit the result; configure Renovate "
        '`postUpdateOptions: ["gomodTidy"]` if a bot made the change.',
        tuple(commands),
        (NO_MOD_MOD, NO_DELETE_GOSUM),
        tuple(checks),
    )


def _updates(f: Failure, ctx: Context) -> Diagnosis:
    file = f.fields.get("file", "go.mod")
    reason = f.fields.get("reason", "")
    cause = "gomod-not-tidy" if file == "go.mod" else "gosum-not-updated"
    expl = (
        f"The build needs to change {file} but runs with -mod=readonly (the default since Go "
        "1.16): the committed files are not tidy. Run `go mod tidy` and commit."
    )
    if reason:
        expl += f" ({reason}.)"
    return Diagnosis(
        cause,
        HIGH,
        f"{file} is not up to date with the code (updates to {file} needed)",
        expl,
        (
            "go mod tidy",
            "git add go.mod go.sum && git commit -m 'go mod tidy'",
            "go mod tidy -diff   # in CI (Go >= 1.23)",
        ),
        (NO_MOD_MOD, NO_DELETE_GOSUM),
    )


def _malformed(f: Failure, ctx: Context) -> Diagnosis:
    file = f.fields.get("file", "go.sum")
    line = f.fields.get("line", "")
    checks: list[str] = []
    conflict = ctx.repo is not None and bool(ctx.repo.gosum_conflict_lines)
    if conflict and ctx.repo is not None:
        checks.append(
            "go.sum has merge-conflict markers at lines "
            + ", ".join(map(str, ctx.repo.gosum_conflict_lines[:5]))
        )
    fix = (
        f"grep -nE '^(<<<<<<<|=======|>>>>>>>)' {file}",
        f"sed -n '{line or 1}p' {file}   # the malformed line",
        "go mod tidy   # after removing the markers, keeping both sides' lines",
    )
    if conflict:
        return Diagnosis(
            "merge-conflict",
            HIGH,
            f"{file} contains merge-conflict markers",
            "A merge conflict in go.sum was committed. Keep the lines of both sides (go.sum is a "
            "set), remove the markers, then `go mod tidy`. Since Go 1.22 this is fatal.",
            fix,
            (NO_DELETE_GOSUM,),
            tuple(checks),
        )
    return Diagnosis(
        "malformed-line",
        MEDIUM,
        f"{file}:{line} is not a valid go.sum line",
        "A line without exactly three fields: conflict markers from a merge, a hand edit or a "
        "truncated write. Go 1.22 and later stop on it; older releases ignored it silently.",
        fix,
        (NO_DELETE_GOSUM,),
        tuple(checks),
    )


def _vendoring(f: Failure, ctx: Context) -> Diagnosis:
    tool = f.fields.get("tool", "go mod vendor")
    subs = f.fields.get("subs", "")
    count = f.fields.get("count", "0")
    old_114 = (
        "run 'go mod vendor' to sync" in f.block.text
        and subs
        and all("not marked as explicit" in s for s in subs.splitlines())
    )
    cause = (
        "vendor-predates-go114"
        if old_114
        else ("workspace-vendor-out-of-sync" if tool == "go work vendor" else "vendor-out-of-sync")
    )
    expl = (
        "vendor/modules.txt does not match go.mod"
        + (f" ({count} modules differ)" if count != "0" else "")
        + ": go.mod was changed without re-vendoring."
    )
    if old_114:
        expl = (
            "vendor/modules.txt was written by Go < 1.14 and has no '## explicit' markers, which "
            "Go >= 1.14 requires once go.mod says go 1.14 or later. Re-vendor with the new Go."
        )
    return Diagnosis(
        cause,
        HIGH,
        "vendor/ is out of sync with go.mod (inconsistent vendoring)",
        expl,
        (
            tool,
            "git add vendor && git commit -m 're-vendor'",
            f"{tool} && git diff --exit-code vendor   # in CI",
        ),
        ("Do not paper over it with -mod=mod in CI: the vendored code is what ships.",),
        tuple(s for s in subs.splitlines()[:5]),
    )


def _vendor_lookup(f: Failure, ctx: Context) -> Diagnosis:
    flags = ctx.value("GOFLAGS")
    pkg = f.fields.get("package", "")
    if "-mod=vendor" in flags:
        seen = ctx.setting("GOFLAGS")
        where = f" ({seen.where})" if seen else ""
        return Diagnosis(
            "goflags-mod-vendor",
            MEDIUM,
            f"GOFLAGS=-mod=vendor{where} stops the go command from looking up {pkg or 'modules'}",
            "A base image or CI setting forces vendor mode, which breaks `go install pkg@version`, "
            "`go get` and new imports. Unset it for that step; keep vendor mode for builds.",
            ("GOFLAGS= go install <pkg>@<version>", "go mod vendor   # if the import is new"),
            (NO_MOD_MOD,),
            (),
        )
    return Diagnosis(
        "package-not-vendored",
        HIGH,
        f"{pkg or 'A package'} is imported but not in vendor/",
        "With a vendor directory (go >= 1.14 in go.mod) builds use only vendor/; a new import "
        "or dependency was added without re-vendoring.",
        ("go mod tidy", "go mod vendor", "git add go.mod go.sum vendor"),
        (NO_MOD_MOD,),
        (),
    )


def _not_found(f: Failure, ctx: Context) -> Diagnosis:
    mod, ver = f.module or "<module>", f.version or "<version>"
    response = f.fields.get("response", "")
    server = f.fields.get("server", "sumdb")
    status = f.fields.get("status", "")
    where = "the checksum database" if server == "sumdb" else "the module proxy"
    glob = private_glob(f.module) if f.module else "<your module prefix>"
    private_signs = re.search(
        r"terminal prompts disabled|could not read Username|[Rr]epository not found|unrecognized "
        r"import path"
        r"|authentication required|Permission denied|exit status 128|403 Forbidden|401 Unauthorized"
        r"|no secure protocol found|could not read Password|Invalid username or password",
        response,
    )
    host = mod.split("/")[0] if mod else ""
    if private_signs or (
        not response
        and server == "sumdb"
        and host
        and "." in host
        and host not in _HOSTING
        and host not in _PUBLIC_HOSTS
        and not host.endswith(".io")
    ):
        checks = [f"server response shows: {private_signs.group(0)}"] if private_signs else []
        if _covered(ctx.value("GOPRIVATE"), mod) or _covered(ctx.value("GONOSUMDB"), mod):
            checks.append(
                f"GOPRIVATE/GONOSUMDB here already cover {mod}: the failing job did not have them"
            )
        return Diagnosis(
            "private-module",
            HIGH if private_signs else MEDIUM,
            f"{mod} is private: {where} cannot fetch it ({status})",
            "Public servers (proxy.golang.org, sum.golang.org) cannot read private repositories. "
            f"Mark the private prefix with GOPRIVATE (narrowest: {glob}) so the go command fetches "
            "it directly and skips the public checksum database for it only; give the job git "
            "credentials for that host.",
            (
                f"go env -w GOPRIVATE={glob}   # in CI: env GOPRIVATE={glob}",
                "git config --global "
                f'url."https://${{GIT_TOKEN}}@{"/".join(glob.split("/")[:1])}/".insteadOf '
                f'"https://{"/".join(glob.split("/")[:1])}/"',
            ),
            (
                NO_SUMDB_OFF,
                "Do not use GOPRIVATE=* either: public modules would then skip the database too.",
            ),
            tuple(checks),
        )
    url = f.fields.get("url", "")
    if "/tile/" in url and "/sumdb/" in url:  # a tile fetched through a proxy, not the database
        host = url.split("/")[2] if url.count("/") >= 2 else url
        return Diagnosis(
            "sumdb-proxy-incomplete",
            HIGH,
            f"The checksum-database mirror at {host} is missing tiles ({status})",
            "The go command proxies the checksum database through the first GOPROXY entry that "
            "says it supports it; this mirror claims support but does not serve every tile. Use a "
            "proxy that serves the database fully, or let the go command reach sum.golang.org.",
            (
                "go env -w GOPROXY=https://proxy.golang.org,direct",
                f"curl -sS {url}   # confirm the mirror's answer",
            ),
            (
                NO_SUMDB_OFF,
                "Do not set GOPRIVATE=github.com (or any public host) to skip the database.",
            ),
            (f"tile URL {url} answered {status}",),
        )
    if "fetch timed out" in response or "repo too large" in response:
        return Diagnosis(
            "fetch-timed-out",
            HIGH,
            f"{where.capitalize()} timed out fetching {mod}@{ver}",
            "The server gave up cloning the repository (large repository or slow host) and "
            "caches that result briefly. Retry later; if it persists, the module author can "
            "reduce repository size.",
            (
                f"sleep 600 && go mod download {mod}@{ver}   # retry after the negative cache "
                "expires",
            ),
            (NO_SUMDB_OFF,),
            ("'fetch timed out' in the server response",),
        )
    if re.search(
        r"unknown revision|invalid version|no matching versions|unknown version", response
    ):
        just_tagged = status.startswith("410") or server == "sumdb"
        cause = "just-tagged" if just_tagged else "unknown-revision"
        return Diagnosis(
            cause,
            MEDIUM,
            f"{where.capitalize()} does not know {mod}@{ver} yet ({status}: unknown revision)",
            (
                "The version was tagged moments ago (or the tag was pushed after the server first "
                "looked and it cached 'not found' for up to 30 minutes). Wait and retry."
                if just_tagged
                else "The version does not exist upstream: a typo, a deleted tag, or a tag not "
                "pushed yet. "
                "Check the tag, then retry."
            ),
            (
                f"git ls-remote --tags https://{mod} {ver}   # does the tag exist?",
                f"sleep 900 && go mod download {mod}@{ver}   # retry after the cache expires",
                f"go mod edit -replace={mod}@{ver}={mod}@<commit>   # documented temporary pin",
            ),
            (NO_SUMDB_OFF,),
            ("'unknown revision' in the server response",),
        )
    return Diagnosis(
        "not-published",
        LOW,
        f"{where.capitalize()} answered {status} for {mod}@{ver}",
        "The server has no such module version. If it is private, set GOPRIVATE "
        f"({glob}); if it was just tagged, retry later.",
        (f"go env -w GOPRIVATE={glob}   # only if {mod} is private", f"go list -m -versions {mod}"),
        (NO_SUMDB_OFF,),
        (),
    )


def _network(f: Failure, ctx: Context) -> Diagnosis:
    err = f.fields.get("error", "")
    host = f.fields.get("host", "")
    common = (NO_INSECURE, NO_SUMDB_OFF)
    if err.startswith(("x509", "tls:")) and "handshake timeout" not in err:
        return Diagnosis(
            "tls-interception",
            HIGH,
            f"TLS to {host} fails: {err}",
            "A proxy on the network re-signs TLS (corporate MITM) or the CA bundle is missing in "
            "the image. Install the organisation's CA certificate in the build image.",
            (
                "cp corp-ca.pem /usr/local/share/ca-certificates/corp-ca.crt && "
                "update-ca-certificates",
                "export SSL_CERT_FILE=/path/to/corp-ca.pem",
            ),
            common,
            (),
        )
    if "no such host" in err or "server misbehaving" in err:
        return Diagnosis(
            "dns-failure",
            HIGH,
            f"DNS lookup of {host} fails",
            "The build cannot resolve the proxy or checksum database host (no network in the "
            "sandbox, DNS blocked). Give the step network access or point GOPROXY at a reachable "
            "mirror that also serves the checksum database (/sumdb/sum.golang.org/).",
            ("go env GOPROXY GOSUMDB", "GOPROXY=https://<internal mirror>,off go mod download"),
            common,
            (),
        )
    if re.search(r"refused|reset|unreachable", err):
        return Diagnosis(
            "egress-blocked",
            MEDIUM,
            f"Connection to {host} fails: {err}",
            "Egress to the proxy or checksum database is blocked. Allow proxy.golang.org and "
            "sum.golang.org, or use an internal mirror that proxies both.",
            (
                "go env GOPROXY GOSUMDB",
                "curl -sS https://sum.golang.org/lookup/golang.org/x/text@v0.3.0",
            ),
            common,
            (),
        )
    return Diagnosis(
        "timeout",
        MEDIUM,
        f"Requests to {host} time out: {err}",
        "The proxy or checksum database did not answer in time (slow network, firewall dropping "
        "packets). Retry; if it keeps failing, use a reachable mirror that serves the database "
        "too.",
        (
            "curl -sS -m 10 https://sum.golang.org/lookup/golang.org/x/text@v0.3.0",
            "go mod download -x",
        ),
        common,
        (),
    )


def _bad_env(f: Failure, ctx: Context) -> Diagnosis:
    detail = f.fields.get("detail", "")
    if detail == "gosumdb":
        seen = ctx.setting("GOSUMDB")
        val = seen.value if seen else ""
        cause = "gosumdb-on" if val == "on" else "invalid-gosumdb"
        return Diagnosis(
            cause,
            HIGH,
            f"GOSUMDB{'=' + val if val else ''} is not a valid checksum database setting",
            "GOSUMDB takes a database name (sum.golang.org), 'name+key [url]', or 'off'; 'on' and "
            "other words are parsed as a verifier key and fail. Unset it to use the default.",
            ("go env -u GOSUMDB", "unset GOSUMDB"),
            (NO_SUMDB_OFF,),
            (),
        )
    if detail == "unknown-variable":
        var = f.fields.get("variable", "")
        return Diagnosis(
            "nonexistent-variable",
            HIGH,
            f"{var} is not a go command variable",
            f"`go env -w {var}=...` fails because the go command does not know {var}"
            + (
                " (GONOSUMCHECK never existed; the real knobs are GOPRIVATE and GONOSUMDB)."
                if var == "GONOSUMCHECK"
                else "."
            ),
            (f"go env -w GOPRIVATE=<your private module prefix>   # instead of {var}",),
            (NO_SUMDB_OFF,),
            (),
        )
    if detail == "insecure-flag":
        return Diagnosis(
            "insecure-flag-removed",
            HIGH,
            "-insecure was removed in Go 1.17",
            "Fix the certificate problem instead; GOINSECURE exists only for internal hosts you "
            "control.",
            ("go env -u GOFLAGS",),
            (NO_INSECURE,),
            (),
        )
    if detail == "goproxy":
        return Diagnosis(
            "invalid-goproxy",
            HIGH,
            "GOPROXY is set but lists no entries",
            "Set it to a comma-separated list, or unset it for the default.",
            ("go env -u GOPROXY",),
            (),
            (),
        )
    return Diagnosis(
        "invalid-goflags",
        HIGH,
        "GOFLAGS cannot be parsed",
        f.fields.get("what", ""),
        ("go env GOFLAGS", "go env -u GOFLAGS"),
        (NO_MOD_MOD,),
        (),
    )


def _toolchain(f: Failure, ctx: Context) -> Diagnosis:
    d = f.fields.get("detail", "")
    tc = f.fields.get("toolchain", "")
    need = f.fields.get("need", "")
    lang = tc.removeprefix("go")
    if d in ("not-available", "language-version") and re.fullmatch(r"go1\.\d+", tc):
        return Diagnosis(
            "language-version-not-toolchain",
            HIGH,
            f"go.mod says `go {lang}`, a language version, not a release Go can download",
            f"Go 1.21+ reads `go {lang}` as needing toolchain {tc}, which does not exist (releases "
            f"are {tc}.0, {tc}.1, ...). Write the full version.",
            (f"go mod edit -go={lang}.0", f"go mod edit -toolchain={tc}.0   # optional"),
            (
                "Do not set GOTOOLCHAIN=local everywhere to hide it: builds then silently use "
                "older compilers.",
            ),
            (),
        )
    if d == "not-available":
        return Diagnosis(
            "toolchain-unavailable",
            HIGH,
            f"Go toolchain {tc} is not available for this platform",
            "The requested release does not exist for this OS/architecture (or is mistyped).",
            ("go mod edit -toolchain=none", "go env GOTOOLCHAIN"),
            (),
            (),
        )
    if d == "download-failed":
        return Diagnosis(
            "toolchain-download-blocked",
            HIGH,
            f"The go command could not download toolchain {tc}",
            f"go.mod asks for {tc} and GOTOOLCHAIN=auto tries to download it as a module, but the "
            "sandbox has no network (or the proxy blocks golang.org/toolchain). Install that Go in "
            "the image and stop switching.",
            (
                f"use a Go {tc.removeprefix('go')} image / actions/setup-go with go-version-file: "
                "go.mod",
                "GOTOOLCHAIN=local go build ./...   # once the local Go is new enough",
            ),
            (),
            (),
        )
    if d == "too-new":
        why = f.fields.get("why", "")
        return Diagnosis(
            "local-go-too-old",
            HIGH,
            f"{f.fields.get('what', 'go.mod')} requires go >= {need}, this Go is "
            f"{f.fields.get('running', '')}",
            "The installed Go is older than go.mod requires and toolchain switching is disabled"
            + (f" ({why.strip('; ')})" if why else "")
            + ". Install a newer Go or allow switching.",
            (
                f"GOTOOLCHAIN=go{need} go build ./...   # or: GOTOOLCHAIN=auto",
                "actions/setup-go with go-version-file: go.mod",
            ),
            ("Do not lower the go line in go.mod to make CI pass: it changes language semantics.",),
            (),
        )
    if d == "gowork-too-old":
        return Diagnosis(
            "gowork-go-too-old",
            HIGH,
            f"go.work's go line is lower than a module's ({need})",
            "Raise the go line of go.work.",
            ("go work use", f"go work edit -go={need}"),
            (),
            (),
        )
    if d in ("old-go-three-part", "old-go-too-new-gomod"):
        return Diagnosis(
            "go-older-than-1.21",
            HIGH,
            f"This Go cannot read go.mod's `go {need}` line",
            "Go <= 1.20 does not understand three-part go versions and Go 1.21 refuses newer "
            "ones; the CI image's Go is too old for this module.",
            (
                "actions/setup-go with go-version-file: go.mod",
                f"use a golang:{'.'.join(need.split('.')[:2])} image",
            ),
            (),
            (),
        )
    return Diagnosis(
        "toolchain-not-in-path",
        HIGH,
        f"GOTOOLCHAIN names {tc} but it is not on PATH",
        "GOTOOLCHAIN=<name>+path only looks on PATH.",
        ("go env GOTOOLCHAIN", "go env -w GOTOOLCHAIN=auto"),
        (),
        (),
    )


def _cache_modified(f: Failure, ctx: Context) -> Diagnosis:
    kind = f.fields.get("detail", "")
    if not f.version:
        return Diagnosis(
            "verify-in-workspace",
            HIGH,
            f"{f.module}: {kind} (go mod verify in a workspace)",
            "The module has no version: it is a workspace module (go.work) or replaced by a local "
            "directory, which has no zip to verify. go mod verify reports it anyway "
            "(golang/go#54372, #62663). Verify the modules themselves outside the workspace.",
            ("GOWORK=off go mod verify",),
            ("Do not skip `go mod verify` in CI to make this pass.",),
            (),
        )
    if "." not in f.module.split("/")[0]:
        return Diagnosis(
            "local-or-replaced-module",
            MEDIUM,
            f"{f.module} {f.version}: {kind}",
            f"{f.module} has no domain: it can only come from a replace directive, so there is no "
            "downloaded zip to verify. Require the real module path instead of an alias.",
            (
                f"go mod edit -dropreplace={f.module}",
                "go get <real module path>@<version>",
                "go mod tidy",
            ),
            (),
            (),
        )
    cause = {
        "dir has been modified": "modcache-dir-modified",
        "zip has been modified": "modcache-zip-modified",
    }.get(kind, "partial-cache")
    expl = {
        "modcache-dir-modified": "Files of the extracted module in the module cache were changed "
        "after download (a patch step, an editor, a tool that writes into "
        "GOMODCACHE, a restored cache with other content).",
        "modcache-zip-modified": "The cached module zip no longer hashes to the value recorded at "
        "download: disk or cache-restore corruption.",
        "partial-cache": "The module cache has the extracted module but not its .ziphash: a CI "
        "cache saved or restored partially, or a cache filled by copying directories.",
    }[cause]
    return Diagnosis(
        cause,
        HIGH,
        f"{f.module} {f.version}: {kind} (go mod verify)",
        expl,
        (
            "go clean -modcache && go mod download && go mod verify",
            "# bust the CI cache key: key: go-${{ hashFiles('**/go.sum') }}-v2",
        ),
        ("Do not skip `go mod verify` in CI to make this pass.",),
        tuple(
            f"this machine's module cache: {state}"
            for state in (ctx.cache_state.get(f"{f.module}@{f.version}"),)
            if state
        ),
    )


def _replace_missing(f: Failure, ctx: Context) -> Diagnosis:
    d = f.fields.get("dir", "")
    if ctx.in_docker:
        return Diagnosis(
            "replace-outside-docker-context",
            HIGH,
            f"A replace directive points at {d}, which the Docker build cannot see",
            "The image copies go.mod/go.sum before `go mod download`, but the local replacement "
            "directory is outside the build context or copied later.",
            (
                f"COPY {d.lstrip('./') or d} {d}   # in the Dockerfile, before go mod download",
                "docker build -f Dockerfile <parent dir containing both modules>",
            ),
            (
                "Do not delete the replace directive in the image only: the build would use other "
                "code than you test.",
            ),
            (),
        )
    return Diagnosis(
        "replace-path-missing",
        MEDIUM,
        f"The replacement directory {d} does not exist",
        "go.mod replaces a module by a local path that is not checked out (a git submodule, a "
        "sibling repository, a path from someone's machine).",
        (
            "git submodule update --init --recursive",
            "go mod edit -dropreplace=<module>   # if it was a local experiment",
        ),
        (),
        (),
    )


def _path_mismatch(f: Failure, ctx: Context) -> Diagnosis:
    declared, required = f.fields.get("declared", ""), f.fields.get("required", "")
    ver = f.version or "<version>"
    if declared.lower() == required.lower():
        return Diagnosis(
            "path-case-mismatch",
            HIGH,
            f"{required} is imported with the wrong case; the module is {declared}",
            "Module paths are case-sensitive (the Sirupsen/sirupsen logrus problem): some import "
            "or dependency uses the old capitalisation.",
            (
                f"grep -rn '\"{required}' --include=*.go .",
                f"go mod edit -replace={required}={declared}@{ver}   # for dependencies you "
                "cannot edit",
            ),
            (),
            (),
        )
    return Diagnosis(
        "module-renamed",
        HIGH,
        f"{required} now declares its path as {declared}",
        "The module was renamed (or forked) upstream; its go.mod no longer matches the path it is "
        "required by.",
        (
            f"go mod edit -droprequire={required} && go get {declared}@{ver}",
            f"go mod edit -replace={required}@{ver}={declared}@{ver}   # temporary, for indirect "
            "users",
        ),
        (),
        (),
    )


def _zip_rejected(f: Failure, ctx: Context) -> Diagnosis:
    # "go: create zip: ..." can come without the module (it is on the "go: downloading" line).
    mod, ver = f.module or "<module>", f.version or "<version>"
    what = f.fields.get("what", "")
    cause = (
        "case-collision" if f.fields.get("detail") == "case-collision" else "malformed-file-path"
    )
    return Diagnosis(
        cause,
        HIGH,
        f"{mod}@{ver} cannot be made into a module zip ({what})",
        "The module's files break the module zip rules (two names differing only in case, or a "
        "name Go forbids), so no proxy or checksum database can serve this version. The author "
        "must rename the files and tag a new version; pin the previous one meanwhile.",
        (
            f"go list -m -versions {mod}",
            f"go get {mod}@<previous version>",
            "git ls-files | sort -f | uniq -di   # in the module's repository",
        ),
        (NO_SUMDB_OFF,),
        (),
    )


_BY_FAMILY: dict[Family, Callable[[Failure, Context], Diagnosis]] = {
    Family.GOSUM_MISMATCH: _gosum_mismatch,
    Family.SUMDB_MISMATCH: _sumdb_mismatch,
    Family.SUMDB_MISBEHAVIOR: _misbehavior,
    Family.MISSING_GOSUM_ENTRY: _missing,
    Family.UPDATES_NEEDED: _updates,
    Family.MALFORMED_GOSUM: _malformed,
    Family.INCONSISTENT_VENDORING: _vendoring,
    Family.VENDOR_LOOKUP_DISABLED: _vendor_lookup,
    Family.NOT_FOUND: _not_found,
    Family.NETWORK: _network,
    Family.BAD_ENV: _bad_env,
    Family.TOOLCHAIN: _toolchain,
    Family.CACHE_MODIFIED: _cache_modified,
    Family.REPLACE_DIR_MISSING: _replace_missing,
    Family.PATH_MISMATCH: _path_mismatch,
    Family.ZIP_REJECTED: _zip_rejected,
}


def explain(failure: Failure, ctx: Context) -> Diagnosis:
    """The most likely cause of failure given everything in ctx."""
    return _BY_FAMILY[failure.family](failure, ctx)
