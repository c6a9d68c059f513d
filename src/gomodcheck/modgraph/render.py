"""Text, JSON, DOT and Mermaid renderings of a GraphView."""

from __future__ import annotations

import json
import re

from gomodcheck.modgraph.view import GraphView

GRAPH_JSON_VERSION = 1


def to_dict(view: GraphView, *, edges: bool = True) -> dict[str, object]:
    return {
        "version": GRAPH_JSON_VERSION,
        "main": view.main,
        "go": view.go_version,
        "pruned": view.pruned,
        "modules": [
            {
                "path": n.path,
                "version": n.version,
                "status": n.statuses(),
                **({"replaced_by": n.replaced_by} if n.replaced_by else {}),
                **({"excluded_versions": list(n.excluded_versions)} if n.excluded_versions else {}),
                **({"retracted": n.retracted} if n.retracted else {}),
                **({"deprecated": n.deprecated} if n.deprecated else {}),
            }
            for n in view.nodes
        ],
        **({"edges": [{"from": a, "to": b} for a, b in view.edges]} if edges else {}),
    }


def _dot_id(s: str) -> str:
    return json.dumps(s)


def _mermaid_id(s: str) -> str:
    return "m_" + re.sub(r"[^A-Za-z0-9_]", "_", s)


def render(view: GraphView, fmt: str, *, edges: bool = True) -> str:
    if fmt == "json":
        return json.dumps(to_dict(view, edges=edges), indent=2) + "\n"
    if fmt == "dot":
        out = ["digraph modules {", "  rankdir=LR;", "  node [shape=box];"]
        for n in view.nodes:
            label = f"{n.id}\n{', '.join(n.statuses())}"
            style = ' style=filled fillcolor="#ffd6d6"' if n.retracted or n.deprecated else ""
            out.append(f"  {_dot_id(n.id)} [label={_dot_id(label)}{style}];")
        if edges:
            out.extend(f"  {_dot_id(a)} -> {_dot_id(b)};" for a, b in view.edges)
        out.append("}")
        return "\n".join(out) + "\n"
    if fmt == "mermaid":
        out = ["graph LR"]
        for n in view.nodes:
            out.append(f'  {_mermaid_id(n.id)}["{n.id}<br/>{", ".join(n.statuses())}"]')
        if edges:
            out.extend(f"  {_mermaid_id(a)} --> {_mermaid_id(b)}" for a, b in view.edges)
        return "\n".join(out) + "\n"
    lines = [
        f"{n.id}  [{', '.join(n.statuses())}]" + (f" => {n.replaced_by}" if n.replaced_by else "")
        for n in view.nodes
    ]
    return "\n".join(lines) + "\n"
