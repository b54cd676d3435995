"""``--format sarif``: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

GitHub matches alerts across commits by ``partialFingerprints``; ours hash the
rule, file, key path and message with numbers blanked, never line numbers, so
an alert survives edits above it and a changed value on the same key stays the
same alert. Paths (in URIs and fingerprints) are relative to the repository root
(``RenderOptions.root``: the git top level or the settings folder), under
``%SRCROOT%``, which ``originalUriBaseIds`` resolves; so a run from a sub-folder files
the same alerts as one from the root.
"""

from __future__ import annotations

import json
import os
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from cfglint import __version__
from cfglint.engine.catalog import Rule
from cfglint.findings import Edit, FileResult, Finding
from cfglint.fingerprint import finding_hash
from cfglint.report.common import (
    TOOL_NAME,
    RenderOptions,
    RuleInfo,
    ordered,
    repository_path,
    rule_infos,
)
from cfglint.source.document import Document

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "cfglintFindingHash/v1"
GITHUB_FINGERPRINT_KEY = "primaryLocationLineHash"
MAX_DESCRIPTION = 1024
MAX_TAGS = 20

LEVELS = {"error": "error", "warning": "warning", "info": "note"}
_PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "info": "recommendation"}


def artifact_location(result: FileResult, root: str | None) -> dict[str, str]:
    """A percent-encoded URI relative to the repository root under %SRCROOT% (an
    absolute file URI only for a file outside the repository)."""
    rel = repository_path(result, root)
    if rel is None:
        return {"uri": PurePath(os.path.abspath(result.path)).as_uri()}
    return {"uri": quote(rel, safe="/"), "uriBaseId": SRCROOT}


def _root_uri(root: str | None) -> str:
    uri = PurePath(os.path.abspath(root or os.getcwd())).as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _truncate(text: str, limit: int = MAX_DESCRIPTION) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _region(doc: Document, start: int, end: int) -> dict[str, int]:
    line, col = doc.line_col(start)
    end_line, end_col = doc.line_col(end)
    return {"startLine": line, "startColumn": col, "endLine": end_line, "endColumn": end_col}


def _rule_descriptor(info: RuleInfo) -> dict[str, Any]:
    """The rule as code scanning shows it: its page as ``help``, a link only where the
    user serves rule pages (settings ``docs-url``)."""
    tags = sorted(set(info.tags))[:MAX_TAGS]
    descriptor: dict[str, Any] = {
        "id": info.code,
        "name": info.name[:255],
        "shortDescription": {"text": _truncate(info.summary)},
        "fullDescription": {"text": _truncate(info.description or info.summary)},
        "help": {"text": info.text or info.summary,
                 "markdown": info.markdown or f"**{info.code} {info.name}**: {info.summary}"},
        "defaultConfiguration": {"level": LEVELS.get(info.severity, "warning")},
        "properties": {"tags": tags, "problem.severity": _PROBLEM_SEVERITY.get(
            info.severity, "warning")},
    }
    if info.url:
        descriptor["helpUri"] = info.url
    return descriptor


def _fixes(doc: Document, f: Finding, location: dict[str, str]) -> list[dict[str, Any]]:
    if f.fix is None or not f.fix.edits:
        return []
    edits: list[Edit] = sorted(f.fix.edits, key=lambda e: (e.start, e.end))
    replacements = [{"deletedRegion": _region(doc, e.start, e.end),
                     "insertedContent": {"text": e.content}} for e in edits]
    return [{
        "description": {"text": f"{f.fix.message} (fix safety: {f.fix.safety})"},
        "artifactChanges": [{"artifactLocation": dict(location),
                             "replacements": replacements}],
    }]


def sarif_log(results: list[FileResult], rules: dict[str, Rule],
              docs_url: str = "", root: str | None = None) -> dict[str, Any]:
    pairs = ordered(results)
    infos = rule_infos(pairs, rules, docs_url)
    index = {code: i for i, code in enumerate(infos)}
    seen: dict[str, int] = {}
    sarif_results = []
    for result, f in pairs:
        location = artifact_location(result, root)
        digest = finding_hash(f, repository_path(result, root) or result.path)
        seen[digest] = seen.get(digest, 0) + 1
        item: dict[str, Any] = {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": LEVELS.get(f.severity, "warning"),
            "message": {"text": f.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": location,
                "region": {"startLine": f.line, "startColumn": f.column,
                           "endLine": f.end_line, "endColumn": f.end_column},
            }}],
            "partialFingerprints": {
                FINGERPRINT_KEY: digest,
                GITHUB_FINGERPRINT_KEY: f"{digest[:16]}:{seen[digest]}",
            },
            "properties": {"family": f.family},
        }
        if f.key:
            item["locations"][0]["logicalLocations"] = [
                {"fullyQualifiedName": f.key_text, "kind": "member"}]
        fixes = _fixes(result.doc, f, location)
        if fixes:
            item["fixes"] = fixes
        sarif_results.append(item)
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": TOOL_NAME,
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_rule_descriptor(info) for info in infos.values()],
            }},
            "originalUriBaseIds": {SRCROOT: {"uri": _root_uri(root)}},
            "columnKind": "unicodeCodePoints",
            "results": sarif_results,
        }],
    }


def render(results: list[FileResult], rules: dict[str, Rule], options: RenderOptions) -> str:
    return json.dumps(sarif_log(results, rules, options.docs_url, options.root), indent=2,
                      ensure_ascii=False) + "\n"
