"""Build constraints (`//go:build`, `// +build`) evaluated as cmd/go/internal/imports does.

The go command decides which files contribute imports to `go mod tidy` with the tag set {"*"}:
every tag except `ignore` counts as both present and absent ("prefer" semantics), so a file is
left out only when its constraint cannot hold whatever the tags, e.g. `//go:build ignore`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Tag:
    name: str


@dataclass(frozen=True)
class Not:
    x: Expr


@dataclass(frozen=True)
class And:
    x: Expr
    y: Expr


@dataclass(frozen=True)
class Or:
    x: Expr
    y: Expr


Expr = Tag | Not | And | Or


class ConstraintSyntaxError(ValueError):
    """The constraint line does not parse; the go command then leaves the file out."""


def _is_tag_char(c: str) -> bool:
    return c.isalpha() or c.isdigit() or c in "_."


class _ExprParser:
    """Recursive descent over `||`, `&&`, `!`, parentheses and tags (go/build/constraint)."""

    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0

    def _skip(self) -> None:
        while self.i < len(self.s) and self.s[self.i] in " \t":
            self.i += 1

    def _peek(self, tok: str) -> bool:
        self._skip()
        return self.s.startswith(tok, self.i)

    def parse(self) -> Expr:
        x = self._or()
        self._skip()
        if self.i != len(self.s):
            raise ConstraintSyntaxError(f"unexpected {self.s[self.i :]!r}")
        return x

    def _or(self) -> Expr:
        x = self._and()
        while self._peek("||"):
            self.i += 2
            x = Or(x, self._and())
        return x

    def _and(self) -> Expr:
        x = self._not()
        while self._peek("&&"):
            self.i += 2
            x = And(x, self._not())
        return x

    def _not(self) -> Expr:
        if self._peek("!"):
            self.i += 1
            return Not(self._not())
        return self._atom()

    def _atom(self) -> Expr:
        if self._peek("("):
            self.i += 1
            x = self._or()
            if not self._peek(")"):
                raise ConstraintSyntaxError("missing )")
            self.i += 1
            return x
        self._skip()
        start = self.i
        while self.i < len(self.s) and _is_tag_char(self.s[self.i]):
            self.i += 1
        if start == self.i:
            raise ConstraintSyntaxError("expected tag")
        return Tag(self.s[start : self.i])


def is_go_build(line: str) -> bool:
    """Whether a trimmed line is a `//go:build` comment (the keyword must end at a space)."""
    if not line.startswith("//go:build"):
        return False
    rest = line.strip()[len("//go:build") :]
    return not rest or len(rest.strip()) < len(rest)


def _split_plus_build(line: str) -> str | None:
    """constraint.splitPlusBuild: the text after `+build`, or None if this is not such a line."""
    if not line.startswith("//"):
        return None
    rest = line[2:].strip()
    if not rest.startswith("+build"):
        return None
    rest = rest[len("+build") :]
    trimmed = rest.strip()
    if rest and len(rest) == len(trimmed):
        return None  # "+buildfoo" is not a +build line
    return trimmed


def is_plus_build(line: str) -> bool:
    return _split_plus_build(line) is not None


def parse_go_build(line: str) -> Expr:
    """Parse a `//go:build EXPR` line."""
    text = line.strip()[len("//go:build") :].strip()
    if not text:
        raise ConstraintSyntaxError("missing expression")
    return _ExprParser(text).parse()


def parse_plus_build(line: str) -> Expr:
    """Parse `// +build a,b !c`: spaces are OR, commas AND; bad tags become `ignore` as in Go."""
    text = _split_plus_build(line)
    if text is None:
        raise ConstraintSyntaxError("not a +build line")
    result: Expr | None = None
    for clause in text.split():
        term: Expr | None = None
        for lit in clause.split(","):
            atom: Expr
            if lit.startswith("!!") or lit == "!":
                atom = Tag("ignore")
            else:
                neg = lit.startswith("!")
                name = lit[1:] if neg else lit
                atom = Tag(name) if name and _valid_tag(name) else Tag("ignore")
                if neg:
                    atom = Not(atom)
            term = atom if term is None else And(term, atom)
        if term is not None:
            result = term if result is None else Or(result, term)
    return result if result is not None else Tag("ignore")


def _valid_tag(name: str) -> bool:
    return all(_is_tag_char(c) for c in name)


def eval_any_tags(x: Expr, prefer: bool = True) -> bool:
    """imports.eval with tags {"*": true}: every tag but `ignore` takes whichever value helps."""
    match x:
        case Tag(name):
            if not name or not _valid_tag(name) or name == "ignore":
                return False
            return prefer
        case Not(inner):
            return not eval_any_tags(inner, not prefer)
        case And(a, b):
            return eval_any_tags(a, prefer) and eval_any_tags(b, prefer)
        case Or(a, b):
            return eval_any_tags(a, prefer) or eval_any_tags(b, prefer)
    raise TypeError(f"unexpected constraint {x!r}")


def eval_tags(x: Expr, has_tag: Callable[[str], bool]) -> bool:
    """Plain evaluation for one concrete configuration (GOOS/GOARCH/tags)."""
    match x:
        case Tag(name):
            return has_tag(name)
        case Not(inner):
            return not eval_tags(inner, has_tag)
        case And(a, b):
            return eval_tags(a, has_tag) and eval_tags(b, has_tag)
        case Or(a, b):
            return eval_tags(a, has_tag) or eval_tags(b, has_tag)
    raise TypeError(f"unexpected constraint {x!r}")


class MultipleGoBuildError(ValueError):
    """Two `//go:build` lines in one header: the go command skips the file."""


def file_header(content: str) -> tuple[str, str | None]:
    """imports.parseFileHeader: the part where `+build` lines count, and the `//go:build` line."""
    end = 0
    pos = 0
    ended = False
    in_slash_star = False
    go_build: str | None = None
    n = len(content)
    while pos < n:
        nl = content.find("\n", pos)
        raw = content[pos:] if nl < 0 else content[pos:nl]
        pos = n if nl < 0 else nl + 1
        line = raw.strip()
        if not line and not ended:
            end = pos
            continue
        if not line.startswith("//"):
            ended = True
        if not in_slash_star and is_go_build(line):
            if go_build is not None:
                raise MultipleGoBuildError("multiple //go:build comments")
            go_build = line
        stop = False
        while line:
            if in_slash_star:
                i = line.find("*/")
                if i < 0:
                    break
                in_slash_star = False
                line = line[i + 2 :].strip()
                continue
            if line.startswith("//"):
                break
            if line.startswith("/*"):
                in_slash_star = True
                line = line[2:].strip()
                continue
            stop = True
            break
        if stop:
            break
    return content[:end], go_build


def should_build_any_tags(header: str) -> bool:
    """imports.ShouldBuild(content, {"*": true}) for the bytes ReadImports consumed."""
    return should_build(header, eval_any_tags)


def should_build(header: str, holds: Callable[[Expr], bool]) -> bool:
    """imports.ShouldBuild: whether the file's constraint lines hold, as holds() evaluates them.

    A `//go:build` line decides alone; without one, every `// +build` line must hold.
    """
    try:
        trimmed, go_build = file_header(header)
    except MultipleGoBuildError:
        return False
    if go_build is not None:
        try:
            return holds(parse_go_build(go_build))
        except ConstraintSyntaxError:
            return False
    for raw in trimmed.split("\n"):
        line = raw.strip()
        if not line.startswith("//") or "+build" not in line or not is_plus_build(line):
            continue
        try:
            expr = parse_plus_build(line)
        except ConstraintSyntaxError:
            continue
        if not holds(expr):
            return False
    return True
