"""GoReleaser config: env lists, before hooks, per-build env, flags and hooks, gomod env."""

from __future__ import annotations

from gomodcheck.lint import yamlnodes as y
from gomodcheck.lint.model import Command, Kind, ParsedFile, Word
from gomodcheck.lint.shell import parse_script


def parse(text: str, path: str) -> ParsedFile:
    parsed = ParsedFile(path, Kind.GORELEASER)
    root = y.compose(text, path)
    if not y.is_map(root):
        return parsed
    lines = text.split("\n")
    parsed.settings.extend(y.env_settings(y.get(root, "env"), "env", ""))
    gomod = y.get(root, "gomod")
    parsed.settings.extend(y.env_settings(y.get(gomod, "env"), "gomod.env", ""))
    order = 0
    for hook in _hooks(y.get(y.get(root, "before"), "hooks")):
        order += 1
        _script(parsed, hook, "before", lines, order)
    for index, build in enumerate(y.seq(y.get(root, "builds"))):
        context = f"builds[{index}]"
        parsed.settings.extend(y.env_settings(y.get(build, "env"), "env", context))
        hooks = y.get(build, "hooks")
        for key in ("pre", "post"):
            for hook in _hooks(y.get(hooks, key)):
                order += 1
                _script(parsed, hook, context, lines, order)
        flags = [f for f in y.seq(y.get(build, "flags")) if y.is_str(f)]
        if flags:
            # GoReleaser runs `go build <flags>`: model it so flag rules see -mod=mod.
            order += 1
            words = tuple(Word(y.text(f), y.span(f)) for f in flags)
            head = Word("go", words[0].span)
            parsed.commands.append(
                Command(
                    (head, Word("build", words[0].span), *words),
                    (),
                    y.span(flags[0], flags[-1]),
                    context,
                    order,
                )
            )
    return parsed


def _hooks(node: y.Node | None) -> list[y.Node]:
    found: list[y.Node] = []
    for entry in [node] if y.is_str(node) else y.seq(node):
        command = y.get(entry, "cmd") if y.is_map(entry) else entry
        if y.is_str(command):
            found.append(command)
    return found


def _script(parsed: ParsedFile, node: y.Node, context: str, lines: list[str], order: int) -> None:
    facts = parse_script(y.scalar_map(node, lines), context, order)
    parsed.commands.extend(facts.commands)
    parsed.settings.extend(facts.settings)
