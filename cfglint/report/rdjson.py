"""``--format rdjson``: reviewdog's Diagnostic Format, with fixes as suggestions.

reviewdog counts columns in UTF-8 bytes of the file on disk (a BOM included)
and treats range ends as exclusive, so positions are converted here rather than
reusing the character columns. A fix's edits become one suggestion covering
them all, because reviewdog's GitHub reporter renders only suggestions whose
lines match the comment's: when the edit lies on other lines than the finding (an
LR finding whose fix edits ``unet_lr``), the diagnostic is placed on the edit's lines
and points back at the finding with a related location. Only fixes that ``--fix``
applies (safe, and unsafe with ``--unsafe-fixes``) become one-click suggestions; a
``suggest`` fix stays in the message text.
"""

from __future__ import annotations

import json
from typing import Any

from cfglint.engine.catalog import Rule
from cfglint.findings import SEVERITY_RANK, FileResult, Finding
from cfglint.report.common import TOOL_NAME, RenderOptions, ordered
from cfglint.source.document import Document

SEVERITIES = {"error": "ERROR", "warning": "WARNING", "info": "INFO"}
APPLICABLE = ("safe", "unsafe")  # fix safety classes offered as suggestions
_BOM_BYTES = 3


def position(doc: Document, offset: int) -> dict[str, int]:
    """1-based line and UTF-8 byte column of a character offset."""
    line, col = doc.line_col(offset)
    start = doc.offset_of(line, 1)
    column = len(doc.text[start:start + col - 1].encode("utf-8")) + 1
    if line == 1 and doc.bom:
        column += _BOM_BYTES
    return {"line": line, "column": column}


def _range(doc: Document, start: int, end: int) -> dict[str, Any]:
    return {"start": position(doc, start), "end": position(doc, end)}


def suggestion(doc: Document, f: Finding) -> dict[str, Any] | None:
    """All of the fix's edits as one replacement of the text they span."""
    if f.fix is None or not f.fix.edits or f.fix.safety not in APPLICABLE:
        return None
    edits = sorted(f.fix.edits, key=lambda e: (e.start, e.end))
    lo, hi = edits[0].start, max(e.end for e in edits)
    parts: list[str] = []
    pos = lo
    for e in edits:
        parts.append(doc.text[pos:e.start])
        parts.append(e.content)
        pos = max(pos, e.end)
    parts.append(doc.text[pos:hi])
    return {"range": _range(doc, lo, hi), "text": "".join(parts)}


def diagnostic(result: FileResult, f: Finding) -> dict[str, Any]:
    doc = result.doc
    message = f.message
    if f.fix is not None:
        message += f"\n\nfix ({f.fix.safety}): {f.fix.message}"
    start = doc.offset_of(f.line, f.column)
    end = doc.offset_of(f.end_line, f.end_column)
    found_range = _range(doc, start, end)
    found_at: dict[str, Any] = {"path": result.path, "range": found_range}
    sugg = suggestion(doc, f)
    location = found_at
    if sugg is not None and _lines(sugg["range"]) != _lines(found_range):
        location = {"path": result.path, "range": sugg["range"]}
    item: dict[str, Any] = {
        "message": message,
        "location": location,
        "severity": SEVERITIES.get(f.severity, "WARNING"),
        "source": {"name": TOOL_NAME},
        "code": {"value": f.code, **({"url": f.url} if f.url else {})},
    }
    if sugg is not None:
        item["suggestions"] = [sugg]
    if location is not found_at:
        item["related_locations"] = [{"message": f"{f.code} is reported here",
                                      "location": found_at}]
    return item


def _lines(rng: dict[str, Any]) -> tuple[int, int]:
    return rng["start"]["line"], rng["end"]["line"]


def diagnostic_result(results: list[FileResult]) -> dict[str, Any]:
    pairs = ordered(results)
    worst = max((f.severity for _, f in pairs), key=lambda s: SEVERITY_RANK.get(s, 1),
                default="info")
    return {
        "source": {"name": TOOL_NAME},
        "severity": SEVERITIES.get(worst, "WARNING"),
        "diagnostics": [diagnostic(r, f) for r, f in pairs],
    }


def render(results: list[FileResult], rules: dict[str, Rule], options: RenderOptions) -> str:
    return json.dumps(diagnostic_result(results), indent=2, ensure_ascii=False) + "\n"
