"""Today's signed tree head of sum.golang.org verifies with its published key."""

from __future__ import annotations

import httpx
import pytest

from gomodcheck import note, tlog
from tests.conftest import run_cli

pytestmark = pytest.mark.realworld

SUM_KEY = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8"
LATEST = "https://proxy.golang.org/sumdb/sum.golang.org/latest"


def _fetch_latest() -> bytes:
    try:
        resp = httpx.get(LATEST, timeout=30)
    except httpx.HTTPError as exc:
        pytest.fail(f"cannot reach {LATEST} (this test needs the Go module proxy): {exc}")
    assert resp.status_code == 200, resp.text
    return resp.content


def test_fresh_sum_golang_org_checkpoint_verifies_and_a_changed_byte_does_not() -> None:
    data = _fetch_latest()
    opened = note.open_note(data, [note.parse_verifier_key(SUM_KEY)])
    tree = tlog.parse_tree(opened.text.encode())
    assert tree.n > 63_096_908  # larger than the newest recorded checkpoint in our assets
    changed = data.replace(b"\n", b"\n ", 1)
    with pytest.raises((note.InvalidSignatureError, note.MalformedNoteError)):
        note.open_note(changed, [note.parse_verifier_key(SUM_KEY)])


def test_cli_verifies_a_fresh_checkpoint_from_standard_input() -> None:
    result = run_cli("sumdb", "verify-note", "--key", SUM_KEY, "-", stdin=_fetch_latest().decode())
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("verified: sum.golang.org+033de0ae\n")
