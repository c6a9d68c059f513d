"""The package import graph `go mod tidy` loads: the "all" pattern plus the imports of tests.

A port of the parts of modload.loadFromRoots and modload.importFromModules that decide which
package comes from which module. Tidy loads every package of the main module, the tests of every
package in "all", and everything those import; a package resolves to the module on its path
whose directory holds .go files, trying the main module's requirements (roots) first when the
module graph is pruned. All file access goes through injected SourceTrees, and package scans
through their gosrc.index.PackageIndex, which answers from the scan cache when it may.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from gomodcheck.gosrc.ignore import IgnorePatterns
from gomodcheck.gosrc.index import PackageIndex
from gomodcheck.gosrc.scan import PackageImports, walk_package_dirs
from gomodcheck.gosrc.scancache import ScanCache
from gomodcheck.gosrc.tree import SourceTree
from gomodcheck.modgraph import gover
from gomodcheck.modgraph.load import MainModule
from gomodcheck.module import ModuleVersion

# Given a module version (after replacement), its source tree, or None when it is not available.
TreeProvider = Callable[[ModuleVersion], SourceTree | None]


@dataclass
class Package:
    path: str
    module: ModuleVersion | None  # None for the standard library or an unresolved import
    in_all: bool = False
    imports: tuple[str, ...] = ()
    test_imports: tuple[str, ...] = ()
    error: str = ""
    importers: list[str] = field(default_factory=list)

    @property
    def is_std(self) -> bool:
        return self.module is None and not self.error


@dataclass
class LoadResult:
    packages: dict[str, Package]
    # Modules whose source was needed but is not available: module -> a package that needed it.
    missing_sources: dict[ModuleVersion, str]
    # Importing package -> imports that no module in the graph provides (or ambiguously).
    unresolved: dict[str, list[str]]
    direct: set[str]


def _prefixes(path: str) -> list[str]:
    out = []
    p = path
    while p and p != ".":
        out.append(p)
        i = p.rfind("/")
        if i < 0:
            break
        p = p[:i]
    return out


def _is_std_path(path: str) -> bool:
    """search.IsStandardImportPath: the first element has no dot."""
    first = path.split("/", 1)[0]
    return "." not in first


class Loader:
    """Resolves and scans packages; select_root/select_graph are the version lookups."""

    def __init__(
        self,
        main: MainModule,
        main_tree: SourceTree,
        trees: TreeProvider,
        root_selected: Callable[[str], str | None],
        graph_selected: Callable[[str], str],
        *,
        pruned: bool,
        cache: ScanCache | None = None,
        ignore: IgnorePatterns | None = None,
    ) -> None:
        self.cache = cache
        self.ignore = ignore  # the main module's go.mod ignore directives
        self.main = main
        self.main_tree = main_tree
        self.trees = trees
        self.root_selected = root_selected
        self.graph_selected = graph_selected
        self.pruned = pruned
        self.missing_sources: dict[ModuleVersion, str] = {}
        self._tree_cache: dict[ModuleVersion, SourceTree | None] = {}
        self._nested: dict[tuple[str, str], bool] = {}
        self._modules: dict[
            tuple[str, str], tuple[ModuleVersion, SourceTree | None, bool, PackageIndex | None]
        ] = {}
        self.main_index = PackageIndex(main_tree, cache)
        # By index_key: two modules replaced by one directory share what is learned about it.
        self._indexes: dict[str, PackageIndex] = {main_tree.index_key(): self.main_index}

    def tree(self, m: ModuleVersion) -> SourceTree | None:
        if m.path == self.main.path and m.version == "":
            return self.main_tree
        if m not in self._tree_cache:
            self._tree_cache[m] = self.trees(self.main.resolve(m))
        return self._tree_cache[m]

    def index(self, tree: SourceTree) -> PackageIndex:
        """The package index of a tree this loader returned."""
        key = tree.index_key()
        idx = self._indexes.get(key)
        if idx is None:
            idx = self._indexes[key] = PackageIndex(tree, self.cache)
        return idx

    def flush(self) -> None:
        """Hand what the package indexes learned to the cache."""
        for idx in self._indexes.values():
            idx.flush()

    def _dir_in_module(self, path: str, m: ModuleVersion, tree: SourceTree) -> str | None:
        rel = "" if path == m.path else path[len(m.path) + 1 :]
        local = m.version == "" or self.main.resolve(m).version == ""
        if local and rel and self._in_nested_module(tree, rel):
            # A directory inside a nested module (one with its own go.mod) is not in this module.
            return None
        return rel if self.index(tree).is_go_dir(rel) else None

    def _in_nested_module(self, tree: SourceTree, rel: str) -> bool:
        """Whether rel or a directory above it (below the tree's root) holds a go.mod."""
        key = (tree.index_key(), rel)
        hit = self._nested.get(key)
        if hit is None:
            parent = rel.rpartition("/")[0]
            hit = tree.exists(f"{rel}/go.mod") or (
                bool(parent) and self._in_nested_module(tree, parent)
            )
            self._nested[key] = hit
        return hit

    def _candidates(
        self, path: str, use_graph: bool, needed_by: str
    ) -> list[tuple[ModuleVersion, str]]:
        found = []
        for prefix in _prefixes(path):
            if prefix in ("go", "toolchain"):
                continue
            if prefix == self.main.path:
                v: str | None = ""
            elif use_graph:
                v = self.graph_selected(prefix)
            else:
                v = self.root_selected(prefix)
            if v is None or v == "none":
                continue
            m, tree, local, idx = self._module(prefix, v)
            if tree is None or idx is None:
                self.missing_sources.setdefault(self.main.resolve(m), needed_by)
                continue
            # _dir_in_module, with what depends only on the module looked up once.
            rel = "" if path == prefix else path[len(prefix) + 1 :]
            if local and rel and self._in_nested_module(tree, rel):
                continue
            if idx.is_go_dir(rel):
                found.append((m, rel))
        return found

    def _module(
        self, path: str, version: str
    ) -> tuple[ModuleVersion, SourceTree | None, bool, PackageIndex | None]:
        """The module path@version, its tree, whether that is a directory on disk, its index."""
        info = self._modules.get((path, version))
        if info is None:
            m = ModuleVersion(path, version)
            tree = self.tree(m)
            local = version == "" or self.main.resolve(m).version == ""
            info = (m, tree, local, None if tree is None else self.index(tree))
            self._modules[path, version] = info
        return info

    def resolve(self, path: str, needed_by: str) -> tuple[ModuleVersion | None, str, str]:
        """(module, dir within it, error) for an import path; module None means std or error."""
        use_graph = not self.pruned
        while True:
            cands = self._candidates(path, use_graph, needed_by)
            if len(cands) > 1:
                mods = ", ".join(str(m) for m, _ in reversed(cands))
                return (
                    None,
                    "",
                    f"ambiguous import: found package {path} in multiple modules: {mods}",
                )
            if len(cands) == 1:
                return cands[0][0], cands[0][1], ""
            if use_graph:
                if _is_std_path(path):
                    return None, "", ""
                return None, "", f"no required module provides package {path}"
            use_graph = True


def load_all(loader: Loader) -> LoadResult:
    """Load the "all" pattern with tests, as `go mod tidy` does (LoadTests, AnyTags)."""
    main = loader.main
    # A go.mod without a go line means go 1.16 to the go command (gover.DefaultGoModVersion).
    go_version = main.go_version or "1.16"
    closes_over_tests = gover.compare(go_version, gover.NARROW_ALL) < 0
    pkgs: dict[str, Package] = {}
    scans: dict[str, PackageImports | None] = {}
    direct: set[str] = set()
    unresolved: dict[str, list[str]] = {}
    # Items are (import paths, in "all", importer): one per importing package rather than one
    # per import, which visits the paths in the same breadth-first order.
    queue: deque[tuple[tuple[str, ...], bool, str]] = deque()

    for rel in walk_package_dirs(loader.main_tree, ignore=loader.ignore):
        scanned = loader.main_index.scan(rel)
        if scanned is None:
            continue
        path = f"{main.path}/{rel}" if rel else main.path
        scans[path] = scanned
        queue.append(((path,), True, ""))

    tested: set[str] = set()
    while queue:
        paths, in_all, importer = queue.popleft()
        for path in paths:
            pkg = pkgs.get(path)
            if pkg is not None:
                if importer:
                    pkg.importers.append(importer)
                if not in_all or pkg.in_all:
                    continue
                pkg.in_all = True  # newly in "all": its imports and tests are in "all" too
            else:
                mod, rel, err = loader.resolve(path, importer or path)
                pkg = Package(path, mod, in_all, error=err)
                if importer:
                    pkg.importers.append(importer)
                pkgs[path] = pkg
                if mod is not None:
                    tree = loader.tree(mod)
                    scanned = scans.get(path)
                    if scanned is None and tree is not None:
                        scanned = loader.index(tree).scan(rel)
                    if scanned is not None:
                        pkg.imports, pkg.test_imports = scanned.imports, scanned.test_imports
            is_main = (
                pkg.module is not None and pkg.module.path == main.path and pkg.module.version == ""
            )
            if pkg.imports:
                queue.append((pkg.imports, pkg.in_all, path))
            if pkg.module is None:
                if pkg.error and importer:
                    # Tidy would look such a package up on the network (or fail on ambiguity),
                    # whoever imports it: the main module, a dependency, or a dependency's test.
                    unresolved.setdefault(importer, []).append(path)
                continue
            # Tests: of every package in "all" (tidy sets LoadTests); their imports are in "all"
            # only for main-module packages, or for every package before go 1.16.
            if pkg.in_all and path not in tested:
                tested.add(path)
                test_in_all = is_main or closes_over_tests
                if pkg.test_imports:
                    queue.append((pkg.test_imports, test_in_all, path))
            if is_main:
                direct.update(pkg.imports)
                direct.update(pkg.test_imports)
    loader.flush()
    direct_modules = {
        p.module.path
        for imp in direct
        if (p := pkgs.get(imp)) is not None and p.module is not None and p.module.version != ""
    }
    return LoadResult(pkgs, dict(loader.missing_sources), unresolved, direct_modules)
