"""The JSON that `go mod edit -json` and `go work edit -json` print, byte for byte.

Before printing, the go command drops duplicate exclude, replace, tool and ignore lines
(SortBlocks) and entries with an empty path (Cleanup); we do the same here, on the output only.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

from gomodcheck.gojson import JSONValue, marshal_indent
from gomodcheck.modfile.directives import Replace
from gomodcheck.modfile.rule import GoModFile
from gomodcheck.modfile.work import GoWorkFile
from gomodcheck.module import ModuleVersion

__all__ = ["gomod_to_edit_dict", "gomod_to_edit_json", "gowork_to_edit_dict", "gowork_to_edit_json"]

T = TypeVar("T")


def _first_of_each(items: Sequence[T], key: Callable[[T], Hashable]) -> list[T]:
    seen: set[Hashable] = set()
    out = []
    for item in items:
        k = key(item)
        if k not in seen:
            seen.add(k)
            out.append(item)
    return out


def _last_replace_of_each(items: Sequence[Replace]) -> list[Replace]:
    # Later replacements win; the survivors keep their places in the file.
    last = {r.old: i for i, r in enumerate(items)}
    return [r for i, r in enumerate(items) if last[r.old] == i and r.old.path]


def _version(mv: ModuleVersion) -> dict[str, JSONValue]:
    d: dict[str, JSONValue] = {"Path": mv.path}
    if mv.version:
        d["Version"] = mv.version
    return d


def _list_or_null(items: list[JSONValue]) -> list[JSONValue] | None:
    return items or None  # a nil Go slice prints as null


def _replaces(items: Sequence[Replace]) -> list[JSONValue] | None:
    return _list_or_null(
        [{"Old": _version(r.old), "New": _version(r.new)} for r in _last_replace_of_each(items)]
    )


def gomod_to_edit_dict(f: GoModFile) -> dict[str, JSONValue]:
    """The go.mod as `go mod edit -json` shapes it (Go field order, omitempty applied)."""
    module: dict[str, JSONValue] = {"Path": f.module.path if f.module else ""}
    if f.module and f.module.deprecated:
        module["Deprecated"] = f.module.deprecated
    d: dict[str, JSONValue] = {"Module": module}
    if f.go:
        d["Go"] = f.go.version
    if f.toolchain:
        d["Toolchain"] = f.toolchain.name
    godebug = [{"Key": g.key, "Value": g.value} for g in f.godebug if g.key]
    if godebug:
        d["GoDebug"] = list[JSONValue](godebug)
    requires: list[JSONValue] = []
    for r in f.require:
        if not r.path:
            continue
        req: dict[str, JSONValue] = {"Path": r.path}
        if r.version:
            req["Version"] = r.version
        if r.indirect:
            req["Indirect"] = True
        requires.append(req)
    d["Require"] = _list_or_null(requires)
    excludes = _first_of_each(f.exclude, lambda x: (x.path, x.version))
    d["Exclude"] = _list_or_null(
        [_version(ModuleVersion(x.path, x.version)) for x in excludes if x.path]
    )
    d["Replace"] = _replaces(f.replace)
    retracts: list[JSONValue] = []
    for x in f.retract:
        if not (x.low or x.high):
            continue
        item: dict[str, JSONValue] = {}
        for name, value in (("Low", x.low), ("High", x.high), ("Rationale", x.rationale)):
            if value:
                item[name] = value
        retracts.append(item)
    d["Retract"] = _list_or_null(retracts)
    d["Tool"] = _list_or_null([{"Path": t.path} for t in _first_of_each(f.tool, lambda t: t.path)])
    d["Ignore"] = _list_or_null(
        [{"Path": i.path} for i in _first_of_each(f.ignore, lambda i: i.path)]
    )
    return d


def gowork_to_edit_dict(f: GoWorkFile) -> dict[str, JSONValue]:
    """The go.work as `go work edit -json` shapes it (it leaves out toolchain and godebug)."""
    d: dict[str, JSONValue] = {}
    if f.go:
        d["Go"] = f.go.version
    uses: list[JSONValue] = []
    for u in f.use:
        if not u.path:
            continue
        use: dict[str, JSONValue] = {"DiskPath": u.path}
        if u.module_path:
            use["ModPath"] = u.module_path
        uses.append(use)
    d["Use"] = _list_or_null(uses)
    d["Replace"] = _replaces(f.replace)
    return d


def gomod_to_edit_json(f: GoModFile) -> str:
    """Exactly the stdout of `go mod edit -json` for the same file, final newline included."""
    return marshal_indent(gomod_to_edit_dict(f)) + "\n"


def gowork_to_edit_json(f: GoWorkFile) -> str:
    """Exactly the stdout of `go work edit -json` for the same file, final newline included."""
    return marshal_indent(gowork_to_edit_dict(f)) + "\n"
