"""Our module-path and semver verdicts and messages equal golang.org/x/mod's, on thousands of
real and mutated paths and versions (asked of tests/peers/modulecheck in one batch)."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest

from gomodcheck import module, semver
from tests.oracle.module.peer import ask, build_peer
from tests.unit.module.xmod_module_tables import CHECK_PATH_TESTS, MATCH_PREFIX_PATTERNS_TESTS
from tests.unit.module.xmod_pseudo_tables import PSEUDO_TESTS
from tests.unit.semver.xmod_semver_tables import TESTS as SEMVER_TESTS

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "module"

pytestmark = pytest.mark.oracle

# Characters mutations insert: every ASCII class that the rules treat differently, some
# non-ASCII letters and non-letters, and a lone invalid byte (as surrogateescape holds it).
_ALPHABET = [*"aZ09.-_~!+/@#$%&()*,;:=?[]^{}`'\"\\ |<>", "\t", "é", "☺", "Ⅻ", "\udcff",
             "\x00", "\x7f", "\u200b", "\xad", "\U0001f600", "\u2028", "\u212a"]


def _load_real() -> list[tuple[str, str]]:
    lines = (ASSETS / "real_module_versions.txt").read_text().splitlines()
    return [(p, v) for p, v in (line.split(" ") for line in lines)]


def _mutate(rng: random.Random, s: str) -> str:
    chars = list(s)
    for _ in range(rng.randint(1, 3)):
        op = rng.randrange(5)
        i = rng.randrange(len(chars) + 1)
        if op == 0:
            chars.insert(i, rng.choice(_ALPHABET))
        elif op == 1 and chars:
            del chars[min(i, len(chars) - 1)]
        elif op == 2 and chars:
            chars[min(i, len(chars) - 1)] = rng.choice(_ALPHABET)
        elif op == 3 and chars:
            j = min(i, len(chars) - 1)
            chars[j] = chars[j].swapcase()
        else:
            chars.insert(i, rng.choice(["/v2", "/v0", ".v1", "/v1.2", "-unstable", "CON", "~1", "//"]))
    return "".join(chars)


def _queries() -> list[tuple[str, str, str]]:
    rng = random.Random(20261125)
    real = _load_real()
    paths = [p for p, _ in real] + [p for p, *_ in CHECK_PATH_TESTS]
    versions = [v for _, v in real] + [v for v, _ in SEMVER_TESTS] + [v for *_, v in PSEUDO_TESTS]
    paths += [_mutate(rng, rng.choice(paths)) for _ in range(1500)]
    versions += [_mutate(rng, rng.choice(versions)) for _ in range(1000)]
    q: list[tuple[str, str, str]] = []
    for p in paths:
        q += [("check_path", p, ""), ("check_import_path", p, ""), ("check_file_path", p, "")]
        q += [("escape_path", p, ""), ("unescape_path", p, ""), ("split_path_version", p, "")]
    for v in versions:
        q += [("semver", v, ""), ("escape_version", v, ""), ("unescape_version", v, "")]
        q += [("is_pseudo_version", v, ""), ("pseudo_version_base", v, "")]
        q += [("pseudo_version_rev", v, "")]
        if "-0000" not in v:  # year 0000: valid to Go, not representable as a Python datetime
            q.append(("pseudo_version_time", v, ""))
        q.append(("compare", v, rng.choice(versions)))
        p = rng.choice(paths)
        q.append(("check", p, v))
        q.append(("check_path_major", v, module.split_path_version(p)[1] or rng.choice(
            ["", "/v2", ".v1", ".v0", "/v3", ".v1-unstable"])))
    # Pseudo-version timestamps at and past the edges of the calendar (Feb 29, hour 24, ...).
    for _ in range(300):
        y = rng.choice(["1900", "2000", "2024", "2023", "9999", "0001"])
        stamp = y + "".join(rng.choice(opts) for opts in (
            ["01", "02", "12", "13", "00"], ["28", "29", "30", "31", "00", "32"],
            ["00", "23", "24"], ["00", "59", "60"], ["00", "59", "60", "99"]))
        pv = rng.choice(["v0.0.0-%s-abcdef123456", "v1.2.4-0.%s-abcdef123456+incompatible",
                         "v1.2.3-pre.0.%s-0123456789ab"]) % stamp
        q += [("pseudo_version_time", pv, ""), ("pseudo_version_base", pv, "")]
    globs = [g for g, *_ in MATCH_PREFIX_PATTERNS_TESTS]
    for _ in range(1000):
        g = _mutate(rng, rng.choice(globs))
        q.append(("match_prefix_patterns", g, rng.choice(paths)))
    # Globs made from real paths: a leading part, with wildcards and ranges put in.
    for _ in range(1500):
        p = rng.choice(paths)
        elems = p.split("/")[: rng.randint(1, 3)]
        g = "/".join(e if rng.random() < 0.5 else rng.choice(
            ["*", e[:2] + "*", "?" + e[1:], "[a-m]" + e[1:], "[^a-m]*", e + "*", e[:-1] + "\\" + e[-1:],
             "[" + e[:1], e.upper()]) for e in elems if e)
        g = rng.choice([g, g + "/", "x.example.com," + g, g + ",,*.corp"])
        q.append(("match_prefix_patterns", g, p))
    return q


def _call(fn: Callable[[], object]) -> tuple[str, str]:
    try:
        res = fn()
    except ValueError as e:
        return "", str(e)
    return ("" if res is None else str(res)), ""


def _ours(op: str, a: str, b: str) -> tuple[str, str]:
    if op == "split_path_version":
        p, m, ok = module.split_path_version(a)
        return f"{p}|{m}|{str(ok).lower()}", ""
    if op == "semver":
        fields = [str(semver.is_valid(a)).lower(), semver.canonical(a), semver.major(a),
                  semver.major_minor(a), semver.prerelease(a), semver.build(a)]
        return "|".join(fields), ""
    if op == "compare":
        return str(semver.compare(a, b)), ""
    if op == "is_pseudo_version":
        return str(module.is_pseudo_version(a)).lower(), ""
    if op == "match_prefix_patterns":
        return str(module.match_prefix_patterns(a, b)).lower(), ""
    if op == "pseudo_version_time":
        # isoformat, not strftime: glibc's %Y does not zero-pad year 1.
        return _call(lambda: module.pseudo_version_time(a).isoformat().replace("+00:00", "Z"))
    fn: Callable[..., object] = getattr(module, op)
    args = (a, b) if op in ("check", "check_path_major") else (a,)
    return _call(lambda: fn(*args))


def test_module_paths_and_versions_agree_with_xmod(
    go_bin: str, shared_gomodcache: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    peer = build_peer(go_bin, shared_gomodcache, tmp_path_factory.mktemp("peer"))
    queries = _queries()
    theirs = ask(peer, queries)
    disagree = []
    for (op, a, b), want in zip(queries, theirs, strict=True):
        got = _ours(op, a, b)
        if got != want:
            disagree.append(f"{op}({a!r}, {b!r}): ours {got!r}, x/mod {want!r}")
    agree = len(queries) - len(disagree)
    print(f"module/semver oracle: {agree} of {len(queries)} agree")
    assert not disagree, f"{len(disagree)} of {len(queries)} disagree:\n" + "\n".join(disagree[:40])
