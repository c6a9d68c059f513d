"""Rule metadata for each failure family, for SARIF and the docs."""

from __future__ import annotations

from gomodcheck.diagnose.families import Family
from gomodcheck.findings import Rule, Severity

_TEXT: dict[Family, tuple[str, str, float | None]] = {
    Family.GOSUM_MISMATCH: (
        "go.sum / go.work.sum checksum mismatch",
        "A download does not match the hash recorded in go.sum or go.work.sum.",
        7.5,
    ),
    Family.SUMDB_MISMATCH: (
        "Checksum-database mismatch",
        "A download does not match the hash the checksum database recorded (SECURITY ERROR).",
        8.0,
    ),
    Family.SUMDB_MISBEHAVIOR: (
        "Checksum-database misbehaviour",
        "The go command detected inconsistent trees from the checksum database, or a corrupt "
        "saved tree head.",
        9.0,
    ),
    Family.MISSING_GOSUM_ENTRY: (
        "Missing go.sum entry",
        "go.sum lacks a hash the build needs (module, go.mod file, or package provider).",
        None,
    ),
    Family.UPDATES_NEEDED: (
        "Updates to go.mod/go.sum needed",
        "The build needs to change go.mod or go.sum but runs with -mod=readonly.",
        None,
    ),
    Family.MALFORMED_GOSUM: (
        "Malformed go.sum",
        "go.sum holds a line that is not 'module version hash' (often merge markers).",
        None,
    ),
    Family.INCONSISTENT_VENDORING: (
        "Inconsistent vendoring",
        "vendor/modules.txt does not match go.mod.",
        None,
    ),
    Family.VENDOR_LOOKUP_DISABLED: (
        "Lookup disabled by -mod=vendor",
        "A package or module is looked up while the build is restricted to vendor/.",
        None,
    ),
    Family.NOT_FOUND: (
        "404/410 from the proxy or checksum database",
        "The module proxy or checksum database has no such module version (private, just tagged, "
        "fetch timed out).",
        None,
    ),
    Family.NETWORK: (
        "Network failure to proxy or checksum database",
        "DNS, TLS or timeout errors reaching the module proxy or checksum database.",
        None,
    ),
    Family.BAD_ENV: (
        "Invalid module environment setting",
        "GOSUMDB, GOPROXY, GOFLAGS or a non-existent variable is set wrongly.",
        None,
    ),
    Family.TOOLCHAIN: (
        "Go toolchain not available",
        "The required Go toolchain cannot be selected, downloaded or is too old.",
        None,
    ),
    Family.CACHE_MODIFIED: (
        "Module cache modified",
        "go mod verify found a modified directory or zip, or a missing ziphash, in the module "
        "cache.",
        6.0,
    ),
    Family.REPLACE_DIR_MISSING: (
        "Replacement directory missing",
        "A replace directive points at a local directory that does not exist.",
        None,
    ),
    Family.PATH_MISMATCH: (
        "Module path mismatch",
        "A module's go.mod declares a different path than it is required as.",
        None,
    ),
    Family.ZIP_REJECTED: (
        "Module version cannot be zipped",
        "A module version breaks the zip rules (case-insensitive collision, malformed file path).",
        None,
    ),
}


def rule_id(family: Family) -> str:
    return f"diagnose/{family.value}"


def rule(family: Family) -> Rule:
    short, full, security = _TEXT[family]
    return Rule(
        id=rule_id(family),
        name=family.value,
        short_description=short,
        full_description=full,
        help_text="Run `gomodcheck diagnose --help`; see docs/diagnose.md.",
        default_severity=Severity.ERROR,
        security_severity=security,
        tags=("security",) if security else ("reliability",),
    )
