"""Minimal version selection over an incrementally built requirement graph (mvs.Graph)."""

from __future__ import annotations

import functools
from collections import deque
from collections.abc import Callable, Iterable

from gomodcheck import semver
from gomodcheck.module import ModuleVersion, sort

NONE = "none"


def cmp_version(path: str, v1: str, v2: str) -> int:
    """modload.cmpVersion: the main module's empty version is greater than any other."""
    if v1 == v2:
        return 0  # the common case in a large graph, and equal strings compare equal
    if v2 == "":
        return -1
    if v1 == "":
        return 1
    if path in ("go", "toolchain"):
        from gomodcheck.modgraph.gover import mod_compare  # noqa: PLC0415 - keeps import order simple

        return mod_compare(path, v1, v2)
    return _semver_compare(v1, v2)


@functools.lru_cache(maxsize=16384)  # building a large graph compares the same pairs repeatedly
def _semver_compare(v1: str, v2: str) -> int:
    return semver.compare(v1, v2)


class Graph:
    """Requirement edges added one module at a time; Selected is the max version seen per path."""

    def __init__(
        self, roots: Iterable[ModuleVersion], cmp: Callable[[str, str, str], int] = cmp_version
    ) -> None:
        self.cmp = cmp
        self.roots = list(roots)
        self.required: dict[ModuleVersion, tuple[ModuleVersion, ...]] = {}
        self.is_root: dict[ModuleVersion, bool] = {}
        self.selected_versions: dict[str, str] = {}
        for m in self.roots:
            self.is_root[m] = True
            self._bump(m)

    def _bump(self, m: ModuleVersion) -> None:
        if self.cmp(m.path, self.selected(m.path), m.version) < 0:
            self.selected_versions[m.path] = m.version

    def require(self, m: ModuleVersion, reqs: Iterable[ModuleVersion]) -> None:
        if m not in self.is_root:
            raise ValueError(f"{m} is not reachable from any root")
        if m in self.required:
            raise ValueError(f"requirements of {m} added twice")
        deps = tuple(reqs)
        self.required[m] = deps
        for dep in deps:
            self.is_root.setdefault(dep, False)
            self._bump(dep)

    def required_by(self, m: ModuleVersion) -> tuple[ModuleVersion, ...] | None:
        """The requirements of m, or None when m's go.mod was not loaded into the graph."""
        return self.required.get(m)

    def selected(self, path: str) -> str:
        return self.selected_versions.get(path, NONE)

    def build_list(self) -> list[ModuleVersion]:
        """Roots' selected versions first (in root order), then the rest sorted."""
        seen: set[str] = set()
        head: list[ModuleVersion] = []
        for r in self.roots:
            if r.path in seen:
                continue
            v = self.selected(r.path)
            if v != NONE:
                head.append(ModuleVersion(r.path, v))
            seen.add(r.path)
        rest = [ModuleVersion(p, v) for p, v in self.selected_versions.items() if p not in seen]
        return head + sort(rest)

    def walk_breadth_first(self) -> list[ModuleVersion]:
        """Every module version reachable from the roots, in breadth-first order."""
        order: list[ModuleVersion] = []
        queue: deque[ModuleVersion] = deque()
        enqueued: set[ModuleVersion] = set()
        for m in self.roots:
            if m.version != NONE and m not in enqueued:
                queue.append(m)
                enqueued.add(m)
        while queue:
            m = queue.popleft()
            order.append(m)
            for r in self.required.get(m, ()):
                if r not in enqueued and r.version != NONE:
                    queue.append(r)
                    enqueued.add(r)
        return order


def minimal_requirements(
    main: ModuleVersion,
    base: Iterable[str],
    required: Callable[[ModuleVersion], tuple[ModuleVersion, ...]],
    build_list: list[ModuleVersion],
) -> list[ModuleVersion]:
    """mvs.Req: the smallest requirement list that keeps build_list, listing base paths first.

    required(m) gives m's requirements (the main module's are the roots). Returned sorted by path.
    """
    req_cache: dict[ModuleVersion, tuple[ModuleVersion, ...]] = {main: ()}
    postorder: list[ModuleVersion] = []

    def visit(m: ModuleVersion) -> None:
        # Iterative post-order walk: real graphs are deep enough to hit recursion limits.
        stack: list[tuple[ModuleVersion, int]] = [(m, 0)]
        if m in req_cache:
            return
        req_cache[m] = required(m)
        while stack:
            cur, i = stack.pop()
            deps = req_cache[cur]
            if i < len(deps):
                stack.append((cur, i + 1))
                nxt = deps[i]
                if nxt not in req_cache:
                    req_cache[nxt] = required(nxt)
                    stack.append((nxt, 0))
            else:
                postorder.append(cur)

    for m in build_list:
        visit(m)
    have: set[ModuleVersion] = set()

    def mark(m: ModuleVersion) -> None:
        todo = [m]
        while todo:
            cur = todo.pop()
            if cur in have:
                continue
            have.add(cur)
            todo.extend(req_cache.get(cur, ()))

    max_version: dict[str, str] = {}
    for m in build_list:
        v = max_version.get(m.path)
        max_version[m.path] = m.version if v is None or cmp_version(m.path, v, m.version) < 0 else v
    out: list[ModuleVersion] = []
    seen_base: set[str] = set()
    for path in base:
        if path in seen_base:
            continue
        m = ModuleVersion(path, max_version.get(path, NONE))
        out.append(m)
        mark(m)
        seen_base.add(path)
    for m in reversed(postorder):
        if max_version.get(m.path) != m.version:
            continue
        if m not in have:
            out.append(m)
            mark(m)
    return sorted(out, key=lambda x: x.path)
