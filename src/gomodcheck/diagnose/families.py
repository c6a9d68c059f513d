"""Which module failure a block of go command output reports, and the facts named in it.

Pure: text in, `Failure` out. One family per message kind of the go command (wordings of every
release since Go 1.13 where they differ); the cause is decided later, with more evidence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from gomodcheck.diagnose.blocks import Block


class Family(StrEnum):
    GOSUM_MISMATCH = "gosum-mismatch"
    SUMDB_MISMATCH = "sumdb-mismatch"
    SUMDB_MISBEHAVIOR = "sumdb-misbehavior"
    MISSING_GOSUM_ENTRY = "missing-gosum-entry"
    UPDATES_NEEDED = "updates-needed"
    MALFORMED_GOSUM = "malformed-gosum"
    INCONSISTENT_VENDORING = "inconsistent-vendoring"
    VENDOR_LOOKUP_DISABLED = "vendor-lookup-disabled"
    NOT_FOUND = "not-found"
    NETWORK = "network"
    BAD_ENV = "bad-env"
    TOOLCHAIN = "toolchain"
    CACHE_MODIFIED = "cache-modified"
    REPLACE_DIR_MISSING = "replace-dir-missing"
    PATH_MISMATCH = "path-mismatch"
    ZIP_REJECTED = "zip-rejected"


@dataclass(frozen=True)
class Failure:
    """One recognised failure: its family, the block it came from, and named facts."""

    family: Family
    block: Block
    fields: Mapping[str, str] = field(default_factory=dict)

    @property
    def module(self) -> str:
        return self.fields.get("module", "")

    @property
    def version(self) -> str:
        return self.fields.get("version", "")

    def key(self) -> tuple[str, ...]:
        """Two failures with the same key are the same problem printed again."""
        detail = self.fields.get("detail", "")
        return (self.family.value, self.module, self.version, detail)


# path@version as the go command prints it; the version may carry /go.mod.
_MODVER = re.compile(
    r"(?P<module>[A-Za-z0-9][\w.\-~/+!]*?)@(?P<version>v\d[\w.\-+]*|latest|upgrade|patch)(?P<gomod>/go\.mod)?\b"
)
_HASH = r"h1:[A-Za-z0-9+/=]+"
_MISMATCH_HEAD = re.compile(
    r"verifying (?:(?P<mv>\S+?@\S+?)|(?P<noun>module|go\.mod)): checksum mismatch"
)
_DOWNLOADED = re.compile(rf"downloaded:\s*(?P<h>{_HASH})")
_LABELLED = re.compile(rf"^\s*(?P<label>[^\s:][^:]*?):\s+(?P<h>{_HASH})\s*$", re.M)
_HTTP_STATUS = re.compile(r"reading (?P<url>https?://\S+?): (?P<status>404 Not Found|410 Gone)")
# URLs of the module proxy and checksum-database protocols (and go-get discovery), so an unrelated
# HTTP error in a test log is never taken for a module failure.
_MODULE_URL = re.compile(
    r"https?://\S*(?:/@v/|/@latest|/lookup/[^\s\"]+@v|/tile/\d+/|/sumdb/|\?go-get=1)"
    r"|sum\.golang\.org|proxy\.golang\.org|verifying (?:module|go\.mod)"
)
_NET_ERROR = re.compile(
    r"(?P<kind>x509: [^\n]*|tls: [^\n]*|TLS handshake timeout|no such host|server misbehaving"
    r"|i/o timeout|connection refused|connection reset by peer|context deadline exceeded"
    r"|Client\.Timeout exceeded[^\n]*|network is unreachable|unexpected EOF|EOF\s*$)",
    re.M,
)


def _first_modver(text: str) -> dict[str, str]:
    match = _MODVER.search(text)
    if not match:
        return {}
    out = {"module": match["module"], "version": match["version"]}
    if match["gomod"]:
        out["gomod"] = "1"
    return out


def _mismatch(block: Block) -> Failure | None:
    text = block.text
    head = _MISMATCH_HEAD.search(text)
    if head is None:
        return None
    fields = _first_modver(head["mv"] or text)
    if head["noun"] == "go.mod":
        fields["gomod"] = "1"
    downloaded = _DOWNLOADED.search(text)
    if downloaded:
        fields["downloaded"] = downloaded["h"]
    label = ""
    for match in _LABELLED.finditer(text):
        if match["label"].strip() != "downloaded":
            label, fields["recorded"] = match["label"].strip(), match["h"]
            break
    fields["label"] = label
    is_sumfile = label.endswith(("go.sum", "go.work.sum")) or (not label and head["mv"] is not None)
    family = Family.GOSUM_MISMATCH if is_sumfile else Family.SUMDB_MISMATCH
    fields["detail"] = fields.get("gomod", "")
    return Failure(family, block, fields)


def _misbehavior(block: Block) -> Failure | None:
    text = block.text
    # "checking tree#N against tree#M: reading .../tile/...: 404" is a mirror missing tiles,
    # not a fork.
    fetch_failed = _HTTP_STATUS.search(text) or _NET_ERROR.search(text)
    if re.search(r"misbehavior detected|cannot authenticate record data", text) or (
        re.search(r"checking tree#\d+ against tree#", text) and not fetch_failed
    ):
        kind = (
            "malformed-note" if re.search(r"malformed note|reading tree note: ", text) else "fork"
        )
    elif re.search(r"malformed note|malformed record data|reading tree note: ", text):
        kind = "malformed-note"
    else:
        return None
    fields = _first_modver(text)
    fields["detail"] = kind
    return Failure(Family.SUMDB_MISBEHAVIOR, block, fields)


def _zip_rejected(block: Block) -> Failure | None:
    match = re.search(
        r"case-insensitive file name collision: (?P<what>.*)|malformed file path "
        r"(?P<path>\"[^\"]*\"): ?(?P<why>.*)",
        block.text,
    )
    if not match:
        return None
    fields = _first_modver(block.text)
    fields["detail"] = "case-collision" if match["what"] else "malformed-path"
    fields["what"] = (match["what"] or match["path"] or "").strip()
    return Failure(Family.ZIP_REJECTED, block, fields)


_TOOLCHAIN = re.compile(
    r"download (?P<tc>go1[\w.\-]*) for (?P<plat>[\w/]+): toolchain not available"
    r"|download (?P<tc2>go1[\w.\-]*): (?P<err>.*)"
    r"|(?P<what>\S+) requires go >= (?P<need>[\w.\-]+) \(running go "
    r"(?P<run>[\w.\-]+)(?P<why>[^)\n]*)\)"
    r"|(?P<gowork>module \S+ listed in go\.work file requires go >= (?P<need2>[\w.\-]+))"
    r"|invalid go version '(?P<bad>[\w.\-]+)': must match format"
    r"|go\.mod file indicates go (?P<ind>[\w.\-]+), but maximum supported version is "
    r"(?P<max>[\w.\-]+)"
    r"|invalid toolchain: (?P<lang>\S+) is a language version"
    r"|cannot find \"(?P<path>go1[^\"]*)\" in PATH"
)


def _toolchain(block: Block) -> Failure | None:
    match = _TOOLCHAIN.search(block.text)
    if not match:
        return None
    if match["tc"]:
        fields = {"detail": "not-available", "toolchain": match["tc"]}
    elif match["tc2"]:
        fields = {"detail": "download-failed", "toolchain": match["tc2"], "error": match["err"]}
    elif match["need"]:
        fields = {
            "detail": "too-new",
            "need": match["need"],
            "running": match["run"],
            "why": match["why"],
            "what": match["what"],
        }
    elif match["gowork"]:
        fields = {"detail": "gowork-too-old", "need": match["need2"]}
    elif match["bad"]:
        fields = {"detail": "old-go-three-part", "need": match["bad"]}
    elif match["ind"]:
        fields = {"detail": "old-go-too-new-gomod", "need": match["ind"], "running": match["max"]}
    elif match["lang"]:
        fields = {"detail": "language-version", "toolchain": match["lang"]}
    else:
        fields = {"detail": "not-in-path", "toolchain": match["path"]}
    return Failure(Family.TOOLCHAIN, block, fields)


_BAD_ENV = re.compile(
    r"(?P<gosumdb>invalid GOSUMDB[^\n]*|malformed verifier id)"
    r"|unknown go command variable (?P<var>\w+)"
    r"|(?P<proxy>GOPROXY list is not the empty string, but contains no entries)"
    r"|(?P<insecure>-insecure flag is no longer supported)"
    r"|(?P<goflags>parsing \$GOFLAGS: [^\n]*)"
)


def _bad_env(block: Block) -> Failure | None:
    match = _BAD_ENV.search(block.text)
    if not match:
        return None
    if match["gosumdb"]:
        fields = {"detail": "gosumdb", "variable": "GOSUMDB", "what": match["gosumdb"]}
    elif match["var"]:
        fields = {"detail": "unknown-variable", "variable": match["var"]}
    elif match["proxy"]:
        fields = {"detail": "goproxy", "variable": "GOPROXY"}
    elif match["insecure"]:
        fields = {"detail": "insecure-flag", "variable": "GOFLAGS"}
    else:
        fields = {"detail": "goflags", "variable": "GOFLAGS", "what": match["goflags"]}
    return Failure(Family.BAD_ENV, block, fields)


_MISSING = re.compile(
    r"missing go\.sum entry needed to verify package (?P<pkg1>\S+)(?P<im1> \(imported by "
    r"[^)]*\))? is provided by exactly one module"
    r"|missing go\.sum entry for module providing package (?P<pkg>[^\s;]+)"
    r"|missing go\.sum entry for go\.mod file"
    r"|missing go\.sum entry"
)


def _missing(block: Block) -> Failure | None:
    match = _MISSING.search(block.text)
    if not match:
        return None
    fields = _first_modver(block.text[: match.start()]) or {}
    if match["pkg1"]:
        fields.update(detail="ambiguous-package", package=match["pkg1"])
    elif match["pkg"]:
        fields.update(detail="package", package=match["pkg"])
    elif "for go.mod file" in match.group(0):
        fields.update(detail="gomod-file")
    else:
        fields.update(detail="module")
    fix = re.search(r"\n\s*(go (?:mod download|get)[^\n]*)", block.text)
    if fix:
        fields["suggested"] = fix.group(1).strip()
    return Failure(Family.MISSING_GOSUM_ENTRY, block, fields)


def _updates(block: Block) -> Failure | None:
    match = re.search(
        r"updates to go\.(?P<file>sum|mod) needed(?:, disabled by "
        r"-mod=(?P<mode>\w+))?(?P<overlay>, but go\.\w+ is part of the overlay)?",
        block.text,
    )
    if not match:
        return None
    fields = _first_modver(block.text[: match.start()])
    fields.update(
        detail=f"go.{match['file']}", file=f"go.{match['file']}", mode=match["mode"] or ""
    )
    reason = re.search(
        r"\((Go version in go\.mod is[^)]*|[^)]*vendor directory exists[^)]*)\)", block.text
    )
    if reason:
        fields["reason"] = reason.group(1)
    if match["overlay"]:
        fields["overlay"] = "1"
    return Failure(Family.UPDATES_NEEDED, block, fields)


def _malformed(block: Block) -> Failure | None:
    match = re.search(
        r"malformed go\.sum:?\s*(?:\n\s*)?(?P<file>\S*go(?:\.work)?\.sum):(?P<line>\d+): "
        r"(?P<why>[^\n]*)",
        block.text,
    )
    if not match:
        if "malformed go.sum" not in block.text:
            return None
        return Failure(Family.MALFORMED_GOSUM, block, {"detail": ""})
    return Failure(
        Family.MALFORMED_GOSUM,
        block,
        {
            "detail": match["file"],
            "file": match["file"],
            "line": match["line"],
            "why": match["why"],
        },
    )


_VENDOR_SUB = re.compile(
    r"^\s*(?P<mod>[^\s@:]+)(?:@(?P<ver>\S+))?: "
    r"(?P<msg>is explicitly required in go\.mod, but (?:not marked as explicit"
    r"|vendor/modules\.txt indicates)"
    r"|is replaced(?: by \S+)? in \S+, but (?:not marked as replaced|marked as replaced by)"
    r"|is marked as explicit in vendor/modules\.txt, but not explicitly required"
    r"|is marked as replaced in vendor/modules\.txt, but not replaced)",
    re.M,
)


def _vendoring(block: Block) -> Failure | None:
    match = re.search(r"inconsistent vendoring in (?P<dir>[^\n]*?):?\s*$", block.text, re.M)
    subs = [
        f"{m['mod']}{'@' + m['ver'] if m['ver'] else ''}: {m['msg']}"
        for m in _VENDOR_SUB.finditer(block.text)
    ]
    if not match and not subs:
        return None
    where = match["dir"] if match else ""
    tool = "go work vendor" if re.search(r"go work vendor", block.text) else "go mod vendor"
    return Failure(
        Family.INCONSISTENT_VENDORING,
        block,
        {
            "detail": where,
            "dir": where,
            "count": str(len(subs)),
            "subs": "\n".join(subs[:20]),
            "tool": tool,
        },
    )


def _vendor_lookup(block: Block) -> Failure | None:
    match = re.search(
        r"(?P<kind>import|module) lookup disabled by -mod=vendor|cannot query module due to "
        r"-mod=vendor"
        r"|can't [^\n]*? using the vendor directory",
        block.text,
    )
    if not match:
        return None
    fields = _first_modver(block.text[: match.start()])
    pkg = re.search(
        r"cannot find module providing package (\S+?):|package (\S+) is not in", block.text
    )
    fields["package"] = (pkg.group(1) or pkg.group(2)) if pkg else ""
    fields["detail"] = fields["package"]
    fields["reason"] = "go-version-vendor" if "vendor directory exists" in block.text else ""
    return Failure(Family.VENDOR_LOOKUP_DISABLED, block, fields)


def _cache_modified(block: Block) -> Failure | None:
    # A module in a workspace or replaced by a directory prints with no version ("path : ...").
    match = re.search(
        r"(?P<module>\S+) (?P<version>v\S+|): (?P<kind>dir has been modified|zip has been "
        r"modified|missing ziphash)",
        block.text,
    )
    if not match:
        return None
    return Failure(
        Family.CACHE_MODIFIED,
        block,
        {
            "module": match["module"],
            "version": match["version"],
            "detail": match["kind"],
        },
    )


def _replace_missing(block: Block) -> Failure | None:
    match = re.search(
        r"replacement directory (?P<dir>\S+?):? (?P<why>does not exist|.*)$"
        # Go 1.16-1.20: "M@V (replaced by ./dir): reading dir/go.mod: open ...: no such file";
        # Go 1.11-1.15: "go: parsing ../dir/go.mod: open ../dir/go.mod: no such file".
        r"|\(replaced by (?P<dir2>[./][^)\s]*)\): reading \S*go\.mod: open \S+: no such file"
        r"|go: parsing (?P<dir3>\S*?)/?go\.mod: open \S+: no such file",
        block.text,
        re.M,
    )
    if not match:
        return None
    if not match["dir"]:
        where = match["dir2"] or match["dir3"] or "/"
        fields = _first_modver(block.text[: match.start()])
        fields.update(detail=where, dir=where)
        return Failure(Family.REPLACE_DIR_MISSING, block, fields)
    fields = _first_modver(block.text[: match.start()])
    fields.update(detail=match["dir"], dir=match["dir"])
    return Failure(Family.REPLACE_DIR_MISSING, block, fields)


def _path_mismatch(block: Block) -> Failure | None:
    match = re.search(
        r"module declares its path as:\s*(?P<declared>\S+)\s+but was required "
        r"as:\s*(?P<required>\S+)",
        block.text,
    )
    if not match:
        # Go <= 1.12: `parsing go.mod: unexpected module path "copy"`.
        old = re.search(
            r"(?P<required>[^\s:@]+)@\S+: parsing go\.mod: unexpected module path "
            r"\"(?P<declared>[^\"]*)\"",
            block.text,
        )
        if old is None:
            return None
        fields = _first_modver(block.text)
        fields.update(detail=old["required"], declared=old["declared"], required=old["required"])
        return Failure(Family.PATH_MISMATCH, block, fields)
    fields = _first_modver(block.text[: match.start()])
    fields.update(detail=match["required"], declared=match["declared"], required=match["required"])
    return Failure(Family.PATH_MISMATCH, block, fields)


def _not_found(block: Block) -> Failure | None:
    text = block.text
    match = _HTTP_STATUS.search(text)
    if not match or not _MODULE_URL.search(text):
        return None
    fields = _first_modver(text)
    url = match["url"]
    fields["url"] = url
    fields["status"] = match["status"]
    fields["server"] = (
        "sumdb" if ("/lookup/" in url or "/tile/" in url or "/sumdb/" in url) else "proxy"
    )
    response = re.search(r"server response:\s*(?P<r>(?:.|\n)*)", text)
    fields["response"] = response["r"].strip()[:2000] if response else ""
    fields["detail"] = fields["server"]
    return Failure(Family.NOT_FOUND, block, fields)


def _network(block: Block) -> Failure | None:
    text = block.text
    if not _MODULE_URL.search(text) and "golang.org/toolchain" not in text:
        return None
    err = _NET_ERROR.search(text)
    if not err or not re.search(r"(?:Get|Head|Post) \"?https?://", text):
        return None
    fields = _first_modver(text)
    host = re.search(r"(?:Get|Head|Post) \"?https?://([^/\s\"]+)", text)
    fields["host"] = host.group(1) if host else ""
    fields["error"] = err["kind"].strip()
    fields["detail"] = fields["host"]
    return Failure(Family.NETWORK, block, fields)


# Order matters: the most specific message wins when a block holds several (a sumdb 410 whose
# server response explains a zip rejection is a zip rejection).
CLASSIFIERS: tuple[Callable[[Block], Failure | None], ...] = (
    _misbehavior,
    _mismatch,
    _zip_rejected,
    _bad_env,  # before toolchain: a toolchain download can fail on a bad GOSUMDB
    _toolchain,
    _missing,
    _updates,
    _malformed,
    _vendoring,
    _vendor_lookup,
    _cache_modified,
    _replace_missing,
    _path_mismatch,
    _not_found,
    _network,
)


def classify(block: Block) -> Failure | None:
    """The failure this block reports, or None when it is no module failure."""
    for classifier in CLASSIFIERS:
        failure = classifier(block)
        if failure is not None:
            return failure
    return None
