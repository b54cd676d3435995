"""``--format gitlab``: a GitLab Code Quality report (``artifacts:reports:codequality``).

GitLab reads a subset of the Code Climate issue format: ``description``, ``check_name``,
``fingerprint``, ``severity`` (info, minor, major, critical, blocker) and
``location.path`` with ``location.lines.begin``. The merge-request widget compares the
reports of the base and head pipelines by fingerprint, so fingerprints are the
line-independent ones of ``cfglint.fingerprint`` (made unique within a file), and a
finding that only moved is not reported as fixed and new.
"""

from __future__ import annotations

import json
from typing import Any

from cfglint.engine.catalog import Rule
from cfglint.findings import FileResult
from cfglint.fingerprint import finding_hash, numbered
from cfglint.report.common import TOOL_NAME, RenderOptions, ordered

SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}


def issues(results: list[FileResult]) -> list[dict[str, Any]]:
    pairs = ordered(results)
    prints = numbered([finding_hash(f, r.path) for r, f in pairs])
    out = []
    for (result, f), fp in zip(pairs, prints, strict=True):
        description = f.message
        if f.fix is not None:
            description += f" (fix, {f.fix.safety}: {f.fix.message})"
        out.append({
            "type": "issue",
            "engine_name": TOOL_NAME,
            "check_name": f.code,
            "description": description,
            "categories": ["Bug Risk"],
            "fingerprint": fp,
            "severity": SEVERITIES.get(f.severity, "minor"),
            "location": {"path": result.path.removeprefix("./"),
                         "lines": {"begin": f.line, "end": max(f.end_line, f.line)}},
        })
    return out


def render(results: list[FileResult], rules: dict[str, Rule], options: RenderOptions) -> str:
    return json.dumps(issues(results), indent=2, ensure_ascii=False) + "\n"
