"""``--format gitlab``: a GitLab Code Quality report (``artifacts:reports:codequality``).

GitLab reads a subset of the Code Climate issue format: ``description``, ``check_name``,
``fingerprint``, ``severity`` (info, minor, major, critical, blocker) and
``location.path`` with ``location.lines.begin``. The merge-request widget compares the
reports of the base and head pipelines by fingerprint, so fingerprints are the
line-independent ones of ``cfglint.fingerprint`` (made unique within a file), and a
finding that only moved is not reported as fixed and new. Paths (and so fingerprints) are
relative to the repository root, so a job that runs in a sub-folder reports the same
issues.
"""

from __future__ import annotations

import json
from typing import Any

from cfglint.engine.catalog import Rule
from cfglint.findings import FileResult
from cfglint.fingerprint import finding_hash, numbered
from cfglint.report.common import TOOL_NAME, RenderOptions, ordered, repository_path

SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}


def issues(results: list[FileResult], root: str | None = None) -> list[dict[str, Any]]:
    pairs = ordered(results)
    paths = [repository_path(r, root) or r.path.removeprefix("./") for r, _ in pairs]
    prints = numbered([finding_hash(f, path) for (_, f), path in zip(pairs, paths, strict=True)])
    out = []
    for (_, f), path, fp in zip(pairs, paths, prints, strict=True):
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
            "location": {"path": path,
                         "lines": {"begin": f.line, "end": max(f.end_line, f.line)}},
        })
    return out


def render(results: list[FileResult], rules: dict[str, Rule], options: RenderOptions) -> str:
    return json.dumps(issues(results, options.root), indent=2, ensure_ascii=False) + "\n"
