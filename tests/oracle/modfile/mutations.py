"""Malformed and unusual go.mod / go.work inputs: hand-written edge cases plus seeded mutations
of real files. Deterministic, so a disagreement can be reproduced by its name."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "modfile"

# (name, kind, content): small cases that each probe one rule of the grammar.
EDGE_CASES: list[tuple[str, str, bytes]] = [
    ("empty", "gomod", b""),
    ("only-comment", "gomod", b"// hello\n"),
    ("no-module", "gomod", b"go 1.21\n"),
    ("bom", "gomod", b"\xef\xbb\xbfmodule x\n"),
    (
        "crlf",
        "gomod",
        b"module x\r\n\r\ngo 1.21\r\n\r\nrequire (\r\n\ta.b/c v1.0.0 // indirect\r\n)\r\n",
    ),
    ("invalid-utf8-path", "gomod", b"module x\xff\n"),
    ("invalid-utf8-comment", "gomod", b"module x // \xff\xfe\n"),
    ("nul-byte", "gomod", b"module x\n\x00\n"),
    ("binary", "gomod", bytes(range(256))),
    ("vertical-tab", "gomod", b"module x\v\n"),
    ("nbsp", "gomod", "module\u00a0x\n".encode()),
    ("zwsp", "gomod", "module x\u200b\n".encode()),
    ("unicode-path", "gomod", "module exämple.com/ü\n".encode()),
    ("unicode-15-char", "gomod", "module example.com/\U00031350\n".encode()),
    ("line-separator", "gomod", "module x\u2028y\n".encode()),
    ("html-chars-path", "gomod", b"module a<b>&c\n"),
    ("quoted-module", "gomod", b'module "example.com/x"\n'),
    ("quoted-escapes", "gomod", b'module "ex\\x41\\u00e9\\101\\n\\t"\n'),
    ("quoted-bad-escape", "gomod", b'module "ex\\q"\n'),
    ("quoted-raw-byte", "gomod", b'module "a\\xff"\n'),
    ("quoted-bytes-make-utf8", "gomod", b'module "a\\xc3\\xa9"\n'),
    ("quoted-single-quote-escape", "gomod", b'module "a\\\'b"\n'),
    ("backquoted-module", "gomod", b"module `example.com/x`\n"),
    ("single-quote-in-token", "gomod", b"module 'x'\n"),
    ("quote-mid-token", "gomod", b'module ab"c\n'),
    ("unterminated-string", "gomod", b'module "abc\n'),
    ("unterminated-string-eof", "gomod", b'module "abc'),
    ("backslash-newline-in-string", "gomod", b'module "ab\\\ncd"\n'),
    ("backslash-eof-in-string", "gomod", b'module "ab\\'),
    ("block-comment", "gomod", b"module x\n/* no */\n"),
    ("block-comment-mid-token", "gomod", b"module x/*y*/\n"),
    ("comment-mid-token", "gomod", b"module x//y\n"),
    ("comment-no-newline", "gomod", b"module x // end"),
    ("unterminated-block", "gomod", b"module x\nrequire (\n\ta.b/c v1.0.0\n"),
    ("unterminated-block-no-newline", "gomod", b"module x\nrequire (\n\ta.b/c v1.0.0"),
    ("text-after-rparen", "gomod", b"module x\nrequire (\n\ta.b/c v1.0.0\n) x\n"),
    ("comment-after-rparen", "gomod", b"module x\nrequire (\n\ta.b/c v1.0.0\n) // c\n"),
    ("empty-block", "gomod", b"module x\nrequire ()\n"),
    ("empty-block-multiline", "gomod", b"module x\nrequire (\n)\n"),
    ("paren-mid-line", "gomod", b"module x\nrequire a.b/c ( v1.0.0\n"),
    ("parens-mid-line", "gomod", b"module x\nrequire a.b/c () v1.0.0\n"),
    ("stray-rparen", "gomod", b"module x\n)\n"),
    ("stray-brackets", "gomod", b"module x\n[ ] { } ,\n"),
    ("block-on-one-line", "gomod", b"module x\nrequire ( a.b/c v1.0.0 )\n"),
    ("unknown-block", "gomod", b"module x\nfoo (\n\tbar\n)\n"),
    ("two-token-block", "gomod", b"module x\nrequire a.b/c (\n\tv1.0.0\n)\n"),
    ("go-block", "gomod", b"module x\ngo (\n\t1.21\n)\n"),
    ("unknown-directive", "gomod", b"module x\nrequir a.b/c v1.0.0\n"),
    ("repeated-module", "gomod", b"module x\nmodule y\n"),
    ("module-no-arg", "gomod", b"module\nmodule y\n"),
    ("module-two-args", "gomod", b"module x y\n"),
    ("module-block", "gomod", b"module (\n\tx\n)\n"),
    ("module-empty-quoted", "gomod", b'module ""\n'),
    ("deprecated", "gomod", b"// Deprecated: use y instead.\nmodule x\n"),
    (
        "deprecated-paragraph",
        "gomod",
        b"// Intro.\n//\n// Deprecated: use y\n// and z.\n//\n// More.\nmodule x\n",
    ),
    ("deprecated-suffix", "gomod", b"module x // Deprecated: gone\n"),
    ("deprecated-lowercase", "gomod", b"// deprecated: no\nmodule x\n"),
    ("deprecated-blank-line-between", "gomod", b"// Deprecated: no\n\nmodule x\n"),
    ("deprecated-in-block", "gomod", b"// Deprecated: blk\nmodule (\n\tx\n)\n"),
    ("go-versions", "gomod", b"module x\ngo 1.21rc1\n"),
    ("go-three-part", "gomod", b"module x\ngo 1.21.0\n"),
    ("go-leading-v", "gomod", b"module x\ngo v1.21\n"),
    ("go-leading-zero", "gomod", b"module x\ngo 1.021\n"),
    ("go-one-part", "gomod", b"module x\ngo 1\n"),
    ("go-trailing-dot", "gomod", b"module x\ngo 1.21.\n"),
    ("go-go-prefix", "gomod", b"module x\ngo go1.21\n"),
    ("go-two-args", "gomod", b"module x\ngo 1.21 1.22\n"),
    ("go-repeated", "gomod", b"module x\ngo 1.21\ngo 1.22\n"),
    ("go-future", "gomod", b"module x\ngo 1.99\n"),
    ("toolchain", "gomod", b"module x\ngo 1.21\ntoolchain go1.21.3\n"),
    ("toolchain-default", "gomod", b"module x\ntoolchain default\n"),
    ("toolchain-bad", "gomod", b"module x\ntoolchain 1.21\n"),
    ("toolchain-gccgo", "gomod", b"module x\ntoolchain go1.21.3-gccgo\n"),
    ("toolchain-go1x", "gomod", b"module x\ntoolchain go1x\n"),
    ("toolchain-repeated", "gomod", b"module x\ntoolchain go1.21.0\ntoolchain go1.22.0\n"),
    ("godebug", "gomod", b"module x\ngodebug default=go1.21\ngodebug (\n\ta=b\n\tc=\n)\n"),
    ("godebug-no-equals", "gomod", b"module x\ngodebug abc\n"),
    ("godebug-comma", "gomod", b"module x\ngodebug a=b,c=d\n"),
    ("godebug-empty-key", "gomod", b"module x\ngodebug =b\n"),
    ("godebug-two-args", "gomod", b"module x\ngodebug a=b c=d\n"),
    ("require-short-version", "gomod", b"module x\nrequire a.b/c v1\n"),
    ("require-noncanonical", "gomod", b"module x\nrequire a.b/c v1.2\n"),
    ("require-no-v", "gomod", b"module x\nrequire a.b/c 1.2.3\n"),
    ("require-build-meta", "gomod", b"module x\nrequire a.b/c v1.2.3+meta\n"),
    ("require-incompatible", "gomod", b"module x\nrequire a.b/c v2.0.0+incompatible\n"),
    ("require-wrong-major", "gomod", b"module x\nrequire a.b/c v2.0.0\n"),
    ("require-v2-path", "gomod", b"module x\nrequire a.b/c/v2 v1.0.0\n"),
    ("require-v2-path-ok", "gomod", b"module x\nrequire a.b/c/v2 v2.0.0\n"),
    ("require-bad-path-major", "gomod", b"module x\nrequire a.b/c/v1 v1.0.0\n"),
    ("require-gopkg", "gomod", b"module x\nrequire gopkg.in/yaml.v2 v2.4.0\n"),
    (
        "require-gopkg-v1-pseudo",
        "gomod",
        b"module x\nrequire gopkg.in/check.v1 v0.0.0-20161208181325-20d25e280405\n",
    ),
    ("require-gopkg-bad", "gomod", b"module x\nrequire gopkg.in/yaml v2.4.0\n"),
    ("require-gopkg-unstable", "gomod", b"module x\nrequire gopkg.in/x.v2-unstable v2.0.0\n"),
    ("require-pseudo", "gomod", b"module x\nrequire a.b/c v0.0.0-20200101000000-abcdefabcdef\n"),
    ("require-empty-path", "gomod", b'module x\nrequire "" v1.0.0\n'),
    ("require-three-args", "gomod", b"module x\nrequire a.b/c v1.0.0 extra\n"),
    ("require-one-arg", "gomod", b"module x\nrequire a.b/c\n"),
    ("require-quoted-version", "gomod", b'module x\nrequire a.b/c "v1.0.0"\n'),
    ("require-bad-quoted-version", "gomod", b'module x\nrequire a.b/c "v1\\q"\n'),
    ("require-backquoted-version", "gomod", b"module x\nrequire a.b/c `v1.0.0`\n"),
    (
        "require-indirect-forms",
        "gomod",
        b"module x\nrequire (\n\ta.b/c v1.0.0 // indirect\n\ta.b/d v1.0.0 //indirect\n"
        b"\ta.b/e v1.0.0 // indirect; note\n\ta.b/f v1.0.0 // indirectly\n"
        b"\ta.b/g v1.0.0 // Indirect\n\ta.b/h v1.0.0 // note; indirect\n)\n",
    ),
    ("require-dup", "gomod", b"module x\nrequire a.b/c v1.0.0\nrequire a.b/c v1.1.0\n"),
    ("require-invalid-path-chars", "gomod", b"module x\nrequire a.b/c!d v1.0.0\n"),
    (
        "exclude",
        "gomod",
        b"module x\nexclude (\n\ta.b/c v1.0.0\n\ta.b/c v1.0.0\n\ta.b/c v1.1.0\n)\n",
    ),
    ("exclude-bad", "gomod", b"module x\nexclude a.b/c\n"),
    (
        "replace-forms",
        "gomod",
        b"module x\nreplace (\n\ta.b/c => ../c\n\ta.b/d v1.0.0 => ./d\n\ta.b/e => a.b/f v1.2.0\n"
        b"\ta.b/g v1.0.0 => a.b/h v1.1.0\n\ta.b/i => /abs/i\n\ta.b/j => C:\\j\n)\n",
    ),
    (
        "replace-dup",
        "gomod",
        b"module x\nreplace a.b/c => ../c1\nreplace a.b/c v1.0.0 => ../c2\nreplace a.b/c => ../c3\n",
    ),
    ("replace-no-version-module", "gomod", b"module x\nreplace a.b/c => a.b/d\n"),
    ("replace-at-version", "gomod", b"module x\nreplace a.b/c => a.b/d@v1.0.0\n"),
    ("replace-dir-version", "gomod", b"module x\nreplace a.b/c => ../d v1.0.0\n"),
    ("replace-windows-dir", "gomod", b"module x\nreplace a.b/c => .\\d\n"),
    ("replace-no-arrow", "gomod", b"module x\nreplace a.b/c ../d\n"),
    ("replace-equals", "gomod", b"module x\nreplace a.b/c = ../d\n"),
    ("replace-bad-old-path", "gomod", b"module x\nreplace a.b/c/v1 => ../d\n"),
    ("replace-bad-new-version", "gomod", b"module x\nreplace a.b/c => a.b/d vv\n"),
    ("replace-wrong-major-old", "gomod", b"module x\nreplace a.b/c v2.0.0 => ../d\n"),
    ("replace-new-wrong-major", "gomod", b"module x\nreplace a.b/c => a.b/d v2.0.0\n"),
    ("replace-too-many", "gomod", b"module x\nreplace a.b/c v1.0.0 => a.b/d v1.0.0 x\n"),
    ("replace-dot", "gomod", b"module x\nreplace a.b/c => .\n"),
    ("replace-dotdot", "gomod", b"module x\nreplace a.b/c => ..\n"),
    (
        "retract",
        "gomod",
        b"module x\n// bad release\nretract v1.0.0\nretract [v1.1.0, v1.2.0] // range\n"
        b"retract (\n\t// one\n\tv1.3.0\n\tv1.4.0 // four\n)\n",
    ),
    ("retract-block-comment", "gomod", b"module x\n// all bad\nretract (\n\tv1.0.0\n\tv1.1.0\n)\n"),
    ("retract-unchecked-version", "gomod", b"module x\nretract notaversion\n"),
    ("retract-interval-missing-comma", "gomod", b"module x\nretract [v1.0.0 v1.1.0]\n"),
    ("retract-interval-open", "gomod", b"module x\nretract [v1.0.0,\n"),
    ("retract-paren", "gomod", b"module x\nretract ( v1.0.0\n"),
    ("retract-extra", "gomod", b"module x\nretract v1.0.0 v1.1.0\n"),
    ("retract-empty", "gomod", b"module x\nretract\n"),
    ("retract-no-module", "gomod", b"retract v1.0.0\n"),
    ("retract-quoted-bad", "gomod", b'module x\nretract "v1\\q"\n'),
    ("retract-interval-unclosed", "gomod", b"module x\nretract [v1.0.0, v1.1.0\n"),
    ("retract-interval-empty", "gomod", b"module x\nretract [\n"),
    ("tool", "gomod", b"module x\ntool a.b/c/cmd/x\ntool (\n\ta.b/d\n\ta.b/d\n)\n"),
    ("tool-two-args", "gomod", b"module x\ntool a b\n"),
    ("ignore", "gomod", b"module x\nignore ./node_modules\nignore (\n\tfoo\n\tfoo\n)\n"),
    ("ignore-no-arg", "gomod", b"module x\nignore\n"),
    ("use-in-gomod", "gomod", b"module x\nuse ./a\n"),
    (
        "many-errors",
        "gomod",
        b"module x\nfoo\nrequire a.b/c\ngo 1\ntoolchain x\nreplace a\nbar (\n)\nexclude a v\n",
    ),
    (
        "suffix-comment-multiline-block",
        "gomod",
        b"module x\nrequire ( // lparen\n\ta.b/c v1.0.0 // c\n) // rparen\n",
    ),
    ("tabs-and-cr", "gomod", b"module\tx\r\ngo\t1.21\r\n"),
    ("cr-only-line-endings", "gomod", b"module x\rgo 1.21\r"),
    ("indented-errors", "gomod", b"module x\nrequire (\n\t  a.b/c bad\n)\n"),
    ("long-line", "gomod", b"module x\nrequire a.b/" + b"c" * 5000 + b" v1.0.0\n"),
    ("work-basic", "gowork", b"go 1.22\n\nuse (\n\t.\n\t./a\n)\n\nreplace a.b/c => ../c\n"),
    ("work-empty", "gowork", b""),
    ("work-toolchain-godebug", "gowork", b"go 1.22\ntoolchain go1.22.1\ngodebug a=b\nuse .\n"),
    ("work-module-directive", "gowork", b"go 1.22\nmodule x\n"),
    ("work-require", "gowork", b"go 1.22\nrequire a.b/c v1.0.0\n"),
    ("work-use-two-args", "gowork", b"go 1.22\nuse a b\n"),
    ("work-use-quoted", "gowork", b'go 1.22\nuse "./a b"\n'),
    ("work-use-empty", "gowork", b'go 1.22\nuse ""\nuse ./x\n'),
    ("work-use-comment", "gowork", b"go 1.22\nuse ./a // example.com/a\n"),
    ("work-go-lax-form", "gowork", b"go v1.22\n"),
    ("work-replace-dup", "gowork", b"go 1.22\nreplace a.b/c => ../c1\nreplace a.b/c => ../c2\n"),
    ("work-unknown-block", "gowork", b"go 1.22\nrequire (\n)\n"),
    ("work-future-go", "gowork", b"go 1.99\nuse .\n"),
    ("work-bad-replace", "gowork", b"go 1.22\nreplace a.b/c => a.b/d\n"),
    ("work-syntax-error", "gowork", b"go 1.22\nuse (\n\t./a\n"),
    ("work-bom", "gowork", b"\xef\xbb\xbfgo 1.22\n"),
]

_BAD_TOKENS = [
    "v1",
    "1.2.3",
    "v1.2.3.4",
    "vX",
    '"v1.2.3"',
    "`v1`",
    "v1.2.3-",
    "v01.2.3",
    "v2.0.0",
    '"',
    "`",
    "'",
    "/*",
    "//",
    "(",
    ")",
    "[",
    "]",
    ",",
    "=>",
    "a.b/c/v1",
    "gopkg.in/x",
    "v0.0.0-2020",
    "../dir",
    "C:\\x",
    "x@v1.0.0",
    "\\",
    "",
    "\u00a0",
    "\x00",
    "foo",
    "1.21",
    "go1.21",
    "default",
    "k=v",
    "indirect",
    "retract",
    "require",
    "module",
]


def _mutate(rng: random.Random, lines: list[str]) -> list[str]:
    out = list(lines)
    i = rng.randrange(len(out))
    op = rng.randrange(9)
    words = out[i].split(" ")
    if op == 0:  # delete one token
        if len(words) > 1:
            del words[rng.randrange(len(words))]
        out[i] = " ".join(words)
    elif op == 1:  # replace one token
        words[rng.randrange(len(words))] = rng.choice(_BAD_TOKENS)
        out[i] = " ".join(words)
    elif op == 2:  # insert a token
        words.insert(rng.randrange(len(words) + 1), rng.choice(_BAD_TOKENS))
        out[i] = " ".join(words)
    elif op == 3:  # duplicate a line
        out.insert(i, out[i])
    elif op == 4:  # delete a line
        del out[i]
    elif op == 5:  # a directive from elsewhere
        out.insert(
            i,
            rng.choice(
                [
                    "module other.example/x",
                    "go 1.20",
                    "toolchain go1.20",
                    "godebug x=y",
                    "foo bar",
                    "use ./x",
                    "require a.b/c v1.0.0",
                    "retract [v1.0.0, v1.0.1]",
                    "tool a.b/c",
                    "ignore ./x",
                    "exclude a.b/c v1.0.0",
                    "replace a.b/c => ../c",
                    "require (",
                    ")",
                    "retract (",
                    "use (",
                ]
            ),
        )
    elif op == 6:  # break a character
        if out[i]:
            k = rng.randrange(len(out[i]))
            out[i] = out[i][:k] + rng.choice("()\"`'/*,[]{}=\t\x00\u00a0") + out[i][k + 1 :]
    elif op == 7:  # truncate the file
        out = out[: i + 1]
        if out[-1]:
            out[-1] = out[-1][: rng.randrange(len(out[-1]))]
    else:  # swap two lines
        j = rng.randrange(len(out))
        out[i], out[j] = out[j], out[i]
    return out


def mutations(count: int, seed: int = 2) -> Iterator[tuple[str, str, bytes]]:
    """count seeded mutations of the real go.mod and go.work files under tests/assets."""
    seeds = sorted((ASSETS / "gomod").iterdir()) + sorted((ASSETS / "gowork").iterdir())
    rng = random.Random(seed)
    for n in range(count):
        src = seeds[n % len(seeds)]
        kind = "gowork" if src.name.endswith("go.work") else "gomod"
        lines = src.read_text().split("\n")
        for _ in range(1 + rng.randrange(3)):
            if not lines:
                break
            lines = _mutate(rng, lines)
        yield f"{src.name}#{n}", kind, "\n".join(lines).encode()


_SOUP = [
    b"module",
    b"go",
    b"require",
    b"replace",
    b"retract",
    b"use",
    b"godebug",
    b"toolchain",
    b"tool",
    b"ignore",
    b"exclude",
    b"(",
    b")",
    b"[",
    b"]",
    b",",
    b"=>",
    b"//",
    b"/*",
    b"\n",
    b" ",
    b"\t",
    b"\r",
    b'"',
    b"`",
    b"\\",
    b"v1.2.3",
    b"1.21",
    b"go1.2",
    b"a.b/c",
    b"a.b/c/v2",
    b"../d",
    b"k=v",
    b"x",
    b"/",
    b"*",
    b"\\x41",
    b"\\u00e9",
    b"indirect",
    b"Deprecated:",
    b"\xff",
    b"\xc3",
    b"\xe2\x80\xa8",
    b"\xef\xbb\xbf",
    b"\x00",
]


def token_soup(count: int, seed: int = 3) -> Iterator[tuple[str, str, bytes]]:
    """count random sequences of go.mod tokens, punctuation and bad bytes."""
    rng = random.Random(seed)
    for n in range(count):
        data = b"".join(rng.choice(_SOUP) for _ in range(1 + rng.randrange(30)))
        yield f"soup#{n}", rng.choice(["gomod", "gowork"]), data
