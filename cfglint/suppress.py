"""Suppression comments.

``# cfglint: ignore[CFG101,CFG205]`` at the end of a key's line, or alone on the
line above it, covers that key's whole node (key and value, nested children
included). ``# cfglint: file-ignore[CFG705]`` anywhere covers the file. An
ignore that suppresses nothing is reported (CFG006, info), so stale ignores do
not pile up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cfglint.findings import Finding
from cfglint.source.document import Document, Mapping, Sequence, Span

_DIRECTIVE = re.compile(r"cfglint:\s*(ignore|file-ignore)\[([A-Za-z0-9_,\s]*)\]")


@dataclass
class Suppression:
    """An ``ignore`` comment: the codes it silences and the lines it covers."""

    kind: str  # ignore | file-ignore
    codes: list[str]
    comment: Span
    covers: Span | None  # None for file-ignore
    used: set[str] = field(default_factory=set)


def _entry_spans_by_line(doc: Document) -> dict[int, Span]:
    """For each line, the span of the outermost mapping entry (or sequence item) starting on it."""
    out: dict[int, Span] = {}
    for node in doc.walk():
        if isinstance(node, Mapping):
            for e in node.entries:
                line = doc.line_col(e.key.span.start)[0]
                span = Span(e.key.span.start, max(e.value.span.end, e.key.span.end))
                if line not in out:
                    out[line] = span
        elif isinstance(node, Sequence):
            for item in node.items:
                line = doc.line_col(item.span.start)[0]
                if line not in out:
                    out[line] = item.span
    return out


def collect(doc: Document) -> list[Suppression]:
    if not doc.comments:
        return []
    by_line: dict[int, Span] | None = None
    result: list[Suppression] = []
    for c in doc.comments:
        for m in _DIRECTIVE.finditer(c.text):
            codes = [x.strip() for x in m.group(2).split(",") if x.strip()]
            if m.group(1) == "file-ignore":
                result.append(Suppression("file-ignore", codes, c.span, None))
                continue
            if by_line is None:
                by_line = _entry_spans_by_line(doc)
            line = doc.line_col(c.span.start)[0]
            target_line = line
            if c.own_line:
                target_line = line + 1
                while target_line <= doc.line_count and (
                        not doc.line_text(target_line).strip()
                        or doc.line_text(target_line).lstrip().startswith("#")):
                    target_line += 1
            covers = by_line.get(target_line, doc.line_span(min(target_line, doc.line_count)))
            result.append(Suppression("ignore", codes, c.span, covers))
    return result


def apply(findings: list[Finding], suppressions: list[Suppression]) -> list[Finding]:
    """Drop suppressed findings, marking which suppressions were used."""
    kept: list[Finding] = []
    for f in findings:
        hit = False
        for s in suppressions:
            if not any(f.code.startswith(c) or c == "ALL" for c in s.codes):
                continue
            if s.covers is None or s.covers.start <= f.span.start <= s.covers.end:
                s.used.update(c for c in s.codes if f.code.startswith(c) or c == "ALL")
                hit = True
        if not hit:
            kept.append(f)
    return kept


def unused(suppressions: list[Suppression]) -> list[tuple[Suppression, list[str]]]:
    out = []
    for s in suppressions:
        missing = [c for c in s.codes if c not in s.used]
        if missing:
            out.append((s, missing))
    return out
