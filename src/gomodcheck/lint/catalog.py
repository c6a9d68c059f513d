"""The lint rules: id, name, rationale and safe fix of each, as SARIF rule metadata and docs."""

from __future__ import annotations

from gomodcheck.findings import Rule, Severity

# Where docs/lint-rules.md is published; each rule has an anchor named after its id.
DOCS_URL = "https://github.com/gomodcheck/gomodcheck/blob/main/docs/lint-rules.md"

E, W, N = Severity.ERROR, Severity.WARNING, Severity.NOTE


def _rule(  # noqa: PLR0917 - the rule table below reads best positionally
    rule_id: str,
    name: str,
    short: str,
    full: str,
    fix: str,
    severity: Severity,
    security: float | None = None,
    tags: tuple[str, ...] = (),
) -> Rule:
    return Rule(
        id=rule_id,
        name=name,
        short_description=short,
        full_description=full,
        help_text=f"{full}\n\nSafe fix: {fix}",
        help_uri=f"{DOCS_URL}#{rule_id.lower()}",
        default_severity=severity,
        security_severity=security,
        tags=("lint", *tags),
    )


RULES: dict[str, Rule] = {
    r.id: r
    for r in (
        _rule(
            "GMC-L000",
            "unreadable-config",
            "A configuration file could not be parsed",
            "The file looks like CI or build configuration but is malformed, so none of it was "
            "checked.",
            "Fix the syntax error at the reported line.",
            W,
        ),
        _rule(
            "GMC-L001",
            "gosumdb-off",
            "GOSUMDB=off disables the checksum database",
            "With GOSUMDB=off the go command accepts any bits a proxy or VCS serves for a "
            "module it has "
            "not seen before: a retagged or tampered version goes into go.sum unchecked.",
            "Remove GOSUMDB=off; for private modules list only their paths in GOPRIVATE or "
            "GONOSUMDB.",
            E,
            8.0,
        ),
        _rule(
            "GMC-L002",
            "broad-nosumdb",
            "GONOSUMDB/GOPRIVATE pattern covers public modules",
            "A pattern such as `*`, `github.com/*` or `*.com` in GONOSUMDB or GOPRIVATE skips the "
            "checksum database (and, for GOPRIVATE, the proxy) for public modules too.",
            "Narrow the pattern to your own module prefixes, e.g. `github.com/your-org/*`.",
            E,
            7.5,
        ),
        _rule(
            "GMC-L003",
            "insecure-flag",
            "-insecure allows module downloads over plain HTTP",
            "`-insecure` (in GOFLAGS or on `go get`) lets the go command fetch over HTTP and skip "
            "checksum verification; it was removed from `go get` in Go 1.17.",
            "Serve modules over HTTPS; for one internal host that cannot, list only it in "
            "GOINSECURE.",
            E,
            7.5,
        ),
        _rule(
            "GMC-L004",
            "goinsecure-public",
            "GOINSECURE covers public module hosts",
            "GOINSECURE patterns that match public hosts allow their modules over HTTP and without "
            "certificate checks.",
            "Limit GOINSECURE to the internal hosts that need it, or drop it.",
            E,
            7.0,
        ),
        _rule(
            "GMC-L005",
            "unknown-go-variable",
            "Go variable that does not exist or has no valid value",
            "GONOSUMCHECK and similar names are not read by the go command, and GOSUMDB=on/true "
            "is a "
            "malformed verifier key: the setting does nothing or breaks every download.",
            "Delete the setting; use GONOSUMDB/GOPRIVATE with your private module prefixes if "
            "that was the intent.",
            W,
        ),
        _rule(
            "GMC-L006",
            "goproxy-bypass",
            "GOPROXY bypasses the module proxy or forbids downloads",
            "GOPROXY=direct (or a list starting with direct) fetches from origin VCS, where "
            "retagged "
            "versions differ from what the checksum database recorded; GOPROXY=off makes a later "
            "download step fail.",
            "Use `GOPROXY=https://proxy.golang.org,direct` (or your mirror, "
            "then direct) and GOPRIVATE for private modules.",
            W,
            4.0,
        ),
        _rule(
            "GMC-L007",
            "mod-mod",
            "-mod=mod lets builds rewrite go.mod and go.sum",
            "With -mod=mod a build adds missing requirements and go.sum lines on the fly, so CI "
            "passes "
            "with a go.sum that differs from the committed one.",
            "Drop -mod=mod (the default -mod=readonly fails fast); run `go mod tidy` locally "
            "and commit.",
            W,
            5.0,
        ),
        _rule(
            "GMC-L008",
            "gosum-rewritten",
            "go.sum rewritten in a build step without a diff check",
            "`go mod tidy` or `go get` in CI or an image build changes go.mod/go.sum; without a "
            "following "
            "`git diff --exit-code` (or `go mod tidy -diff`) the build uses sums nobody reviewed.",
            "Use `go mod tidy -diff` (Go 1.23+) or follow with `git diff --exit-code go.mod "
            "go.sum`.",
            W,
        ),
        _rule(
            "GMC-L009",
            "gomod-without-gosum",
            "go.mod copied without go.sum before downloading",
            "The download layer runs with no go.sum, so modules are not checked against the "
            "committed "
            "hashes and the layer cache is keyed on go.mod alone.",
            "`COPY go.mod go.sum ./` before `RUN go mod download`.",
            E,
            6.0,
        ),
        _rule(
            "GMC-L010",
            "gosum-ignored",
            "go.sum excluded by .dockerignore or .gitignore",
            "An ignored go.sum is never committed or never reaches the image build, so nothing "
            "pins "
            "the module hashes.",
            "Remove the pattern (or add `!go.sum` after it) and commit go.sum.",
            E,
            6.0,
        ),
        _rule(
            "GMC-L011",
            "vendor-overridden",
            "Vendored project built with -mod=mod or -mod=readonly",
            "The project vendors its dependencies (vendor/modules.txt), but this build ignores "
            "vendor/ "
            "and downloads modules instead, so what ships is not what was reviewed.",
            "Build with the default (-mod=vendor for vendored modules); keep vendor/ in sync "
            "with `go mod vendor`.",
            W,
        ),
        _rule(
            "GMC-L012",
            "missing-verify-gate",
            "No go.sum consistency gate in CI",
            "CI builds this Go project but never checks that go.mod/go.sum are tidy and verified.",
            "Add a step running `go mod tidy -diff` and `go mod verify`, or `gomodcheck check`.",
            N,
        ),
        _rule(
            "GMC-L013",
            "offline-toolchain-download",
            "Toolchain download enabled in an offline build",
            "This build is set up to run without the network (GOPROXY=off or -mod=vendor), but "
            "GOTOOLCHAIN lets the go command try to download another Go toolchain.",
            "Set GOTOOLCHAIN=local and install the Go version go.mod asks for in the image.",
            W,
        ),
        _rule(
            "GMC-L014",
            "gotoolchain-mismatch",
            "GOTOOLCHAIN pin conflicts with go.mod",
            "GOTOOLCHAIN=local (or a fixed goX.Y.Z) forbids switching toolchains, but the Go it "
            "selects "
            "is older than go.mod's go line (the build fails) or than its toolchain line.",
            "Pin the same version as go.mod's go/toolchain line, or raise the image/setup-go "
            "version.",
            E,
        ),
        _rule(
            "GMC-L015",
            "cache-key-without-gosum",
            "Module cache keyed without go.sum",
            "A cache of the module or build cache whose key does not hash go.sum is restored for a "
            "different dependency set, and a poisoned or stale cache survives dependency changes.",
            "Key the cache on `hashFiles('**/go.sum')` (setup-go: cache-dependency-path: "
            "'**/go.sum').",
            W,
        ),
        _rule(
            "GMC-L016",
            "gowork-in-ci",
            "Committed go.work is active in CI",
            "A committed go.work makes CI build the workspace, which hides missing go.sum lines "
            "in the "
            "individual modules (go.work.sum absorbs them).",
            "Set `GOWORK=off` for per-module checks (tidy, verify, test).",
            N,
        ),
        _rule(
            "GMC-L017",
            "go-version-pin-mismatch",
            "Go version pin older than go.mod's go line",
            "The image or setup-go version is older than go.mod requires, so the go command "
            "downloads "
            "another toolchain at build time (or fails where downloads are blocked).",
            "Use `go-version-file: go.mod`, or pin at least the go.mod go version.",
            W,
        ),
        _rule(
            "GMC-L018",
            "suppression-without-reason",
            "Suppression comment gives no reason",
            "`gomodcheck: ignore[...]` must say why the finding is acceptable, so reviewers can "
            "judge it.",
            "Write the reason after the bracket: `# gomodcheck: ignore[GMC-L006] mirror is "
            "internal`.",
            W,
        ),
    )
}
