"""gomodcheck.note agrees with golang.org/x/mod/sumdb/note on real checkpoints and thousands of
mutated notes and keys: same accept/reject decision, same error, same signatures, same bytes."""

from __future__ import annotations

import base64
import json
import os
import random
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from gomodcheck import note
from tests.conftest import ASSETS

pytestmark = pytest.mark.oracle

SUM_KEY = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8"
PETER_KEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
# Same name as the real cosigner, another key: its signatures stay unknown (name AND hash match).
WITNESS_KEY = note.generate_key("test.example.com", seed=bytes(32))[1]


class Oracle:
    def __init__(self, binary: Path) -> None:
        self.proc = subprocess.Popen(
            [str(binary)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
        )

    def ask(self, op: str, msg: bytes = b"", keys: list[str] | None = None) -> dict[str, object]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        req = {"op": op, "msg": base64.b64encode(msg).decode(), "keys": keys or []}
        self.proc.stdin.write(json.dumps(req) + "\n")
        answer: dict[str, object] = json.loads(self.proc.stdout.readline())
        return answer

    def close(self) -> None:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=30)
        self.proc.stdout.close()


@pytest.fixture(scope="module")
def oracle(go_bin: str, shared_gomodcache: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Oracle]:
    work = tmp_path_factory.mktemp("noteoracle")
    (work / "go.mod").write_text("module noteoracle\n\ngo 1.22\n\nrequire golang.org/x/mod v0.43.0\n")
    (work / "main.go").write_text((ASSETS / "note" / "noteoracle" / "main.go").read_text())
    env = {**os.environ, "GOMODCACHE": str(shared_gomodcache), "GOFLAGS": "-mod=mod",
           "GOTOOLCHAIN": "local"}
    result = subprocess.run([go_bin, "build", "-o", "noteoracle", "."], cwd=work, env=env,
                            capture_output=True, text=True, timeout=300, check=False)
    if result.returncode != 0:
        pytest.fail(f"could not build the x/mod note oracle (needs the Go module proxy):\n{result.stderr}")
    o = Oracle(work / "noteoracle")
    yield o
    o.close()


def _ours(msg: bytes, keys: list[str]) -> dict[str, object]:
    try:
        verifiers = [note.parse_verifier_key(k) for k in keys]
        n = note.open_note(msg, verifiers)
    except note.MalformedKeyError as exc:
        return {"ok": False, "err": "key:" + str(exc)}
    except (note.MalformedNoteError, note.InvalidSignatureError, note.UnverifiedNoteError,
            note.AmbiguousKeyError, note.UnknownVerifierError) as exc:
        return {"ok": False, "err": str(exc)}
    return {
        "ok": True,
        "text": n.text,
        "sigs": [f"{s.name}+{s.key_hash:08x}" for s in n.sigs],
        "unverified": [f"{s.name}+{s.key_hash:08x}" for s in n.unverified_sigs],
    }


def _theirs(answer: dict[str, object]) -> dict[str, object]:
    if not answer["ok"]:
        return {"ok": False, "err": answer["err"]}
    return {"ok": True, "text": answer["text"], "sigs": answer["sigs"] or [],
            "unverified": answer["unverified"] or []}


def _mutations(data: bytes, rng: random.Random, count: int) -> Iterator[bytes]:
    lines = data.split(b"\n")
    for _ in range(count):
        kind = rng.randrange(7)
        pos = rng.randrange(len(data))
        if kind == 0:
            yield data[:pos] + bytes([data[pos] ^ (1 << rng.randrange(8))]) + data[pos + 1 :]
        elif kind == 1:
            yield data[:pos] + bytes([rng.choice(b"\x00\x01\r\t\x7f\xff\n =+")]) + data[pos:]
        elif kind == 2:
            yield data[:pos]
        elif kind == 3:
            yield data[:pos] + data[pos + 1 :]
        elif kind == 4:
            i = rng.randrange(len(lines))
            yield b"\n".join([*lines[:i + 1], lines[i], *lines[i + 1:]])
        elif kind == 5:
            sig_lines = [ln for ln in lines if ln.startswith("— ".encode())]
            extra = rng.choice(sig_lines) if sig_lines else b""
            yield data + extra + b"\n"
        else:
            yield data.replace("— ".encode(), b"-- ", 1)


def test_real_checkpoints_and_mutations_open_exactly_as_x_mod(oracle: Oracle) -> None:
    rng = random.Random(20240601)
    checked = 0
    for path in sorted((ASSETS / "sumdb_checkpoints").glob("checkpoint_*.note")):
        data = path.read_bytes()
        for keys in ([SUM_KEY], [SUM_KEY, WITNESS_KEY], [WITNESS_KEY], [SUM_KEY, SUM_KEY]):
            for msg in [data, *_mutations(data, rng, 60)]:
                assert _ours(msg, keys) == _theirs(oracle.ask("open", msg, keys)), (path.name, msg)
                checked += 1
    assert checked > 1500


def test_verifier_and_signer_key_mutations_are_accepted_exactly_as_x_mod(oracle: Oracle) -> None:
    rng = random.Random(7)
    for key, op, parse in ((PETER_KEY, "vkey", note.parse_verifier_key),
                           (SUM_KEY, "vkey", note.parse_verifier_key),
                           (PETER_SKEY, "skey", note.parse_signer_key)):
        candidates = [key]
        for _ in range(300):
            pos = rng.randrange(len(key))
            c = rng.choice("+=/AZaz09 \n\r-_.é")
            candidates.append(rng.choice([key[:pos] + c + key[pos + 1 :], key[:pos] + c + key[pos:],
                                          key[:pos] + key[pos + 1 :]]))
        for cand in candidates:
            try:
                parse(cand)
                ours = True
            except note.MalformedKeyError:
                ours = False
            theirs = bool(oracle.ask(op, b"", [cand])["ok"])
            assert ours == theirs, cand


def test_signatures_are_byte_identical_to_x_mod(oracle: Oracle) -> None:
    rng = random.Random(3)
    signer = note.parse_signer_key(PETER_SKEY)
    for _ in range(200):
        text = "".join(rng.choice("ab c\né—+") for _ in range(rng.randrange(1, 80))) + "\n"
        answer = oracle.ask("sign", text.encode(), [PETER_SKEY])
        try:
            ours: bytes | None = note.sign(text, [signer])
        except note.MalformedNoteError:
            ours = None
        if ours is None:
            # We refuse to sign text that no one could open (x/mod signs it anyway).
            theirs = base64.b64decode(str(answer["signed"]))
            assert _theirs(oracle.ask("open", theirs, [PETER_KEY]))["ok"] is False
            continue
        assert base64.b64decode(str(answer["signed"])) == ours
