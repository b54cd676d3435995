"""``cfglint facts``: the trainer's view of a file, for people (a table) and tools (JSON).

The view comes from ``cfglint.pipeline.trainer_view`` with the file's settings, so the
facts printed are the ones ``check`` lints: same detection, same user mapping, same
derived numbers. The JSON is: one object per file,
``{"path","family","loader","facts":{NAME:{"value","origin","key","line","note"}},"notes"}``
with ``origin`` one of explicit, default, derived, mapped, unknown.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from cfglint.facts.model import Fact, Unknown
from cfglint.source.document import Document, format_path

# The derived numbers people ask about, shown first: (label, fact name).
HIGHLIGHTS = (
    ("effective LR", "effective_lr"),
    ("effective LR (UNet/transformer)", "effective_lr.unet"),
    ("effective LR (text encoder)", "effective_lr.te"),
    ("optimizer steps", "total_steps"),
    ("warmup (optimizer steps)", "warmup.steps"),
    ("epochs", "epochs"),
    ("EMA share of the start weights at the first sample/eval", "ema.init_share_at_first_eval"),
)
NOT_READ = "not read"
_OPTIONAL = frozenset({"effective_lr.unet", "effective_lr.te"})  # only where the file splits LRs


@dataclass
class FactsReport:
    """What `cfglint facts` prints for one file."""

    path: str
    family: str
    loader: str
    detected: str  # how cfglint knows the trainer (Detection.describe)
    settings: str  # the settings file that applies, or "none (defaults)"
    facts: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        notes = [f"trainer: {self.detected}", f"settings: {self.settings}", *self.notes]
        return {"path": self.path, "family": self.family, "loader": self.loader,
                "facts": self.facts, "notes": notes}


def facts_of_file(path: str, family: str | None = None,
                  config: str | None = None) -> FactsReport:
    """The report of one file, read and viewed exactly as ``cfglint check`` would."""
    from cfglint.families import declared_family
    from cfglint.pipeline import RunOptions, trainer_view
    from cfglint.settings import settings_for
    from cfglint.source.read import read_path

    settings = settings_for(path, config)
    doc = read_path(path, max_bytes=settings.max_file_size)
    where = settings.path or "none (defaults)"
    if doc.problems:
        name = family or settings.family_for(path) or declared_family(doc) or "generic"
        return FactsReport(path, name, "-", NOT_READ, where, {},
                           [f"the file cannot be read: {doc.first_problem()}"])
    view = trainer_view(doc, settings, RunOptions(family=family))
    fam = view.family
    report = FactsReport(path, fam.name, loader_of(doc, fam.loader, fam.json_loader),
                         view.detection.describe(), where)
    if settings.mapping:
        report.notes.append(f"user mapping: {len(settings.mapping)} entries "
                            "([tool.cfglint.mapping])")
    if doc.lenient and fam.json_loader:
        first = doc.lenient[0]
        line, col = doc.line_col(first.offset)
        report.notes.append(f"{fam.name} cannot load this file: {fam.json_loader} rejects "
                            f"{first.message} at {line}:{col}")
    for name in sorted(view.facts.items):
        report.facts[name] = fact_json(doc, view.facts.items[name])
    return report


def loader_of(doc: Document, loader: str, json_loader: str | None) -> str:
    if doc.format != "json":
        return loader
    return json_loader or "an unknown loader (read as JSON with comments)"


def fact_json(doc: Document, fact: Fact) -> dict[str, Any]:
    unknown = isinstance(fact.value, Unknown)
    note = fact.note
    if isinstance(fact.value, Unknown):  # the reason first; the note when it adds to it
        reason = fact.value.reason
        note = reason if not note or note in reason else f"{reason}; {note}"
    return {"value": None if unknown else json_value(fact.value),
            "origin": "unknown" if unknown else fact.origin,
            "key": format_path(fact.key) if fact.key else None,
            "line": _line(doc, fact), "note": note}


def _line(doc: Document, fact: Fact) -> int | None:
    """The line of the value the fact was read from (none for a trainer default, whose
    key is absent from the file, or for a fact read from another file)."""
    if fact.span is None or fact.origin == "default" or (fact.file and fact.file != doc.path):
        return None
    return doc.line_col(fact.span.start)[0]


def json_value(value: Any) -> Any:
    if isinstance(value, Unknown):
        return None
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    return str(value)


def render_json(reports: list[FactsReport]) -> str:
    return json.dumps([r.to_json() for r in reports], indent=2, ensure_ascii=False) + "\n"


def _shown(value: Any) -> str:
    """A value as JSON writes it: a string in quotes, so the string ``"2e-4"`` a YAML 1.1
    loader makes never looks like the number; floats to six significant digits."""
    if isinstance(value, float):
        return f"{value:.6g}"
    return json.dumps(value, ensure_ascii=False)


def _table(rows: list[tuple[str, ...]], indent: str = "  ") -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for row in rows:
        cells = [c.ljust(w) for c, w in zip(row, widths, strict=True)]
        out.append((indent + "  ".join(cells)).rstrip())
    return out


def _highlights(report: FactsReport) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = [("what people ask", "value", "origin", "fact")]
    for label, name in HIGHLIGHTS:
        item = report.facts.get(name)
        if item is None:
            if name in _OPTIONAL:
                continue
            rows.append((label, "-", "unknown", name))
            continue
        rows.append((label, _shown(item["value"]) if item["origin"] != "unknown" else "-",
                     item["origin"], name))
    return rows


def render_text(reports: list[FactsReport]) -> str:
    lines: list[str] = []
    for report in reports:
        if lines:
            lines.append("")
        lines.append(report.path)
        lines += _table([("trainer", f"{report.family} ({report.detected})"),
                         ("loader", report.loader), ("settings", report.settings),
                         *(("note", note) for note in report.notes)])
        if not report.facts:
            if report.detected != NOT_READ:
                lines.append("  no facts: nothing here states a training setting")
            continue
        lines.append("")
        lines += _table(_highlights(report))
        lines.append("")
        rows: list[tuple[str, ...]] = [("fact", "value", "origin", "key", "line", "note")]
        for name, item in report.facts.items():
            value = "-" if item["origin"] == "unknown" else _shown(item["value"])
            rows.append((name, value, item["origin"], item["key"] or "-",
                         str(item["line"]) if item["line"] else "-",
                         " ".join(item["note"].split())))
        lines += _table(rows)
    return "".join(line + "\n" for line in lines)
