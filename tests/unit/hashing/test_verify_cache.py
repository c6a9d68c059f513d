"""verify --cache on a synthetic module cache: what a user learns about a tampered cache."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from gomodcheck import digestcache
from gomodcheck.digestcache import DigestCache
from gomodcheck.findings import Report
from gomodcheck.verify import cache as vcache
from gomodcheck.verify.cache import Change, FileChange
from tests.unit.hashing import fakecache


def _run(tmp_path: Path, *, db: Path | None = None) -> tuple[vcache.CacheResult, Report]:
    cache = vcache.ModCache(tmp_path / "modcache")
    gosums = vcache.read_gosums(tmp_path / "project")
    digests = DigestCache(db)
    try:
        result = vcache.verify_cache(gosums, cache, digests, jobs=2)
    finally:
        digests.close()
    return result, vcache.to_report(result, Report("verify"))


def _rules(report: Report) -> list[tuple[str, str]]:
    return sorted((f.rule_id, str(f.properties["module"])) for f in report.findings)


def test_clean_cache_has_no_findings_and_absent_modules_are_only_counted(tmp_path: Path) -> None:
    fakecache.build(tmp_path)
    _result, report = _run(tmp_path)
    assert report.findings == []
    assert report.summary["modules in go.sum"] == 3
    assert report.summary["modules in cache"] == 2
    assert report.summary["modules verified"] == 2
    assert report.summary["go.mod files checked"] == 2


def test_modified_added_and_deleted_files_are_each_named(tmp_path: Path) -> None:
    cache, _, mods = fakecache.build(tmp_path)
    root = cache.extracted_dir(mods["a"])
    (root / "a.go").write_text("package a // backdoor\n")
    (root / "sub" / "new.go").write_text("package sub\n")
    (root / "LICENSE").unlink()
    result, report = _run(tmp_path)
    check = next(c for c in result.modules if c.module == mods["a"])
    assert check.dir_changes == (
        FileChange("LICENSE", Change.REMOVED),
        FileChange("a.go", Change.CHANGED),
        FileChange("sub/new.go", Change.ADDED),
    )
    assert _rules(report) == [("CACHE002", "example.com/a")]
    finding = report.findings[0]
    assert "dir has been modified (1 added, 1 removed, 1 changed)" in finding.message
    assert "changed: a.go" in finding.evidence
    assert finding.location is not None and finding.location.line == 1


def test_modified_zip_is_reported_like_go_mod_verify(tmp_path: Path) -> None:
    cache, _, mods = fakecache.build(tmp_path)
    zpath = cache.zip_path(mods["Up"])
    with zipfile.ZipFile(zpath, "w") as z:
        z.writestr("github.com/Up/Case@v0.2.0/case.go", "package evil\n")
    _, report = _run(tmp_path)
    assert ("CACHE001", "github.com/Up/Case") in _rules(report)
    assert any("zip has been modified" in f.message for f in report.findings)


def test_missing_ziphash_is_reported(tmp_path: Path) -> None:
    cache, _, mods = fakecache.build(tmp_path)
    cache.ziphash_path(mods["a"]).unlink()
    _, report = _run(tmp_path)
    assert _rules(report) == [("CACHE005", "example.com/a")]


def test_cache_consistent_with_itself_but_not_with_go_sum_is_caught(tmp_path: Path) -> None:
    # A poisoned cache: zip, directory and .ziphash all agree, so `go mod verify` passes.
    _cache, project, _mods = fakecache.build(tmp_path)
    gosum = project / "go.sum"
    lines = gosum.read_text().splitlines()
    lines[0] = "example.com/a v1.0.0 h1:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB="
    gosum.write_text("\n".join(lines) + "\n")
    _, report = _run(tmp_path)
    assert _rules(report) == [("CACHE003", "example.com/a")]


def test_cached_go_mod_that_differs_from_go_sum_is_caught(tmp_path: Path) -> None:
    cache, _, mods = fakecache.build(tmp_path)
    cache.mod_path(mods["Up"]).write_text(
        "module github.com/Up/Case\n\nrequire evil.com/x v1.0.0\n"
    )
    _, report = _run(tmp_path)
    assert _rules(report) == [("CACHE004", "github.com/Up/Case")]


def test_interrupted_extraction_is_a_warning(tmp_path: Path) -> None:
    cache, _, mods = fakecache.build(tmp_path)
    cache.partial_path(mods["a"]).write_bytes(b"")
    _, report = _run(tmp_path)
    assert [(f.rule_id, f.severity.value) for f in report.findings] == [("CACHE006", "warning")]


def test_corrupt_zip_is_reported_not_a_crash(tmp_path: Path) -> None:
    cache, _, mods = fakecache.build(tmp_path)
    cache.zip_path(mods["a"]).write_bytes(b"PK\x03\x04 truncated")
    _, report = _run(tmp_path)
    assert ("CACHE007", "example.com/a") in _rules(report)


def test_second_run_reuses_digests_and_never_trusts_a_changed_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(digestcache, "RACY_SECONDS", 0)  # files here were all written just now
    cache, _, mods = fakecache.build(tmp_path)
    db = tmp_path / "state" / "digests.sqlite3"
    first, _ = _run(tmp_path, db=db)
    second, report = _run(tmp_path, db=db)
    assert first.files_hashed == 8 and first.files_reused == 0  # 6 files + 2 zips
    assert second.files_hashed == 0 and second.files_reused == 8
    assert report.findings == []
    # Same size, mtime put back: only ctime betrays the edit, and that is enough.
    target = cache.extracted_dir(mods["a"]) / "a.go"
    st = target.stat()
    target.write_text("package A\n")
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    third, report = _run(tmp_path, db=db)
    assert third.files_hashed == 1
    assert [f.rule_id for f in report.findings] == ["CACHE002"]
    assert "changed: a.go" in report.findings[0].evidence


def test_racy_files_are_not_stored(tmp_path: Path) -> None:
    fakecache.build(tmp_path)
    db = tmp_path / "state" / "digests.sqlite3"
    _run(tmp_path, db=db)
    second, _ = _run(tmp_path, db=db)
    assert second.files_reused == 0
