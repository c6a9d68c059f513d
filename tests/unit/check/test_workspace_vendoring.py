"""The go command's vendoring decisions in workspace mode, on small inputs (the oracle compares
the whole thing with the go command on real vendored workspaces)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gomodcheck.check.vendoring import (
    WorkspaceVendorCheck,
    check_workspace_consistency,
    workspace_vendor_mode,
)
from gomodcheck.goenv import mod_flag
from gomodcheck.modfile import parse_gomod, parse_gowork
from gomodcheck.vendor import modules_txt_is_for_workspace, parse_modules_txt


@pytest.mark.parametrize(
    ("text", "want"),
    [
        (b"## workspace\n# a.com/m v1.0.0\n", True),
        (b"## explicit; workspace \n", True),  # any ;-separated entry, trimmed
        (b"## workspace", True),  # no newline at all
        (b"# a.com/m v1.0.0\n## workspace\n", False),  # only the first line counts
        (b"##workspace\n", False),
        (b"", False),
        (b"## " + b"x" * 600 + b";workspace\n", False),  # beyond the 512 bytes read
    ],
)
def test_only_a_first_workspace_annotation_line_marks_go_work_vendor_output(
    text: bytes, want: bool
) -> None:
    assert modules_txt_is_for_workspace(text) is want


@pytest.mark.parametrize(
    ("goflags", "want"),
    [
        ("", ""),
        ("-mod=vendor", "vendor"),
        ("--mod=readonly -modcacherw", "readonly"),
        ("-mod=vendor -mod=mod", "mod"),  # the last one wins
        ("'-mod=vendor' -trimpath", "vendor"),
        ("-mod vendor", ""),  # GOFLAGS takes -x=value only
        ("-mod=vendor '-trimpath", ""),  # an unterminated quote: the go command refuses GOFLAGS
    ],
)
def test_the_mod_flag_is_read_from_goflags_as_the_go_command_reads_it(
    goflags: str, want: str
) -> None:
    assert mod_flag(goflags) == want


def _vendor_dir(tmp_path: Path, modules_txt: str | None) -> Path:
    d = tmp_path / "vendor"
    d.mkdir()
    if modules_txt is not None:
        (d / "modules.txt").write_text(modules_txt)
    return d


def test_vendor_is_the_default_only_for_go_work_vendor_output_and_a_go_line(
    tmp_path: Path,
) -> None:
    assert not workspace_vendor_mode("1.22", tmp_path / "vendor").vendor_dir_exists
    d = _vendor_dir(tmp_path, "## workspace\n")
    assert workspace_vendor_mode("1.22", d).vendor
    assert workspace_vendor_mode("", d).reason == (
        "Go version in go.work is unspecified, so vendor directory was not used."
    )
    assert not workspace_vendor_mode("1.13", d).vendor
    assert workspace_vendor_mode("1.22", d, "readonly").build_mod == "readonly"
    (d / "modules.txt").write_text("# a.com/m v1.0.0\n")
    mode = workspace_vendor_mode("1.22", d)
    assert (mode.build_mod, mode.reason) == (
        "readonly",
        "In workspace mode, but vendor directory is not for a workspace",
    )
    assert workspace_vendor_mode("1.22", d, "vendor").vendor  # explicit -mod=vendor
    (d / "modules.txt").unlink()
    assert not workspace_vendor_mode("1.22", d).vendor


def test_a_module_directory_replacement_is_compared_relative_to_the_workspace(
    tmp_path: Path,
) -> None:
    """`go work vendor` writes a module's `../x` as the workspace-relative `./x`
    (canonicalizeReplacePath), and go.work's own replacements as written."""
    work = parse_gowork(
        b"go 1.22\n\nuse ./a\n\nreplace b.com/w => ./w\n", str(tmp_path / "go.work")
    )
    gomod = parse_gomod(
        b"module a.com/a\n\ngo 1.22\n\nrequire b.com/x v1.0.0\n\nreplace b.com/x => ../x\n",
        str(tmp_path / "a" / "go.mod"),
    )
    check = WorkspaceVendorCheck(work, tmp_path / "go.work", [(tmp_path / "a", gomod)], tmp_path)
    good = (
        "## workspace\n# b.com/x v1.0.0 => ./x\n## explicit\nb.com/x\n"
        "# b.com/w => ./w\n# b.com/x => ./x\n"
    )
    txt = tmp_path / "vendor" / "modules.txt"
    assert check_workspace_consistency(check, parse_modules_txt(good.encode()), txt) == []
    bad = good.replace("# b.com/x => ./x", "# b.com/x => ../x")
    [issue] = check_workspace_consistency(check, parse_modules_txt(bad.encode()), txt)
    assert issue.go_text == (
        "b.com/x: is replaced by ../x in a/go.mod, but marked as replaced by ../x in "
        "vendor/modules.txt"
    )
    assert (issue.file, issue.line) == (str(tmp_path / "a" / "go.mod"), 7)
