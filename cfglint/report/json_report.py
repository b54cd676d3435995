"""``--format json``: the finding contract (README, JSON output), one array for all files.

Each finding's ``path`` is the file's display path (relative, '/'-separated when
the CLI set one), so the same run gives the same bytes on every machine.
"""

from __future__ import annotations

import json
from typing import Any

from cfglint.engine.catalog import Rule
from cfglint.findings import FileResult
from cfglint.report.common import RenderOptions, ordered


def findings_json(results: list[FileResult]) -> list[dict[str, Any]]:
    out = []
    for result, finding in ordered(results):
        item = finding.to_json(result.doc)
        item["path"] = result.path
        out.append(item)
    return out


def render(results: list[FileResult], rules: dict[str, Rule], options: RenderOptions) -> str:
    return json.dumps(findings_json(results), indent=2, ensure_ascii=False) + "\n"
