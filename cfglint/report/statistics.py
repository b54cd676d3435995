"""``--statistics``: counts per rule instead of the findings, in every output format.

``--format json`` gets a JSON array shaped as ruff's ``--statistics --output-format json``
(``code``, ``name``, ``count``, ``fixable``, ``fixable_count``), plus ``severity`` and the
fix safety classes offered (``fixes``); every other format gets the table, because SARIF,
JUnit, rdjson and workflow commands have no place for counts.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from cfglint.engine.catalog import Rule
from cfglint.findings import SEVERITY_RANK, FileResult, Finding
from cfglint.report.common import RenderOptions, ordered, rule_info

_SAFETY_ORDER = ("safe", "unsafe", "suggest")


@dataclass(frozen=True)
class Row:
    """One line of --statistics: a rule and how often it fired."""

    code: str
    name: str
    severity: str  # the most severe of the code's findings
    count: int
    fixable: int  # findings that --fix fixes (safe fixes)
    fixes: tuple[str, ...]  # the fix safety classes the code's findings offer

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "count": self.count,
                "fixable": self.fixable > 0, "fixable_count": self.fixable,
                "severity": self.severity, "fixes": list(self.fixes)}


def rows(pairs: list[tuple[FileResult, Finding]], rules: dict[str, Rule]) -> list[Row]:
    """One row per code, most frequent first (ties by code)."""
    counts: Counter[str] = Counter(f.code for _, f in pairs)
    out = []
    for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        found = [f for _, f in pairs if f.code == code]
        safeties = {f.fix.safety for f in found if f.fix is not None}
        out.append(Row(
            code=code, name=rule_info(code, rules, found[0]).name,
            severity=max((f.severity for f in found), key=lambda s: SEVERITY_RANK[s]),
            count=n, fixable=sum(1 for f in found if f.fix is not None
                                 and f.fix.safety == "safe"),
            fixes=tuple(s for s in _SAFETY_ORDER if s in safeties)))
    return out


def table(found: list[Row]) -> list[str]:
    if not found:
        return []
    num_w = max(len(str(r.count)) for r in found)
    code_w = max(len(r.code) for r in found)
    name_w = max(len(r.name) for r in found)
    return [f"{r.count:>{num_w}}  {r.code:<{code_w}}  {r.name:<{name_w}}  "
            f"fix: {','.join(r.fixes) or '-'}" for r in found]


def render(fmt: str, results: list[FileResult], rules: dict[str, Rule],
           options: RenderOptions) -> str:
    from cfglint.report.text import summary_lines

    found = rows(ordered(results), rules)
    if fmt == "json":
        return json.dumps([r.to_json() for r in found], indent=2, ensure_ascii=False) + "\n"
    lines = table(found)
    if not options.quiet:
        lines += ([""] if lines else []) + summary_lines(results, ordered(results))
    return "".join(line + "\n" for line in lines)
