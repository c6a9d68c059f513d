"""A lying upstream (a log we sign ourselves, then fork, tamper with, or sign badly) is caught
with proof in the mirror's log, the mirror keeps its last verified state, and the go command
pointed at the mirror never sees the lie."""

from __future__ import annotations

from pathlib import Path

from tests.integration.sumdb_mirror.support import (
    XTEXT,
    MirrorProcess,
    go_env,
    go_get_xtext,
    record_lines,
)
from tests.unit.sumdb_mirror.fakelog import (
    VKEY,
    XTEXT_RECORD,
    FakeLog,
    UpstreamServer,
    filler,
)


def bad_signature(signed: bytes) -> bytes:
    """The note with one signature byte changed (past the key hash, so the key still matches)."""
    text, sig = signed.rsplit(b" ", 1)
    i = 12
    return text + b" " + sig[:i] + (b"B" if sig[i : i + 1] == b"A" else b"A") + sig[i + 1 :]


def _go_accepts(root: Path, mirror: MirrorProcess, module_proxy: str, gocache: Path) -> None:
    env = go_env(root, gocache, GOPROXY=module_proxy, GOSUMDB=f"{VKEY} {mirror.url}")
    done = go_get_xtext(root, env)
    assert done.returncode == 0, done.stderr
    lookup = mirror.get(f"/lookup/{XTEXT}")
    assert (root / "project" / "go.sum").read_text().splitlines() == record_lines(lookup.content)


def test_lying_upstream_is_caught_and_go_command_never_sees_the_lie(
    tmp_path: Path, upstream: UpstreamServer, module_proxy: str, gocache: Path
) -> None:
    remote = upstream.remote
    honest = remote.log
    args = ("--upstream", upstream.url, "--key", VKEY)
    with MirrorProcess(tmp_path / "m.db", tmp_path / "m.log", *args) as mirror:
        _go_accepts(tmp_path / "go1", mirror, module_proxy, gocache)
        verified = mirror.get("/latest").content
        assert verified == honest.note()

        # 1. A fork: same key, one older record rewritten, one record more.
        fork = FakeLog(
            [filler(i, "fork" if i == 7 else "") for i in range(300)] + [XTEXT_RECORD, filler(500)]
        )
        remote.log = fork
        assert mirror.get("/latest").content == verified
        alerts = mirror.alerts()
        assert alerts and alerts[-1]["alert"] == "fork"
        evidence = "\n".join(alerts[-1]["evidence"])
        assert "301" in evidence and "302" in evidence  # both signed tree heads, as proof
        assert mirror.get("/lookup/example.com/filler500@v1.0.500").status_code == 502

        # 2. An honest-looking extension whose tiles do not hash to its signed root.
        extended = FakeLog([*honest.records, filler(600), filler(601)])
        remote.log = extended

        def flip(path: str, body: bytes) -> bytes:
            return body[:-1] + bytes([body[-1] ^ 1]) if path.startswith("/tile/") else body

        remote.tamper = flip
        assert mirror.get("/latest").content == verified
        assert mirror.alerts()[-1]["alert"] == "verification"
        assert "inconsistent tile" in mirror.alerts()[-1]["message"]

        # 3. A bad signature on the tree head.
        remote.tamper = lambda path, body: bad_signature(body) if path == "/latest" else body
        assert mirror.get("/latest").content == verified
        assert "invalid signature" in mirror.alerts()[-1]["message"]
        count = len(mirror.alerts())
        assert count >= 3
        assert mirror.get("/healthz").json()["alerts"] == count

        # The go command, fresh, pointed at the mirror: it verifies the honest answers.
        _go_accepts(tmp_path / "go2", mirror, module_proxy, gocache)
        assert mirror.get("/latest").content == verified

        # Once the upstream is honest again, the mirror moves forward.
        remote.tamper = lambda path, body: body
        assert mirror.get("/latest").content == extended.note()
