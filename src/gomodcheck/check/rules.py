"""The rules `gomodcheck check` reports, with the go command's wording where it has one."""

from __future__ import annotations

from gomodcheck.findings import Rule, Severity

_TIDY = "Run `go mod tidy` and commit go.mod and go.sum."
_NO_DISABLE = (
    "Do not set GOFLAGS=-mod=mod, GONOSUMDB or GOSUMDB=off in CI to get past this: "
    "they hide the missing checksum instead of recording it."
)

GOSUM_MISSING = Rule(
    "CHECK001",
    "gosum-missing-line",
    "go.sum lacks a checksum the go command needs",
    "go.sum must hold the hash of every go.mod file in the module graph and of every module "
    "that provides (or could provide) an imported package. Without it `go build` stops with "
    "'missing go.sum entry' under the default -mod=readonly.",
    help_text=_TIDY + " " + _NO_DISABLE,
    tags=("go.sum", "supply-chain"),
)
GOSUM_EXTRA = Rule(
    "CHECK002",
    "gosum-extra-line",
    "go.sum holds a line `go mod tidy` would remove",
    "The line is not needed by the module graph or the import graph; `go mod tidy -diff` "
    "fails on it.",
    help_text=_TIDY,
    default_severity=Severity.WARNING,
    tags=("go.sum",),
)
GOSUM_MALFORMED = Rule(
    "CHECK003",
    "gosum-malformed",
    "go.sum is malformed, conflicted or inconsistent",
    "The go command refuses a go.sum with a line that has the wrong number of fields "
    "(merge-conflict markers are such lines) since Go 1.22.",
    help_text="Resolve the conflict by keeping the lines of both sides, then run `go mod tidy`.",
    tags=("go.sum",),
)
GOMOD_MISSING_REQUIRE = Rule(
    "CHECK010",
    "gomod-missing-require",
    "an imported package has no module requirement",
    "A package of the main module imports a package that no required module provides; "
    "`go build` fails with 'no required module provides package'.",
    help_text="Run `go get PACKAGE` or `go mod tidy`.",
    tags=("go.mod",),
)
GOMOD_NOT_TIDY = Rule(
    "CHECK011",
    "gomod-not-tidy",
    "go.mod requirements differ from what `go mod tidy` writes",
    "A requirement is missing, unneeded, at another version, or its `// indirect` comment is "
    "wrong. `go mod tidy -diff` fails; with -mod=readonly some builds fail with "
    "'updates to go.mod needed'.",
    help_text=_TIDY,
    tags=("go.mod",),
)
REPLACE_DIR_MISSING = Rule(
    "CHECK020",
    "replace-directory-missing",
    "a replace directive points at a missing directory",
    "The go command fails with 'replacement directory ... does not exist' (often a directory "
    "outside a Docker build context).",
    help_text="Copy the directory into the build context, or replace with a module version.",
    tags=("go.mod", "replace"),
)
POLICY_LOCAL_REPLACE = Rule(
    "CHECK021",
    "policy-local-replace",
    "a replace directive points at a local directory",
    "Policy ([check] forbid_local_replace) forbids replacing modules with local directories: "
    "builds then depend on files that go.sum does not cover.",
    help_text="Replace with a published module version, or remove the replace.",
    tags=("go.mod", "replace", "policy"),
)
TOOLCHAIN_UNSATISFIED = Rule(
    "CHECK030",
    "go-version-unsatisfied",
    "the CI Go version cannot build this module",
    "The go or toolchain line asks for a newer Go than the given CI Go version; the go command "
    "then downloads a toolchain (GOTOOLCHAIN=auto) or fails (GOTOOLCHAIN=local, offline).",
    help_text="Upgrade the CI image, or lower the go line with `go mod edit -go=...`.",
    tags=("go.mod", "toolchain"),
)
POLICY_VENDOR = Rule(
    "CHECK040",
    "policy-require-vendor",
    "policy requires a vendor directory",
    "Policy ([check] require_vendor) requires vendor/modules.txt.",
    help_text="Run `go mod vendor` and commit vendor/.",
    tags=("vendor", "policy"),
)
VENDOR_INCONSISTENT = Rule(
    "CHECK041",
    "vendor-inconsistent",
    "vendor/modules.txt is inconsistent with go.mod (or go.work), or vendor/ lacks a package",
    "The go command stops with 'inconsistent vendoring' when vendor/modules.txt does not match "
    "the requirements and replacements in go.mod (in workspace mode: in every workspace "
    "module's go.mod and in go.work), and a -mod=vendor build fails on an import vendor/ "
    "does not provide.",
    help_text="Run `go mod vendor` (in workspace mode: `go work vendor`).",
    tags=("vendor",),
)
VENDOR_UNUSED = Rule(
    "CHECK042",
    "vendor-unused",
    "vendor/ exists but the go command does not use it",
    "In workspace mode the go command uses the vendor directory beside go.work only when go.work "
    "has a go line of 1.14 or later and vendor/modules.txt was written by `go work vendor` "
    "(first line `## workspace`). Otherwise it builds from the module cache, silently: the "
    "vendored code under review is not what is built, and the build needs the network.",
    help_text="Run `go work vendor`, or delete vendor/ if the workspace is not vendored.",
    default_severity=Severity.WARNING,
    tags=("vendor", "go.work"),
)
POLICY_PRIVATE = Rule(
    "CHECK050",
    "policy-private-pattern",
    "GOPRIVATE holds a pattern the policy does not allow",
    "Modules matching GOPRIVATE skip the checksum database; [check] allowed_private limits "
    "which patterns may do so.",
    help_text="Narrow GOPRIVATE to the allowed patterns.",
    tags=("policy", "supply-chain"),
)
GOWORK_PRESENT = Rule(
    "CHECK060",
    "gowork-hides-gosum",
    "a go.work file makes the go command ignore this go.sum",
    "In workspace mode go.sum gaps of each module are hidden by go.work.sum; CI that builds "
    "modules one by one fails.",
    help_text="Run CI checks with GOWORK=off, and `GOWORK=off go mod tidy` in each module.",
    default_severity=Severity.NOTE,
    tags=("go.work",),
)
GOWORK_SUM_MISSING = Rule(
    "CHECK061",
    "gowork-sum-missing",
    "neither go.work.sum nor a workspace module's go.sum has a checksum the workspace build needs",
    "In workspace mode the go command looks each checksum up in go.work.sum and in the go.sum of "
    "every workspace module. A missing one does not stop the build: the go command asks the "
    "checksum database and appends the line to go.work.sum, so the build needs the network (it "
    "fails offline with 'verifying go.mod: ...') and leaves go.work.sum changed.",
    help_text="Run `go mod download` in the workspace directory and commit go.work.sum.",
    tags=("go.work", "go.sum", "supply-chain"),
)
GOWORK_INVALID = Rule(
    "CHECK062",
    "gowork-invalid",
    "the go command cannot load this workspace",
    "A use directory is missing or has no go.mod, a directory or module path appears twice, or "
    "the module in the current directory is not part of the workspace.",
    help_text="Fix the use lines (`go work use`, `go work edit -dropuse=DIR`) or set GOWORK=off.",
    tags=("go.work",),
)
GOWORK_GO_VERSION = Rule(
    "CHECK063",
    "gowork-go-too-old",
    "go.work's go line is older than a workspace module's",
    "From go 1.21 on, every workspace module's go version must not exceed go.work's; the go "
    "command refuses the workspace otherwise.",
    help_text="Run `go work use` to raise go.work's go line.",
    tags=("go.work", "toolchain"),
)
GOWORK_REPLACE = Rule(
    "CHECK064",
    "gowork-replace-conflict",
    "replace directives of the workspace conflict",
    "Two workspace modules replace the same module version differently, or go.work replaces a "
    "workspace module at all versions; the go command stops.",
    help_text="Override the replacement in go.work: `go work edit -replace OLD=NEW`.",
    tags=("go.work", "replace"),
)
RETRACTED_OR_DEPRECATED = Rule(
    "CHECK070",
    "retracted-or-deprecated",
    "a requirement is retracted or deprecated (as far as the local go.mod files tell)",
    "A go.mod file in the module graph retracts the required version, or the module's go.mod "
    "carries a Deprecated comment. Only go.mod files already in the module cache are consulted, "
    "so a newer retraction may be missed.",
    help_text="Upgrade: `go get MODULE@latest`, then `go mod tidy`.",
    default_severity=Severity.WARNING,
    tags=("go.mod", "supply-chain"),
)
SUPPRESSION_INVALID = Rule(
    "CHECK090",
    "suppression-without-reason",
    "a gomodcheck:ignore comment has no reason",
    "Suppressions must say why: `// gomodcheck:ignore CHECK002 reason...`.",
    default_severity=Severity.WARNING,
    tags=("policy",),
)

ALL_RULES = (
    GOSUM_MISSING,
    GOSUM_EXTRA,
    GOSUM_MALFORMED,
    GOMOD_MISSING_REQUIRE,
    GOMOD_NOT_TIDY,
    REPLACE_DIR_MISSING,
    POLICY_LOCAL_REPLACE,
    TOOLCHAIN_UNSATISFIED,
    POLICY_VENDOR,
    VENDOR_INCONSISTENT,
    VENDOR_UNUSED,
    POLICY_PRIVATE,
    GOWORK_PRESENT,
    GOWORK_SUM_MISSING,
    GOWORK_INVALID,
    GOWORK_GO_VERSION,
    GOWORK_REPLACE,
    RETRACTED_OR_DEPRECATED,
    SUPPRESSION_INVALID,
)
