"""The sticky summary: counts, the new findings (inline or not), what was fixed, what
was already there, and a probe verdict when one is given. One comment, edited in place
on every run (found again by its hidden marker)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cfglint.review.anchor import Anchor
from cfglint.review.body import ICONS, SUMMARY_MARKER, one_line
from cfglint.review.classify import Classified, Tracked

MAX_CHARS = 60_000  # GitHub refuses comment bodies over 65,536 characters
MAX_ROWS = 200


@dataclass
class SummaryInput:
    """What the review's summary comment is written from."""

    base: str
    head: str
    classified: Classified
    anchors: dict[str, Anchor | None]  # fingerprint → where its comment goes
    show_existing: bool = False
    probes: list[tuple[str, dict[str, Any]]] | None = None


def render_summary(s: SummaryInput) -> str:
    c = s.classified
    lines = [SUMMARY_MARKER, "### cfglint review", "",
             f"**{len(c.new)} new** · **{len(c.fixed)} fixed** · {len(c.existing)} existing "
             f"(`{s.base[:7]}`..`{s.head[:7]}`)", ""]
    if c.new:
        lines += ["| | Finding | Where | Comment |", "|---|---|---|---|"]
        lines += _rows(c.new, s.anchors)
        lines.append("")
    else:
        lines += ["No new findings in the files this change touches.", ""]
    if c.fixed:
        lines += ["**Fixed by this change**", ""]
        lines += [f"- ~~**{t.finding.code}** {_cell(t.finding.message, 160)}~~ "
                  f"(`{t.path}`)" for t in c.fixed[:MAX_ROWS]]
        lines.append("")
    if c.existing:
        if s.show_existing:
            lines += ["**Already there before this change**", ""]
            lines += [f"- **{t.finding.code}** `{t.path}:{t.finding.line}` "
                      f"{_cell(t.finding.message, 160)}" for t in c.existing[:MAX_ROWS]]
        else:
            lines.append(f"{len(c.existing)} finding(s) were already there before this change "
                         "and are not commented (`cfglint review --show-existing` lists them).")
        lines.append("")
    if s.probes:
        lines += probe_section(s.probes)
    lines.append("<sub>`cfglint rule CODE` explains a rule.</sub>")
    return _bounded("\n".join(lines))


def _rows(new: list[Tracked], anchors: dict[str, Anchor | None]) -> list[str]:
    rows = []
    for t in new[:MAX_ROWS]:
        f = t.finding
        where = anchors.get(t.fingerprint)
        if where is None:
            note = "summary only: the change does not touch its lines"
        elif where.via is not None:
            note = f"on line {where.line} (`{'.'.join(map(str, where.via))}`)"
        else:
            note = f"on line {where.line}"
        rows.append(f"| {ICONS.get(f.severity, '')} | **{f.code}** {_cell(f.message, 240)} | "
                    f"`{t.path}:{f.line}` | {note} |")
    if len(new) > MAX_ROWS:
        rows.append(f"| | … and {len(new) - MAX_ROWS} more | | |")
    return rows


def _cell(text: str, limit: int) -> str:
    text = one_line(text).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _bounded(text: str) -> str:
    if len(text) <= MAX_CHARS:
        return text
    cut = text.rfind("\n", 0, MAX_CHARS - 200)
    return text[:cut] + "\n\n… (summary cut to stay within the comment size limit)"


def load_probes(paths: list[str]) -> list[tuple[str, dict[str, Any]]]:
    """Probe reports from ``cfglint probe --format json`` output files: a report (named
    by its file) or an object that maps config paths to reports."""
    out: list[tuple[str, dict[str, Any]]] = []
    for p in paths:
        data = json.loads(Path(p).read_text(encoding="utf-8"))
        if isinstance(data, dict) and "verdict" in data:
            out.append((Path(p).name, data))
        elif isinstance(data, dict):
            out += [(str(k), v) for k, v in sorted(data.items()) if isinstance(v, dict)]
        else:
            raise ValueError(f"{p}: not a probe report (`cfglint probe --format json`)")
    return out


def probe_section(probes: list[tuple[str, dict[str, Any]]]) -> list[str]:
    from cfglint.probe.engine import NOT_RUN  # torch-free: verdict names only

    lines = ["**Probe** (a short run of the config's optimizer, schedule and precision on a "
             "surrogate model)", "", "| Config | Verdict | Stability margin | Checks not passed |",
             "|---|---|---|---|"]
    for name, report in probes:
        verdict = str(report.get("verdict", "?"))
        margin = report.get("margin")
        margin_txt = f"{margin:g}×" if isinstance(margin, int | float) else "beyond the ladder"
        if verdict in NOT_RUN:  # could not run, rejected, or inconclusive
            margin_txt = "-"
        checks = [f"{c.get('code')} {c.get('status')}" for c in report.get("checks") or []
                  if c.get("status") not in ("PASS", "INFO", "SKIP")]
        detail = ", ".join(checks) or _cell(str(report.get("error", "")), 120) or "-"
        lines.append(f"| `{name}` | {verdict} | {margin_txt} | {detail} |")
    return [*lines, ""]
