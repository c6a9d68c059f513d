"""Real signed tree heads of sum.golang.org verify with its real key; any one-byte change fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from gomodcheck.errors import GomodcheckError
from gomodcheck.note import open_note, parse_verifier_key
from gomodcheck.sumdb import SUM_GOLANG_ORG_KEY, parse_gosumdb
from gomodcheck.tlog import parse_record, parse_tree, record_hash

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "sumdb"
GOOD = sorted(p for p in ASSETS.glob("checkpoint_*.note") if "6353345" not in p.name)


def test_the_default_gosumdb_key_is_sum_golang_orgs() -> None:
    cfg = parse_gosumdb("sum.golang.org")
    assert cfg is not None and cfg.key == SUM_GOLANG_ORG_KEY
    v = parse_verifier_key(SUM_GOLANG_ORG_KEY)
    assert (v.name, f"{v.key_hash:08x}") == ("sum.golang.org", "033de0ae")


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_real_checkpoint_verifies_and_parses(path: Path) -> None:
    note = open_note(path.read_bytes(), [parse_verifier_key(SUM_GOLANG_ORG_KEY)])
    tree = parse_tree(note.text.encode())
    assert str(tree.n) in path.name


@pytest.mark.parametrize("path", GOOD[:3], ids=lambda p: p.name)
def test_one_byte_change_to_a_checkpoint_fails(path: Path) -> None:
    data = path.read_bytes()
    verifier = parse_verifier_key(SUM_GOLANG_ORG_KEY)
    text_end = data.index(b"\n\n")
    sig_at = data.index(b"\xe2\x80\x94 sum.golang.org ") + len("— sum.golang.org ".encode()) + 8
    for where in (25, text_end - 3, sig_at):  # the size, the hash, the signature
        mutated = bytearray(data)
        mutated[where] = ord("A") if mutated[where] != ord("A") else ord("B")
        with pytest.raises(GomodcheckError):
            open_note(bytes(mutated), [verifier])


def test_one_byte_change_to_the_key_fails() -> None:
    data = GOOD[0].read_bytes()
    body = SUM_GOLANG_ORG_KEY.rsplit("+", 1)
    changed = body[0] + "+" + body[1][:10] + ("A" if body[1][10] != "A" else "B") + body[1][11:]
    with pytest.raises(GomodcheckError):
        open_note(data, [parse_verifier_key(changed)])


def test_checkpoint_with_broken_witness_signature_is_malformed() -> None:
    data = (ASSETS / "checkpoint_6353345_cosigned.note").read_bytes()
    with pytest.raises(GomodcheckError):
        open_note(data, [parse_verifier_key(SUM_GOLANG_ORG_KEY)])


def test_real_lookup_response_has_a_valid_record_and_signed_tree() -> None:
    data = (ASSETS / "lookup_github.com_go-chi_chi_v5@v5.3.2.txt").read_bytes()
    record_id, text, note_msg = parse_record(data)
    assert record_id == 60295460
    assert text.startswith(b"github.com/go-chi/chi/v5 v5.3.2 h1:")
    assert len(record_hash(text)) == 32
    tree = parse_tree(open_note(note_msg, [parse_verifier_key(SUM_GOLANG_ORG_KEY)]).text.encode())
    assert tree.n > record_id
