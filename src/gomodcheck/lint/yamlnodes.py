"""YAML read as a node tree that keeps every scalar's place, for the CI parsers built on it.

ruamel.yaml's composer gives nodes with start and end marks; anchors and aliases are already
resolved. Block scalars (`run: |`) are mapped line by line to the file so a command on the fifth
line of a script is reported on the fifth line of that script, at its own column.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from gomodcheck.errors import ParseError
from gomodcheck.lint.model import Setting, Span, TextMap

Node = Any  # ruamel.yaml.nodes.Node; kept untyped because ruamel ships no stubs for nodes


def compose(text: str, filename: str) -> Node | None:
    """The document's root node, or ParseError with the file, line and column of the problem."""
    from ruamel.yaml.error import MarkedYAMLError  # noqa: PLC0415 - heavy, loaded only for YAML

    try:
        return _composer().compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        column = mark.column + 1 if mark is not None else 0
        raise ParseError.at(filename, line, column, f"malformed YAML: {exc.problem}") from exc
    except Exception as exc:
        raise ParseError.at(filename, 0, 0, f"malformed YAML: {exc}") from exc


@functools.cache
def _composer() -> Any:
    """One YAML composer for the process, whose resolver tags every node by kind alone.

    The rules read scalars as the text written, never as typed values, so the implicit-type
    regular expressions the default resolver runs on every scalar (half of the composing time)
    are skipped. The C parser (ruamel.yaml.clib) gives the same nodes and marks, 7x faster.
    """
    from ruamel.yaml import YAML  # noqa: PLC0415
    from ruamel.yaml.nodes import MappingNode, ScalarNode  # noqa: PLC0415
    from ruamel.yaml.resolver import VersionedResolver  # noqa: PLC0415

    class KindResolver(VersionedResolver):
        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            if kind is ScalarNode:
                return self.DEFAULT_SCALAR_TAG
            return self.DEFAULT_MAPPING_TAG if kind is MappingNode else self.DEFAULT_SEQUENCE_TAG

    yaml = YAML(typ="safe")
    yaml.Resolver = KindResolver
    return yaml


def is_map(node: Node) -> bool:
    return getattr(node, "id", "") == "mapping"


def is_seq(node: Node) -> bool:
    return getattr(node, "id", "") == "sequence"


def is_str(node: Node) -> bool:
    return getattr(node, "id", "") == "scalar"


def items(node: Node) -> Iterator[tuple[str, Node, Node]]:
    """(key text, key node, value node) of a mapping; nothing for other nodes."""
    if not is_map(node):
        return
    for key, value in node.value:
        if is_str(key):
            yield str(key.value), key, value


def get(node: Node, name: str) -> Node | None:
    for key, _, value in items(node):
        if key == name:
            return value
    return None


def text(node: Node | None) -> str:
    return str(node.value) if node is not None and is_str(node) else ""


def seq(node: Node | None) -> list[Node]:
    return list(node.value) if node is not None and is_seq(node) else []


def span(start: Node, end: Node | None = None) -> Span:
    last = end if end is not None else start
    return Span(
        start.start_mark.line + 1,
        start.start_mark.column + 1,
        last.end_mark.line + 1,
        last.end_mark.column + 1,
    )


def scalar_map(node: Node, lines: list[str]) -> TextMap:
    """Map a scalar's value back to the file, line by line.

    Block scalars are rebuilt from the raw lines (indentation removed; folded ones joined with
    spaces as YAML folds them), so each word keeps its own line and column.
    """
    value = str(node.value)
    style = getattr(node, "style", None)
    first = node.start_mark.line
    if style in ("|", ">"):
        return _block_map(first, node.end_mark.line, lines, folded=style == ">")
    pieces = value.split("\n")
    if len(pieces) == 1:
        quoted = 1 if style in ('"', "'") else 0
        return TextMap.of_lines([(value, first + 1, node.start_mark.column + 1 + quoted)])
    placed: list[tuple[str, int, int]] = []
    cursor = first
    for piece in pieces:
        probe = piece.strip()
        found = -1
        if probe:
            for j in range(cursor, min(len(lines), cursor + 50)):
                if probe in lines[j]:
                    found = j
                    break
        if found < 0:
            placed.append((piece, min(cursor, max(len(lines) - 1, 0)) + 1, 1))
            continue
        column = lines[found].find(probe) - (len(piece) - len(piece.lstrip()))
        placed.append((piece, found + 1, max(column, 0) + 1))
        cursor = found + 1
    return TextMap.of_lines(placed)


def _block_map(indicator: int, end: int, lines: list[str], *, folded: bool) -> TextMap:
    body = lines[indicator + 1 : min(end + 1, len(lines))]
    indents = [len(line) - len(line.lstrip(" ")) for line in body if line.strip()]
    indent = min(indents) if indents else 0
    mapped = TextMap()
    previous_blank = True
    for k, line in enumerate(body):
        row = indicator + 2 + k
        content = line[indent:] if line.strip() else ""
        if k:
            if folded and content and not previous_blank and not content.startswith((" ", "\t")):
                mapped.add(" ", row - 1, len(lines[row - 2]) + 1)
            else:
                mapped.newline()
        mapped.add(content, row, indent + 1)
        previous_blank = not content
    # Trailing blank lines are not part of a clipped or stripped block.
    mapped.text = mapped.text.rstrip("\n")
    return mapped


def env_settings(node: Node | None, via: str, context: str, order: int = 0) -> list[Setting]:
    """`env:`/`variables:` as a mapping (values may be GitLab's {value: ...}) or `K=V` list."""
    found: list[Setting] = []
    if node is None:
        return found
    for key, key_node, entry in items(node):
        value = get(entry, "value") if is_map(entry) else entry
        if value is not None and is_str(value):
            found.append(Setting(key, str(value.value), span(key_node, value), via, context, order))
    for entry in seq(node):
        name, sep, val = text(entry).partition("=")
        if sep and name.strip():
            found.append(Setting(name.strip(), val, span(entry), via, context, order))
    return found
