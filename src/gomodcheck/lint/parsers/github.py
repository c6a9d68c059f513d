"""GitHub Actions workflows and composite actions: env at every level, run scripts, uses/with."""

from __future__ import annotations

import re

from gomodcheck.lint import yamlnodes as y
from gomodcheck.lint.model import ActionUse, Kind, ParsedFile, Span, VersionPin
from gomodcheck.lint.parsers.common import golang_image_version, literal_go_version
from gomodcheck.lint.shell import parse_script


def parse(text: str, path: str, kind: Kind) -> ParsedFile:
    parsed = ParsedFile(path, kind)
    root = y.compose(text, path)
    if not y.is_map(root):
        return parsed
    lines = text.split("\n")
    parsed.settings.extend(y.env_settings(y.get(root, "env"), "env", ""))
    order = 0
    if kind is Kind.GITHUB_ACTION:
        runs = y.get(root, "runs")
        _steps(parsed, y.seq(y.get(runs, "steps")), "action", lines, 0)
        return parsed
    for job_id, _, job in y.items(y.get(root, "jobs")):
        parsed.settings.extend(y.env_settings(y.get(job, "env"), "env", job_id))
        container = y.get(job, "container")
        image = y.get(container, "image") if y.is_map(container) else container
        _image_pin(parsed, image, job_id)
        if y.is_map(container):
            parsed.settings.extend(y.env_settings(y.get(container, "env"), "env", job_id))
        order = _steps(parsed, y.seq(y.get(job, "steps")), job_id, lines, order)
        uses = y.get(job, "uses")  # a reusable workflow call
        if y.is_str(uses):
            parsed.actions.append(
                ActionUse(y.text(uses), y.span(uses), _inputs(y.get(job, "with")), job_id, order)
            )
    return parsed


def _steps(
    parsed: ParsedFile, steps: list[y.Node], context: str, lines: list[str], order: int
) -> int:
    for step in steps:
        order += 1
        parsed.settings.extend(y.env_settings(y.get(step, "env"), "env", context, order))
        run = y.get(step, "run")
        if y.is_str(run):
            workdir = y.text(y.get(step, "working-directory")).strip()
            workdir = "" if workdir in (".", "./", "${{ github.workspace }}") else workdir
            facts = parse_script(y.scalar_map(run, lines), context, order, workdir)
            parsed.commands.extend(facts.commands)
            parsed.settings.extend(facts.settings)
        uses = y.get(step, "uses")
        if y.is_str(uses):
            inputs = _inputs(y.get(step, "with"))
            use = ActionUse(y.text(uses), y.span(uses), inputs, context, order)
            parsed.actions.append(use)
            if _is_setup_go(use.uses) and "go-version" in inputs:
                version, where = inputs["go-version"]
                pinned = literal_go_version(version)
                if pinned:
                    parsed.pins.append(
                        VersionPin(pinned, where, "actions/setup-go go-version", context)
                    )
            if use.uses.startswith("docker://"):
                _image_pin(parsed, uses, context, use.uses.removeprefix("docker://"))
    return order


def _inputs(node: y.Node | None) -> dict[str, tuple[str, Span]]:
    return {
        key: (y.text(value), y.span(value)) for key, _, value in y.items(node) if y.is_str(value)
    }


def _image_pin(parsed: ParsedFile, node: y.Node | None, context: str, image: str = "") -> None:
    if not y.is_str(node):
        return
    version = golang_image_version(image or y.text(node))
    if version:
        parsed.pins.append(VersionPin(version, y.span(node), "container image", context))


_SETUP_GO = re.compile(r"^actions/setup-go(@|$)")


def _is_setup_go(uses: str) -> bool:
    return bool(_SETUP_GO.match(uses))
