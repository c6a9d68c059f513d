"""Each message kind of the go command (every wording since Go 1.13) is recognised as its family."""

from __future__ import annotations

import pytest

from tests.unit.diagnose.helpers import only, run

CASES = [
    (
        "verifying a.io/m@v1.0.0: checksum mismatch\n\tdownloaded: h1:A=\n\tgo.sum:     h1:B=\n",
        "gosum-mismatch",
    ),
    (
        "go: verifying a.io/m@v1.0.0: checksum mismatch\n\tdownloaded: h1:A=\n\tgo.work.sum:     h1:B=\n",
        "gosum-mismatch",
    ),
    (
        "go: a.io/m@v1.0.0: verifying module: checksum mismatch\n\tdownloaded: h1:A=\n\tsum.golang.org: h1:B=\n",
        "sumdb-mismatch",
    ),
    (
        "go: a.io/m@v1.0.0: verifying go.mod: checksum mismatch\n\tdownloaded: h1:A=\n\tsum.golang.org: h1:B=\n",
        "sumdb-mismatch",
    ),
    (
        "SECURITY ERROR\ngo.sum database server misbehavior detected!\n\nold database:\n\tgo.sum database tree\n",
        "sumdb-misbehavior",
    ),
    (
        "go: a.io/m@v1.0.0: missing go.sum entry for go.mod file; to add it:\n\tgo mod download a.io/m\n",
        "missing-gosum-entry",
    ),
    (
        "x.go:3:2: missing go.sum entry needed to verify package a.io/m/p (imported by b) is provided by exactly one module; to add:\n\tgo get b\n",
        "missing-gosum-entry",
    ),
    ("go: updates to go.mod needed, disabled by -mod=readonly\n", "updates-needed"),
    ("go: updates to go.sum needed, disabled by -mod=readonly\n", "updates-needed"),
    ("malformed go.sum:\n/w/go.sum:3: wrong number of fields 1\n", "malformed-gosum"),
    (
        "go: inconsistent vendoring in /w:\n\ta.io/m@v1.0.0: is replaced in go.mod, but not marked as replaced in vendor/modules.txt\n",
        "inconsistent-vendoring",
    ),
    (
        "go: inconsistent vendoring in /w:\n\ta.io/m@v1.0.0: is replaced by ../m in go.mod, but marked as replaced by ../n in vendor/modules.txt\n",
        "inconsistent-vendoring",
    ),
    (
        "go: inconsistent vendoring in /w:\n\ta.io/m@v1.0.0: is marked as replaced in vendor/modules.txt, but not replaced in go.mod\n",
        "inconsistent-vendoring",
    ),
    (
        "main.go:3:8: cannot find module providing package a.io/x: import lookup disabled by -mod=vendor\n\t(Go version in go.mod is at least 1.14 and vendor directory exists.)\n",
        "vendor-lookup-disabled",
    ),
    (
        "go: a.io/m@v1.0.0: reading https://proxy.golang.org/a.io/m/@v/v1.0.0.info: 410 Gone\n\tserver response: not found: a.io/m@v1.0.0: invalid version: unknown revision v1.0.0\n",
        "not-found",
    ),
    (
        'go: a.io/m@v1.0.0: Get "https://proxy.golang.org/a.io/m/@v/v1.0.0.info": dial tcp: lookup proxy.golang.org: i/o timeout\n',
        "network",
    ),
    ("go: GOPROXY list is not the empty string, but contains no entries\n", "bad-env"),
    ("go get: -insecure flag is no longer supported; use GOINSECURE instead\n", "bad-env"),
    (
        "go: module a.io/m listed in go.work file requires go >= 1.22, but go.work lists go 1.21; to update it:\n\tgo work use\n",
        "toolchain",
    ),
    (
        "go: errors parsing go.mod:\n/w/go.mod:3: invalid go version '1.22.0': must match format 1.23\n",
        "toolchain",
    ),
    ("go: go.mod file indicates go 1.22, but maximum supported version is 1.21\n", "toolchain"),
    ("a.io/m v1.0.0: zip has been modified (/c/a.io/m/@v/v1.0.0.zip)\n", "cache-modified"),
    ("go: a.io/m@v1.0.0: replacement directory ../m does not exist\n", "replace-dir-missing"),
    (
        "go: a.io/m@v1.0.0: parsing go.mod:\n\tmodule declares its path as: b.io/m\n\t        but was required as: a.io/m\n",
        "path-mismatch",
    ),
    (
        'go: a.io/m@v1.0.0: verifying module: a.io/m@v1.0.0: reading https://sum.golang.org/lookup/a.io/m@v1.0.0: 410 Gone\n\tserver response:\n\tnot found: create zip: case-insensitive file name collision: "A.go" and "a.go"\n',
        "zip-rejected",
    ),
]


@pytest.mark.parametrize(
    ("text", "family"), CASES, ids=[c[1] + str(i) for i, c in enumerate(CASES)]
)
def test_each_go_message_is_recognised_as_its_family(text: str, family: str) -> None:
    assert only(run(text)).properties["family"] == family


def test_several_failures_in_one_log_are_each_diagnosed_in_log_order() -> None:
    log = (
        "go: inconsistent vendoring in /w:\n\ta.io/m@v1.0.0: is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt\n"
        "some unrelated line\n"
        "go: download go1.22 for linux/amd64: toolchain not available\n"
    )
    families = [f.properties["family"] for f in run(log).findings]
    assert families == ["inconsistent-vendoring", "toolchain"]


def test_repeated_messages_collapse_into_one_finding_that_counts_them() -> None:
    one = "x.go:1:2: missing go.sum entry for module providing package a.io/m (imported by b); to add:\n\tgo get b\n"
    finding = only(run("noise\n".join([one] * 5)))
    assert finding.properties["repeats"] == 5


def test_evidence_keeps_the_original_log_line_numbers() -> None:
    log = "line one\nline two\n2024-01-01T00:00:00Z go: a.io/m@v1.0.0: replacement directory ../m does not exist\n"
    finding = only(run(log))
    assert finding.location is not None and finding.location.line == 3
    assert finding.evidence[0].startswith("ci.log:3: go: a.io/m@v1.0.0: replacement directory")


def test_inconsistent_vendoring_keeps_every_sub_message() -> None:
    subs = "".join(
        f"\ta.io/m{i}@v1.0.0: is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt\n"
        for i in range(30)
    )
    finding = only(
        run(
            "go: inconsistent vendoring in /w:\n"
            + subs
            + "\n\tTo ignore the vendor directory, use -mod=readonly or -mod=mod.\n\tTo sync the vendor directory, run:\n\t\tgo mod vendor\n"
        )
    )
    assert finding.location is not None and finding.location.end_line == 35
    assert "go mod vendor" in finding.fix_commands
