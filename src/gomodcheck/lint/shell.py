"""Shell scripts as commands and variable settings, with places mapped back to the file.

bashlex parses real shell grammar (so `a && GOFLAGS=-mod=mod go build | tee` yields each command
with its inline assignments), but it rejects some valid constructs; a statement it rejects is read
again by a small quote-aware tokenizer instead, so one odd line never hides the rest of a script.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from gomodcheck.lint.model import Command, Setting, TextMap, Word

_ASSIGN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\+?=(.*)", re.DOTALL)
# A statement is parsed only if it may hold something a rule reads: the go tool (also as $(GO)),
# a GO* variable, git diff/status, gomodcheck, a directory change, or a task runner (which may
# hold the CI gate).
_RELEVANT = re.compile(
    r"\bgo(?:1\.[\d.]+)?\b|\$[({]?GO|GO[A-Z0-9_]*=|gomodcheck|\bgit\b|\bcd\b|\bpushd\b|\bpopd\b"
    r"|\b(?:make|task|just|mage|earthly|dagger|bazel|bazelisk|nix)\b"
)
_SIMPLE = re.compile(
    r"(?:[^'\"`$(){}<>\\;&|#\n*?\[\]!~]|\$(?=[A-Za-z_])|\$\{[A-Za-z_][A-Za-z0-9_]*\})*"
)
_HEREDOC = re.compile(r"<<-?\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\1")
# Programs that run the rest of their arguments as a command.
# Reserved words the fallback tokenizer leaves in front of a command (`then GOSUMDB=off go ...`).
_RESERVED = frozenset({"if", "then", "else", "elif", "do", "while", "until", "!", "{", "time"})
_WRAPPERS = frozenset({"sudo", "time", "nice", "nohup", "exec", "command", "xargs", "eval"})


@dataclass(frozen=True)
class _Raw:
    text: str
    start: int
    end: int


@dataclass
class ShellFacts:
    commands: list[Command]
    settings: list[Setting]
    cwd: str = ""  # where the last `cd` went, for the commands that follow it


def parse_script(script: TextMap, context: str = "", order: int = 0, cwd: str = "") -> ShellFacts:
    """Every simple command and assignment in script; never raises on odd shell.

    cwd is the directory the script starts in when it is not the checkout root (a CI
    `working-directory`); `cd` commands in the script update it for what follows.
    """
    facts = ShellFacts([], [], cwd)
    text = script.text
    if not _worth_parsing(text):
        return facts
    for start, end in _statements(text):
        chunk = text[start:end]
        if not _RELEVANT.search(chunk):
            continue
        # A statement with no quoting, expansion, operator or redirection is one simple command
        # whose words are split on blanks: the tokenizer reads it exactly, much faster than bashlex.
        raws = None if not _SIMPLE.fullmatch(chunk) else list(_tokenize_commands(chunk))
        if raws is None:
            raws = _bashlex_commands(chunk)
        if raws is None:
            raws = list(_tokenize_commands(chunk))
        for words in raws:
            shifted = [_Raw(w.text, w.start + start, w.end + start) for w in words]
            _add_command(facts, shifted, script, context, order)
    return facts


def _worth_parsing(text: str) -> bool:
    # Most lines of most scripts never mention Go; skipping them keeps linting fast.
    return bool(_RELEVANT.search(text))


def _statements(text: str) -> Iterator[tuple[int, int]]:
    """Top-level pieces of the script to parse one at a time: logical lines, heredocs kept whole.

    Parsing line by line bounds the damage when bashlex rejects a construct; lines that open a
    quote, a heredoc or a compound command are joined with what follows until they close.
    """
    lines = text.split("\n")
    offsets = []
    pos = 0
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    i = 0
    while i < len(lines):
        start_line = i
        depth = 0
        while True:
            line = lines[i]
            depth += _opens(line)
            heredoc = _HEREDOC.search(line) if "<<" in line else None
            i += 1
            if heredoc:
                delim = heredoc.group(2)
                while i < len(lines) and lines[i].strip() != delim:
                    i += 1
                i += 1
            if i >= len(lines):
                break
            if line.endswith("\\") or depth > 0 or _unbalanced_quotes(lines, start_line, i):
                continue
            break
        end = offsets[i - 1] + len(lines[i - 1]) if i - 1 < len(lines) else len(text)
        yield offsets[start_line], min(end, len(text))


_OPENERS = re.compile(r"^\s*(if|for|while|until|case|select)\b|\{\s*$|\(\s*$|\bdo\s*$|\bthen\s*$")
_CLOSERS = re.compile(r"^\s*(fi|done|esac|\}|\))\s*[;&|)>]*.*$")


def _opens(line: str) -> int:
    stripped = line.split(" #", 1)[0]
    if _CLOSERS.match(stripped):
        return -1 if not _OPENERS.search(stripped) else 0
    if _OPENERS.search(stripped):
        return 0 if re.search(r"\b(fi|done|esac)\s*;?\s*$", stripped) else 1
    return 0


def _unbalanced_quotes(lines: list[str], start: int, stop: int) -> bool:
    """Whether a quote opened in these lines is still open (so the statement goes on)."""
    quote = ""
    for line in lines[start:stop]:
        escaped = False
        prev = " "
        for ch in line:
            if escaped:
                escaped = False
            elif ch == "\\" and quote != "'":
                escaped = True
            elif quote:
                if ch == quote:
                    quote = ""
            elif ch in "'\"":
                quote = ch
            elif ch == "#" and prev in " \t;&|(":
                break  # a comment: its apostrophes open nothing
            prev = ch
    return bool(quote)


def _bashlex_commands(chunk: str) -> list[list[_Raw]] | None:
    try:
        import bashlex  # noqa: PLC0415 - loaded only when a script mentions Go

        # bashlex drops escaped newlines inside $(...) and its offsets drift; two spaces keep
        # every offset where it was (outside quotes, the shell treats both as a word break).
        trees = bashlex.parse(chunk.replace("\\\n", "  "))
    except Exception:
        return None
    found: list[list[_Raw]] = []
    for tree in trees:
        _collect(tree, found)
    return found


def _collect(node: object, found: list[list[_Raw]]) -> None:
    kind = getattr(node, "kind", "")
    if kind == "command":
        words = [
            _Raw(part.word, part.pos[0], part.pos[1])
            for part in getattr(node, "parts", [])
            if getattr(part, "kind", "") in ("word", "assignment")
        ]
        if words:
            found.append(words)
    for attr in ("parts", "list"):
        for child in getattr(node, attr, None) or []:
            _collect(child, found)
    inner = getattr(node, "command", None)
    if inner is not None:
        _collect(inner, found)


def _tokenize_commands(chunk: str) -> Iterator[list[_Raw]]:
    """A careful fallback: split on operators outside quotes, strip quotes, keep offsets."""
    words: list[_Raw] = []
    buf: list[str] = []
    start = -1
    quote = ""
    i = 0
    n = len(chunk)
    skip_to_delim = ""

    def flush() -> None:
        nonlocal buf, start
        if start >= 0:
            words.append(_Raw("".join(buf), start, i))
        buf = []
        start = -1

    while i < n:
        ch = chunk[i]
        if skip_to_delim:
            nl = chunk.find("\n", i)
            if nl < 0:
                break
            line_end = chunk.find("\n", nl + 1)
            line = chunk[nl + 1 : line_end if line_end >= 0 else n]
            i = nl + 1
            if line.strip() == skip_to_delim:
                skip_to_delim = ""
                i = line_end if line_end >= 0 else n
            continue
        if quote:
            if ch == quote:
                quote = ""
            elif ch == "\\" and quote == '"' and i + 1 < n:
                i += 1
                buf.append(chunk[i])
            else:
                buf.append(ch)
            i += 1
            continue
        if ch in "'\"":
            if start < 0:
                start = i
            quote = ch
        elif ch == "\\" and i + 1 < n:
            if chunk[i + 1] != "\n":
                if start < 0:
                    start = i
                buf.append(chunk[i + 1])
            i += 1
        elif ch == "#" and start < 0:
            nl = chunk.find("\n", i)
            i = nl if nl >= 0 else n
            continue
        elif ch == "$" and i + 1 < n and chunk[i + 1] == "(":
            close = _matching_paren(chunk, i + 1)
            if start < 0:
                start = i
            buf.append(chunk[i : close + 1])
            i = close
        elif ch in " \t":
            flush()
        elif ch in "\n;&|()":
            flush()
            if words:
                yield words
            words = []
        elif ch == "<" and chunk.startswith("<<", i):
            flush()
            match = _HEREDOC.match(chunk, i)
            if match:
                skip_to_delim = match.group(2)
                i = match.end()
                continue
            buf.append(ch)
        else:
            if start < 0:
                start = i
            buf.append(ch)
        i += 1
    flush()
    if words:
        yield words


def _matching_paren(text: str, open_at: int) -> int:
    depth = 0
    for j in range(open_at, len(text)):
        if text[j] == "(":
            depth += 1
        elif text[j] == ")":
            depth -= 1
            if depth == 0:
                return j
    return len(text) - 1


def _add_command(
    facts: ShellFacts, raws: list[_Raw], script: TextMap, context: str, order: int
) -> None:
    def word(raw: _Raw) -> Word:
        return Word(raw.text, script.span(raw.start, raw.end))

    if raws and raws[0].text in ("cd", "pushd"):
        facts.cwd = raws[1].text if len(raws) > 1 else "~"
    elif raws and raws[0].text == "popd":
        facts.cwd = ""

    def setting(raw: _Raw, via: str) -> Setting | None:
        match = _ASSIGN.fullmatch(raw.text)
        if not match:
            return None
        return Setting(
            match.group(1), match.group(2), script.span(raw.start, raw.end), via, context, order
        )

    inline: list[Setting] = []
    i = 0
    while i < len(raws) and not inline and raws[i].text in _RESERVED:
        i += 1
    while i < len(raws):
        # Leading NAME=value words, and those after `env`, apply to this command only.
        found = setting(raws[i], "inline")
        if found is not None:
            inline.append(found)
            i += 1
            continue
        head = raws[i].text.rsplit("/", 1)[-1]
        if head == "env":
            i += 1
            while i < len(raws) and raws[i].text.startswith("-"):
                i += 2 if raws[i].text in ("-u", "--unset", "-C", "--chdir") else 1
            continue
        if head in _WRAPPERS or head == "timeout":
            i += 1
            while i < len(raws) and raws[i].text.startswith("-"):
                i += 1
            if head == "timeout" and i < len(raws):
                i += 1  # the duration
            continue
        break
    rest = raws[i:]
    if not rest:
        facts.settings.extend(_with_via(inline, "assign"))
        return
    head = rest[0].text.rsplit("/", 1)[-1]
    if head in ("export", "declare", "typeset", "readonly"):
        for raw in rest[1:]:
            found = setting(raw, "export")
            if found is not None:
                facts.settings.append(found)
        return
    if head == "go" and len(rest) > 3 and rest[1].text == "env" and rest[2].text == "-w":
        for raw in rest[3:]:
            found = setting(raw, "go env -w")
            if found is not None:
                facts.settings.append(found)
    if head in ("sh", "bash") and len(rest) > 2 and rest[1].text == "-c":
        _nested(facts, rest[2], script, context, order)
    facts.commands.append(
        Command(
            tuple(word(r) for r in rest),
            tuple(inline),
            script.span(rest[0].start if not inline else raws[0].start, rest[-1].end),
            context,
            order,
            facts.cwd,
        )
    )


def _with_via(settings: list[Setting], via: str) -> list[Setting]:
    return [Setting(s.name, s.value, s.span, via, s.context, s.order) for s in settings]


def _nested(facts: ShellFacts, raw: _Raw, script: TextMap, context: str, order: int) -> None:
    """`sh -c '...'`: parse the string too, placing it where its first character is."""
    line, column = script.position(raw.start)
    inner = TextMap()
    for k, piece in enumerate(raw.text.split("\n")):
        if k:
            inner.newline()
        inner.add(piece, line + k, column + 1 if k == 0 else 1)
    nested = parse_script(inner, context, order)
    facts.commands.extend(nested.commands)
    facts.settings.extend(nested.settings)
