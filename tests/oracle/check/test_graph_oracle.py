"""`gomodcheck graph`'s build list equals `go list -m all` on the oracle projects."""

from __future__ import annotations

import pytest

from gomodcheck.check.analyze import _load_graph_or_fail, main_module_from, read_project
from tests.oracle.check.harness import fetch_project, run_go, sources_for
from tests.oracle.check.test_tidy_oracle import WORK, _projects

pytestmark = pytest.mark.oracle


@pytest.mark.parametrize("modver", _projects())
def test_build_list_equals_go_list_m_all(modver: str) -> None:
    root = WORK / modver.replace("/", "_")
    marker = root / ".gomodcheck-fetched"
    if not marker.exists():
        WORK.mkdir(parents=True, exist_ok=True)
        fetch_project(modver, root)
        marker.write_text(modver)
    go = run_go(["list", "-mod=mod", "-m", "-f", "{{.Path}} {{.Version}}", "all"], root)
    assert go.returncode == 0, go.stderr
    gomod, _ = read_project(root)
    mg = _load_graph_or_fail(main_module_from(gomod), sources_for(root))
    ours = [
        f"{m.path} {m.version}".strip()
        for m in mg.build_list()
        if m.path not in ("go", "toolchain")
    ]
    assert ours == [ln.strip() for ln in go.stdout.splitlines()]
