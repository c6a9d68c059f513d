"""A Markdown summary, for $GITHUB_STEP_SUMMARY and merge-request comments."""

from __future__ import annotations

from typing import TextIO

from gomodcheck.findings import Finding, Report, Severity
from gomodcheck.report.paths import display_path

_ICON = {Severity.ERROR: "❌ error", Severity.WARNING: "⚠️ warning", Severity.NOTE: "ℹ️ note"}


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>")


def _where(finding: Finding) -> str:
    loc = finding.location
    if loc is None or not loc.file:
        return ""
    where = display_path(loc.file)
    return f"`{where}:{loc.line}`" if loc.line else f"`{where}`"


def render(report: Report, stream: TextIO) -> None:
    out = [f"## gomodcheck {report.command}", ""]
    if report.summary:
        out.append(" · ".join(f"{k}: **{v}**" for k, v in report.summary.items()))
        out.append("")
    if not report.findings:
        out.append("✅ No findings.")
        stream.write("\n".join(out) + "\n")
        return
    out += ["| Severity | Rule | Location | Message |", "|---|---|---|---|"]
    for f in report.findings:
        out.append(
            f"| {_ICON[f.severity]} | `{_cell(f.rule_id)}` | {_where(f)} | {_cell(f.message)} |"
        )
    with_fix = [f for f in report.findings if f.fix or f.fix_commands or f.evidence]
    if with_fix:
        out += ["", "### Details", ""]
        for f in with_fix:
            out.append(f"<details><summary>{_cell(f.rule_id)}: {_cell(f.message)}</summary>")
            out.append("")
            if f.evidence:
                out += ["```", *f.evidence, "```"]
            if f.fix:
                out.append(f"**Fix:** {f.fix}")
            if f.fix_commands:
                out += ["```sh", *f.fix_commands, "```"]
            out += [f"**Do not:** {d}" for d in f.do_not]
            out += ["", "</details>", ""]
    stream.write("\n".join(out) + "\n")
