"""Signed notes: the text-plus-signatures format of Go's checksum database (x/mod sumdb/note).

A note is UTF-8 text ending in a newline, a blank line, then one line per signature:
``— <name> <base64(4-byte key hash || signature)>``. Keys are written as
``<name>+<8 hex digits of key hash>+<base64(algorithm byte || public key)>`` (verifier) and
``PRIVATE+KEY+<name>+<hash>+<base64(algorithm byte || seed)>`` (signer). The key hash is the first
four bytes of SHA-256 over ``name + "\\n" + algorithm byte + key``. Only Ed25519 (algorithm 1)
exists. This module does no I/O; its rules follow x/mod's exactly so that a note this tool
accepts is one the go command accepts, and the reverse.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from gomodcheck.errors import InputError, VerificationError

ALG_ED25519 = 1
MAX_SIGNATURES = 100
SIG_PREFIX = "— "

# Go's unicode.IsSpace: the Unicode White_Space property (Python's str.isspace differs on
# U+001C..U+001F, which Go does not count as space).
_GO_SPACE = frozenset(
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000"
)
_HEX8 = re.compile(r"[0-9A-Fa-f]{8}")
_B64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")


class MalformedKeyError(InputError):
    """A verifier or signer key string that is not well formed (exit 2)."""


class MalformedNoteError(InputError):
    """A note that breaks the format: control characters, bad signature lines, >100 signatures."""

    def __init__(self, message: str = "malformed note") -> None:
        super().__init__(message)


class AmbiguousKeyError(InputError):
    """Two configured verifiers share a name and key hash, so a signature cannot pick one."""


class UnverifiedNoteError(VerificationError):
    """No signature on the note is from a known key; carries the parsed note."""

    def __init__(self, note: Note) -> None:
        self.note = note
        super().__init__("note has no verifiable signatures")


class InvalidSignatureError(VerificationError):
    """A signature from a known key does not verify: the note or the signature was changed."""

    def __init__(self, name: str, key_hash: int) -> None:
        self.name = name
        self.key_hash = key_hash
        super().__init__(f"invalid signature for key {name}+{key_hash:08x}")


class MismatchedVerifierError(VerificationError):
    """A Verifiers lookup answered with a verifier for a different name or key hash."""

    def __init__(self) -> None:
        super().__init__("verifier name or hash doesn't match signature")


class UnknownVerifierError(VerificationError):
    def __init__(self, name: str, key_hash: int) -> None:
        self.name = name
        self.key_hash = key_hash
        super().__init__(f"unknown key {name}+{key_hash:08x}")


def is_valid_name(name: str) -> bool:
    """A key name: non-empty valid UTF-8, no white space, no '+'."""
    if not name or "+" in name or any(c in _GO_SPACE for c in name):
        return False
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates
        return False
    return True


def key_hash(name: str, key: bytes) -> int:
    """The 32-bit key hash that names a key inside signatures."""
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + key).digest()
    return int.from_bytes(digest[:4], "big")


def _go_b64decode(text: str) -> bytes | None:
    """base64.StdEncoding.DecodeString: padding required; CR and LF anywhere are skipped."""
    text = text.replace("\r", "").replace("\n", "")
    # Python's decoder forgives a missing or misplaced quantum; Go's does not.
    if len(text) % 4 or not _B64.fullmatch(text):
        return None
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class Verifier(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def key_hash(self) -> int: ...

    def verify(self, msg: bytes, sig: bytes) -> bool: ...


class Signer(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def key_hash(self) -> int: ...

    def sign(self, msg: bytes) -> bytes: ...


@dataclass(frozen=True)
class Ed25519Verifier:
    """A verifier for one Ed25519 public key."""

    name: str
    key_hash: int
    public_key: bytes

    def verify(self, msg: bytes, sig: bytes) -> bool:
        from cryptography.exceptions import InvalidSignature  # noqa: PLC0415 - lazy, heavy
        from cryptography.hazmat.primitives.asymmetric.ed25519 import (  # noqa: PLC0415
            Ed25519PublicKey,
        )

        if len(sig) != 64:
            return False
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(sig, msg)
        except (InvalidSignature, ValueError):
            return False
        return True

    @property
    def key(self) -> str:
        """The verifier key string, as users put it in GOSUMDB."""
        return f"{self.name}+{self.key_hash:08x}+{_b64(bytes([ALG_ED25519]) + self.public_key)}"


@dataclass(frozen=True)
class Ed25519Signer:
    """A signer holding one Ed25519 private seed."""

    name: str
    key_hash: int
    seed: bytes = field(repr=False)

    def sign(self, msg: bytes) -> bytes:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import (  # noqa: PLC0415
            Ed25519PrivateKey,
        )

        return Ed25519PrivateKey.from_private_bytes(self.seed).sign(msg)

    def verifier(self) -> Ed25519Verifier:
        return Ed25519Verifier(self.name, self.key_hash, _public_from_seed(self.seed))


def _public_from_seed(seed: bytes) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (  # noqa: PLC0415
        Ed25519PrivateKey,
    )
    from cryptography.hazmat.primitives.serialization import (  # noqa: PLC0415
        Encoding,
        PublicFormat,
    )

    pub = Ed25519PrivateKey.from_private_bytes(seed).public_key()
    return pub.public_bytes(Encoding.Raw, PublicFormat.Raw)


def parse_verifier_key(vkey: str) -> Ed25519Verifier:
    """Parse ``name+hash+base64``; raises MalformedKeyError for any defect x/mod rejects."""
    name, _, rest = vkey.partition("+")
    hash16, _, key64 = rest.partition("+")
    key = _go_b64decode(key64)
    if not _HEX8.fullmatch(hash16) or key is None or not is_valid_name(name) or not key:
        raise MalformedKeyError(f"malformed verifier id: {vkey!r}")
    if int(hash16, 16) != key_hash(name, key):
        raise MalformedKeyError(f"invalid verifier hash: {vkey!r}")
    if key[0] != ALG_ED25519:
        raise MalformedKeyError(f"unknown verifier algorithm: {vkey!r}")
    if len(key) != 33:
        raise MalformedKeyError(f"malformed verifier id: {vkey!r}")
    return Ed25519Verifier(name, int(hash16, 16), key[1:])


def parse_signer_key(skey: str) -> Ed25519Signer:
    """Parse ``PRIVATE+KEY+name+hash+base64``. Error messages never echo the secret."""
    parts = skey.split("+", 4)
    while len(parts) < 5:
        parts.append("")
    priv1, priv2, name, hash16, key64 = parts
    key = _go_b64decode(key64)
    if (
        priv1 != "PRIVATE"
        or priv2 != "KEY"
        or not _HEX8.fullmatch(hash16)
        or key is None
        or not is_valid_name(name)
        or not key
    ):
        raise MalformedKeyError("malformed signer key")
    if key[0] != ALG_ED25519:
        raise MalformedKeyError("unknown signer key algorithm")
    if len(key) != 33:
        raise MalformedKeyError("malformed signer key")
    seed = key[1:]
    if int(hash16, 16) != key_hash(name, bytes([ALG_ED25519]) + _public_from_seed(seed)):
        raise MalformedKeyError("invalid signer key hash")
    return Ed25519Signer(name, int(hash16, 16), seed)


def generate_key(name: str, seed: bytes | None = None) -> tuple[str, str]:
    """A new (signer key, verifier key) pair for name; seed only for reproducible tests."""
    if not is_valid_name(name):
        raise MalformedKeyError(f"invalid key name {name!r}: no spaces or '+', not empty")
    seed = os.urandom(32) if seed is None else seed
    if len(seed) != 32:
        raise ValueError("an Ed25519 seed is 32 bytes")
    pub = bytes([ALG_ED25519]) + _public_from_seed(seed)
    h = key_hash(name, pub)
    skey = f"PRIVATE+KEY+{name}+{h:08x}+{_b64(bytes([ALG_ED25519]) + seed)}"
    vkey = f"{name}+{h:08x}+{_b64(pub)}"
    return skey, vkey


def ed25519_verifier_key(name: str, public_key: bytes) -> str:
    """The verifier key string for a raw 32-byte Ed25519 public key."""
    if len(public_key) != 32:
        raise ValueError(f"invalid public key size {len(public_key)}, expected 32")
    pub = bytes([ALG_ED25519]) + public_key
    return f"{name}+{key_hash(name, pub):08x}+{_b64(pub)}"


class Verifiers:
    """A lookup of verifiers by (name, key hash); a duplicated pair is ambiguous when used."""

    def __init__(self, verifiers: Iterable[Verifier] = ()) -> None:
        self._by_key: dict[tuple[str, int], list[Verifier]] = {}
        for v in verifiers:
            self._by_key.setdefault((v.name, v.key_hash), []).append(v)

    def verifier(self, name: str, key_hash: int) -> Verifier:
        found = self._by_key.get((name, key_hash))
        if not found:
            raise UnknownVerifierError(name, key_hash)
        if len(found) > 1:
            raise AmbiguousKeyError(f"ambiguous key {name}+{key_hash:08x}")
        return found[0]


@dataclass(frozen=True)
class Signature:
    name: str
    key_hash: int
    base64: str


@dataclass(frozen=True)
class Note:
    text: str
    sigs: tuple[Signature, ...] = ()  # verified
    unverified_sigs: tuple[Signature, ...] = ()


def _check_chars(msg: bytes) -> str:
    try:
        text = msg.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedNoteError() from exc
    if any(c < " " and c != "\n" for c in text):
        raise MalformedNoteError()
    return text


def open_note(msg: bytes | str, verifiers: Verifiers | Iterable[Verifier]) -> Note:
    """Parse a signed note and verify its signatures against the known verifiers.

    Signatures by unknown keys are kept (unverified) and tolerated; a known key whose signature
    fails raises InvalidSignatureError; no known signature at all raises UnverifiedNoteError.
    Anything that breaks the format, including an undecodable signature line from any signer,
    raises MalformedNoteError, as x/mod does.
    """
    known = verifiers if isinstance(verifiers, Verifiers) else Verifiers(verifiers)
    raw = msg.encode("utf-8") if isinstance(msg, str) else msg
    _check_chars(raw)
    split = raw.rfind(b"\n\n")
    if split < 0:
        raise MalformedNoteError()
    text_bytes, sigs_block = raw[: split + 1], raw[split + 2 :]
    if not sigs_block or not sigs_block.endswith(b"\n"):
        raise MalformedNoteError()

    verified: list[Signature] = []
    unverified: list[Signature] = []
    seen: set[tuple[str, int]] = set()
    seen_unverified: set[str] = set()
    count = 0
    for line in sigs_block.decode("utf-8").split("\n")[:-1]:
        if not line.startswith(SIG_PREFIX):
            raise MalformedNoteError()
        body = line[len(SIG_PREFIX) :]
        name, _, b64 = body.partition(" ")
        sig = _go_b64decode(b64)
        if sig is None or not is_valid_name(name) or not b64 or len(sig) < 5:
            raise MalformedNoteError()
        hash_ = int.from_bytes(sig[:4], "big")
        count += 1
        if count > MAX_SIGNATURES:
            raise MalformedNoteError()
        try:
            v = known.verifier(name, hash_)
        except UnknownVerifierError:
            if body not in seen_unverified:
                seen_unverified.add(body)
                unverified.append(Signature(name, hash_, b64))
            continue
        if v.name != name or v.key_hash != hash_:
            raise MismatchedVerifierError()
        if (name, hash_) in seen:
            continue
        seen.add((name, hash_))
        if not v.verify(text_bytes, sig[4:]):
            raise InvalidSignatureError(name, hash_)
        verified.append(Signature(name, hash_, b64))

    note = Note(text_bytes.decode("utf-8"), tuple(verified), tuple(unverified))
    if not verified:
        raise UnverifiedNoteError(note)
    return note


def sign(
    text: str | Note,
    signers: Sequence[Signer],
) -> bytes:
    """Sign text (or re-sign a Note, keeping its other signatures) with every signer.

    A Note's existing signatures are kept unless a signer has the same name and key hash, in
    which case the new signature replaces them; new signatures come last.
    """
    note = text if isinstance(text, Note) else Note(text)
    if not note.text.endswith("\n"):
        raise MalformedNoteError()
    body = note.text.encode("utf-8")
    _check_chars(body)
    have: set[tuple[str, int]] = set()
    new_lines: list[str] = []
    for s in signers:
        if not is_valid_name(s.name):
            raise MalformedNoteError("invalid signer")
        have.add((s.name, s.key_hash))
        sig = s.sign(body)
        new_lines.append(f"{SIG_PREFIX}{s.name} {_b64(s.key_hash.to_bytes(4, 'big') + sig)}\n")
    out = [note.text, "\n"]
    for old in (*note.sigs, *note.unverified_sigs):
        if not is_valid_name(old.name):
            raise MalformedNoteError()
        if (old.name, old.key_hash) in have:
            continue
        raw = _go_b64decode(old.base64)
        if raw is None or len(raw) < 4 or int.from_bytes(raw[:4], "big") != old.key_hash:
            raise MalformedNoteError()
        out.append(f"{SIG_PREFIX}{old.name} {old.base64}\n")
    out.extend(new_lines)
    return "".join(out).encode("utf-8")
