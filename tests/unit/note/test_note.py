"""Signed notes behave exactly as x/mod sumdb/note: its test vectors, and real sum.golang.org checkpoints."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gomodcheck import note
from gomodcheck.errors import EXIT_FINDINGS, EXIT_USAGE

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "sumdb_checkpoints"
SUM_GOLANG_ORG = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8"

PETER_KEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
ENOCH_KEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
PETER_SIG = (
    "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotp"
    "RZb6KE6RyyBwJnAM=\n"
)
ENOCH_SIG = (
    "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33"
    "WWd1RvMc+QQ=\n"
)
PETER = note.Signature("PeterNeumann", 0xC74F20A3, PETER_SIG[15:-1])
ENOCH = note.Signature("EnochRoot", 0xAF0CFE78, ENOCH_SIG[12:-1])


def _rejects_verifier(k: str) -> bool:
    try:
        note.parse_verifier_key(k)
    except note.MalformedKeyError:
        return True
    return False


def _rejects_signer(k: str) -> bool:
    try:
        note.parse_signer_key(k)
    except note.MalformedKeyError:
        return True
    return False


def test_verifier_key_parses_and_every_substring_or_byte_change_is_rejected() -> None:
    v = note.parse_verifier_key(PETER_KEY)
    assert (v.name, v.key_hash, v.key) == ("PeterNeumann", 0xC74F20A3, PETER_KEY)
    for i in range(len(PETER_KEY) + 1):
        for j in range(i + 1, len(PETER_KEY) + 1):
            if (i, j) != (0, len(PETER_KEY)):
                assert _rejects_verifier(PETER_KEY[i:j]), PETER_KEY[i:j]
    for i in range(len(PETER_KEY)):
        bumped = PETER_KEY[:i] + chr(ord(PETER_KEY[i]) + 1) + PETER_KEY[i + 1 :]
        assert _rejects_verifier(bumped), bumped
    # Wrong key length and unknown algorithm, each with a matching key hash.
    assert _rejects_verifier(
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="
    )
    assert _rejects_verifier("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")


def test_signer_key_parses_and_every_substring_or_byte_change_is_rejected() -> None:
    s = note.parse_signer_key(PETER_SKEY)
    assert (s.name, s.key_hash) == ("PeterNeumann", 0xC74F20A3)
    assert s.verifier().key == PETER_KEY
    for i in range(len(PETER_SKEY) + 1):
        for j in range(i + 1, len(PETER_SKEY) + 1):
            if (i, j) != (0, len(PETER_SKEY)):
                assert _rejects_signer(PETER_SKEY[i:j]), PETER_SKEY[i:j]
    for i in range(len(PETER_SKEY)):
        bumped = PETER_SKEY[:i] + chr(ord(PETER_SKEY[i]) + 1) + PETER_SKEY[i + 1 :]
        assert _rejects_signer(bumped), bumped


def test_key_errors_never_echo_the_private_key() -> None:
    with pytest.raises(note.MalformedKeyError) as info:
        note.parse_signer_key(PETER_SKEY[:-2])
    assert "AYEKFALV" not in str(info.value)
    assert info.value.exit_code == EXIT_USAGE


def test_generated_keys_sign_and_verify_and_detect_corruption() -> None:
    skey, vkey = note.generate_key("EnochRoot")
    signer = note.parse_signer_key(skey)
    verifier = note.parse_verifier_key(vkey)
    assert signer.name == verifier.name == "EnochRoot"
    assert signer.key_hash == verifier.key_hash
    sig = signer.sign(b"hi")
    assert verifier.verify(b"hi", sig)
    assert not verifier.verify(b"hi", bytes([sig[0] ^ 1]) + sig[1:])
    assert not verifier.verify(b"ii", sig)
    assert not verifier.verify(b"hi", sig[:-1])


def test_generate_key_rejects_names_the_go_command_would_reject() -> None:
    for bad in ("", "a b", "a+b", "tab\there", "nbsp\xa0x"):
        with pytest.raises(note.MalformedKeyError):
            note.generate_key(bad)


def test_ed25519_verifier_key_from_raw_public_key() -> None:
    v = note.parse_verifier_key(PETER_KEY)
    assert note.ed25519_verifier_key("PeterNeumann", v.public_key) == PETER_KEY
    with pytest.raises(ValueError, match="public key size"):
        note.ed25519_verifier_key("PeterNeumann", v.public_key[:-1])


def test_sign_matches_x_mod_byte_for_byte() -> None:
    signer = note.parse_signer_key(PETER_SKEY)
    want = (TEXT + "\n" + PETER_SIG).encode()
    assert note.sign(TEXT, [signer]) == want
    # An old signature by the same key is replaced, not repeated.
    old = note.Note(TEXT, (note.Signature("PeterNeumann", 0xC74F20A3, "BADSIGN="),))
    assert note.sign(old, [signer]) == want


def test_sign_keeps_other_signatures_and_rejects_bad_input() -> None:
    signer = note.parse_signer_key(PETER_SKEY)
    kept = note.sign(note.Note(TEXT, (ENOCH,)), [signer])
    assert kept == (TEXT + "\n" + ENOCH_SIG + PETER_SIG).encode()
    with pytest.raises(note.MalformedNoteError):
        note.sign("abc", [signer])
    with pytest.raises(note.MalformedNoteError):
        note.sign(note.Note(TEXT, (note.Signature("a+b", 0, "ABCD"),)), [])
    with pytest.raises(note.MalformedNoteError):
        note.sign(note.Note(TEXT, (note.Signature("PeterNeumann", 0xC74F20A3, "BADHASH="),)), [])
    bad_name = note.Ed25519Signer("bad name", signer.key_hash, signer.seed)
    with pytest.raises(note.MalformedNoteError, match="invalid signer"):
        note.sign(TEXT, [bad_name])


def test_verifier_lookup_reports_unknown_and_ambiguous_keys() -> None:
    peter = note.parse_verifier_key(PETER_KEY)
    enoch = note.parse_verifier_key(ENOCH_KEY)
    known = note.Verifiers([peter, enoch, enoch])
    assert known.verifier("PeterNeumann", 0xC74F20A3) is peter
    with pytest.raises(note.UnknownVerifierError, match=r"unknown key PeterNeumann[+]c74f20a4"):
        known.verifier("PeterNeumann", 0xC74F20A4)
    with pytest.raises(note.UnknownVerifierError, match=r"unknown key PeterNeuman[+]c74f20a3"):
        known.verifier("PeterNeuman", 0xC74F20A3)
    with pytest.raises(note.AmbiguousKeyError, match=r"ambiguous key EnochRoot[+]af0cfe78"):
        known.verifier("EnochRoot", 0xAF0CFE78)


def test_open_verifies_known_signatures_and_keeps_unknown_ones() -> None:
    peter = note.parse_verifier_key(PETER_KEY)
    enoch = note.parse_verifier_key(ENOCH_KEY)
    msg = (TEXT + "\n" + PETER_SIG + ENOCH_SIG).encode()
    n = note.open_note(msg, [peter])
    assert n.text == TEXT
    assert n.sigs == (PETER,)
    assert n.unverified_sigs == (ENOCH,)
    n = note.open_note(msg, [peter, enoch])
    assert n.sigs == (PETER, ENOCH)
    assert n.unverified_sigs == ()


def test_open_without_a_known_signature_fails_and_still_shows_the_note() -> None:
    msg = TEXT + "\n" + PETER_SIG + ENOCH_SIG
    with pytest.raises(note.UnverifiedNoteError, match="note has no verifiable signatures") as info:
        note.open_note(msg, [])
    assert info.value.note.unverified_sigs == (PETER, ENOCH)
    assert info.value.exit_code == EXIT_FINDINGS


def test_open_ambiguous_verifier_is_an_error_only_when_used() -> None:
    peter = note.parse_verifier_key(PETER_KEY)
    enoch = note.parse_verifier_key(ENOCH_KEY)
    with pytest.raises(note.AmbiguousKeyError):
        note.open_note(TEXT + "\n" + ENOCH_SIG, [enoch, peter, enoch])
    assert note.open_note(TEXT + "\n" + PETER_SIG, [enoch, peter, enoch]).sigs == (PETER,)


def test_open_rejects_more_than_100_signatures() -> None:
    peter = note.parse_verifier_key(PETER_KEY)
    for known in ([peter], []):
        with pytest.raises(note.MalformedNoteError):
            note.open_note(TEXT + "\n" + PETER_SIG * 101, known)
    assert note.open_note(TEXT + "\n" + PETER_SIG * 100, [peter]).sigs == (PETER,)


def test_open_rejects_a_changed_signature_from_a_known_key() -> None:
    peter = note.parse_verifier_key(PETER_KEY)
    with pytest.raises(note.InvalidSignatureError, match="invalid signature for key PeterNeumann"):
        note.open_note(TEXT + "\n" + PETER_SIG[:60] + "ABCD" + PETER_SIG[60:], [peter])


def test_open_deduplicates_repeated_signatures() -> None:
    peter = note.parse_verifier_key(PETER_KEY)
    enoch_abcd = note.Signature(
        "EnochRoot", 0xAF0CFE78, ENOCH.base64[:46] + "ABCD" + ENOCH.base64[46:]
    )
    msg = TEXT + "\n" + PETER_SIG + PETER_SIG + ENOCH_SIG + ENOCH_SIG
    # x/mod cuts at byte 60; the em dash is 3 bytes in UTF-8, so that is character 58 here.
    msg += ENOCH_SIG[:58] + "ABCD" + ENOCH_SIG[58:]
    n = note.open_note(msg, [peter])
    assert n.sigs == (PETER,)
    assert n.unverified_sigs == (ENOCH, enoch_abcd)


@pytest.mark.parametrize(
    "msg",
    [
        TEXT,
        TEXT + "\n",
        TEXT + "\n" + PETER_SIG[:-1],
        "\x01" + TEXT + "\n" + PETER_SIG,
        "\r" + TEXT + "\n" + PETER_SIG,
        TEXT + "\n" + "— Bad Name " + PETER.base64,
        TEXT + "\n" + "— Bad Name " + PETER.base64 + "\n",
        TEXT + "\n" + PETER_SIG + "Unexpected line.\n",
        TEXT + "\n" + "— PeterNeumann \n",
        TEXT + "\n" + "— PeterNeumann AAAAAA==\n",  # shorter than hash + 1 byte
    ],
)
def test_open_rejects_malformed_notes(msg: str) -> None:
    peter = note.parse_verifier_key(PETER_KEY)
    with pytest.raises(note.MalformedNoteError) as info:
        note.open_note(msg, [peter])
    assert info.value.exit_code == EXIT_USAGE


def test_open_rejects_invalid_utf8() -> None:
    with pytest.raises(note.MalformedNoteError):
        note.open_note(b"\xff" + (TEXT + "\n" + PETER_SIG).encode(), [note.parse_verifier_key(PETER_KEY)])


class _FixedVerifiers(note.Verifiers):
    def __init__(self, v: note.Verifier) -> None:
        self._v = v

    def verifier(self, name: str, key_hash: int) -> note.Verifier:
        return self._v


def test_open_rejects_a_verifier_that_answers_for_another_key() -> None:
    peter = note.parse_verifier_key(PETER_KEY)
    misnamed = PETER_SIG.replace("PeterNeumann", "CarmenSandiego")
    with pytest.raises(note.MismatchedVerifierError):
        note.open_note(TEXT + "\n" + misnamed, _FixedVerifiers(peter))
    wrong_hash = PETER_SIG.replace("x08g", "xxxx")
    with pytest.raises(note.MismatchedVerifierError):
        note.open_note(TEXT + "\n" + wrong_hash, _FixedVerifiers(peter))


# Real data: signed tree heads of sum.golang.org as published.

def _checkpoints() -> list[Path]:
    found = sorted(ASSETS.glob("checkpoint_*.note"))
    assert len(found) >= 8, f"missing checkpoint assets in {ASSETS}"
    return found


def test_real_sum_golang_org_key_file_matches_the_known_key() -> None:
    assert (ASSETS / "sum.golang.org.vkey").read_text().strip() == SUM_GOLANG_ORG
    assert note.parse_verifier_key(SUM_GOLANG_ORG).key_hash == 0x033DE0AE


@pytest.mark.parametrize("path", _checkpoints(), ids=lambda p: p.name)
def test_every_real_checkpoint_opens_as_x_mod_does(path: Path) -> None:
    key = note.parse_verifier_key(SUM_GOLANG_ORG)
    data = path.read_bytes()
    if path.name == "checkpoint_6353345_cosigned.note":
        # Its witness cosignature's base64 is broken as published; x/mod rejects the whole note.
        with pytest.raises(note.MalformedNoteError):
            note.open_note(data, [key])
        return
    n = note.open_note(data, [key])
    assert [s.name for s in n.sigs] == ["sum.golang.org"]
    assert n.text.startswith("go.sum database tree\n")
    assert n.text.split("\n")[1] in path.name
    if "cosigned" in path.name:
        assert n.unverified_sigs, "cosignatures by unknown witnesses are kept, unverified"
        assert all(s.name == "test.example.com" for s in n.unverified_sigs)


@pytest.mark.parametrize("path", _checkpoints()[:3], ids=lambda p: p.name)
def test_one_byte_change_to_a_real_checkpoint_fails(path: Path) -> None:
    key = note.parse_verifier_key(SUM_GOLANG_ORG)
    data = path.read_bytes()
    text_end = data.index(b"\n\n")
    for pos in range(text_end):
        changed = data[:pos] + bytes([data[pos] ^ 0x01]) + data[pos + 1 :]
        with pytest.raises((note.InvalidSignatureError, note.MalformedNoteError)):
            note.open_note(changed, [key])


def test_one_byte_change_to_the_real_key_fails() -> None:
    data = (ASSETS / "checkpoint_63096908.note").read_bytes()
    raw = note.parse_verifier_key(SUM_GOLANG_ORG).public_key
    for pos in range(len(raw)):
        changed = raw[:pos] + bytes([raw[pos] ^ 0x80]) + raw[pos + 1 :]
        forged = note.parse_verifier_key(note.ed25519_verifier_key("sum.golang.org", changed))
        with pytest.raises((note.InvalidSignatureError, note.UnverifiedNoteError)):
            note.open_note(data, [forged])


def test_real_lookup_response_tree_note_verifies() -> None:
    body = (ASSETS / "lookup_github.com_go-chi_chi_v5@v5.3.2.txt").read_bytes()
    record, _, signed = body.partition(b"\n\n")
    n = note.open_note(signed, [note.parse_verifier_key(SUM_GOLANG_ORG)])
    assert n.text.split("\n")[1] == "63096908"
    assert record.startswith(b"60295460\n")


@given(st.text(min_size=1, max_size=200).map(lambda s: s.replace("\n\n", "\n") + "\n"))
def test_sign_then_open_round_trips_any_text_without_control_characters(text: str) -> None:
    if any(c < " " and c != "\n" for c in text) or text.startswith("\n"):
        return
    skey, vkey = note.generate_key("roundtrip.example", seed=bytes(range(32)))
    signed = note.sign(text, [note.parse_signer_key(skey)])
    assert note.open_note(signed, [note.parse_verifier_key(vkey)]).text == text
