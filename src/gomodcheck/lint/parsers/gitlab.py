"""GitLab CI: variables, before_script/script/after_script, images, caches, local includes."""

from __future__ import annotations

from gomodcheck.lint import yamlnodes as y
from gomodcheck.lint.model import ActionUse, Kind, ParsedFile, Span, VersionPin
from gomodcheck.lint.parsers.common import golang_image_version
from gomodcheck.lint.shell import parse_script

# Top-level keys that are not jobs.
_RESERVED = frozenset(
    {
        "image",
        "services",
        "stages",
        "types",
        "before_script",
        "after_script",
        "variables",
        "cache",
        "include",
        "default",
        "workflow",
        "spec",
    }
)
_SCRIPTS = ("before_script", "script", "after_script")


def parse(text: str, path: str) -> ParsedFile:
    parsed = ParsedFile(path, Kind.GITLAB_CI)
    root = y.compose(text, path)
    if not y.is_map(root):
        return parsed
    lines = text.split("\n")
    parsed.includes.extend(_local_includes(y.get(root, "include")))
    order = _job(parsed, root, "", lines, 0)
    default = y.get(root, "default")
    if y.is_map(default):
        order = _job(parsed, default, "", lines, order)
    for name, _, job in y.items(root):
        if name not in _RESERVED and y.is_map(job):
            order = _job(parsed, job, name, lines, order)
    return parsed


def _job(parsed: ParsedFile, job: y.Node, context: str, lines: list[str], order: int) -> int:
    parsed.settings.extend(y.env_settings(y.get(job, "variables"), "variables", context, order))
    image = y.get(job, "image")
    if y.is_map(image):
        image = y.get(image, "name")
    if y.is_str(image):
        version = golang_image_version(y.text(image))
        if version:
            parsed.pins.append(VersionPin(version, y.span(image), "image", context))
    for key in _SCRIPTS:
        for line_node in _flatten(y.get(job, key)):
            order += 1
            facts = parse_script(y.scalar_map(line_node, lines), context, order)
            parsed.commands.extend(facts.commands)
            parsed.settings.extend(facts.settings)
    _cache(parsed, y.get(job, "cache"), context, order)
    return order


def _flatten(node: y.Node | None) -> list[y.Node]:
    if y.is_str(node):
        return [node]
    out: list[y.Node] = []
    for entry in y.seq(node):
        out.extend(_flatten(entry))
    return out


def _cache(parsed: ParsedFile, node: y.Node | None, context: str, order: int) -> None:
    """A job cache becomes an ActionUse named gitlab:cache so the cache-key rule can read it."""
    for cache in [node, *y.seq(node)] if node is not None else []:
        if not y.is_map(cache):
            continue
        key = y.get(cache, "key")
        paths = " ".join(y.text(p) for p in y.seq(y.get(cache, "paths")))
        inputs: dict[str, tuple[str, Span]] = {"path": (paths, y.span(cache))}
        if y.is_map(key):
            files = y.get(key, "files")
            names = y.seq(files)
            where = y.span(names[0]) if names else y.span(key)
            inputs["key"] = (" ".join(y.text(f) for f in names), where)
        elif y.is_str(key):
            inputs["key"] = (y.text(key), y.span(key))
        parsed.actions.append(ActionUse("gitlab:cache", y.span(cache), inputs, context, order))


def _local_includes(node: y.Node | None) -> list[str]:
    found: list[str] = []
    for entry in [node, *y.seq(node)] if node is not None else []:
        if y.is_str(entry) and not y.text(entry).startswith(("http://", "https://")):
            found.append(y.text(entry))
        elif y.is_map(entry) and y.is_str(y.get(entry, "local")):
            found.append(y.text(y.get(entry, "local")))
    return [f.lstrip("/") for f in found if f]
