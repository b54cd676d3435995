"""What every reporter shares: options, the one finding order, and rule metadata.

Review bots fingerprint and diff our output, so every format walks
findings in the same order and describes a rule the same way, including codes
that have no rule file (built-in checks such as CFG004).
"""

from __future__ import annotations

import os
import re
from pathlib import PurePath
from typing import NamedTuple

from cfglint.engine.catalog import Rule
from cfglint.findings import FileResult, Finding, Severity

TOOL_NAME = "cfglint"

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class RenderOptions(NamedTuple):
    """How findings are printed (colour, fixes, statistics, links)."""

    color: bool = False
    show_fixes: bool = True
    statistics: bool = False
    quiet: bool = False
    docs_url: str = ""  # settings' `docs-url` template: rule pages the user serves
    root: str | None = None  # repository root (absolute); None: the working directory


def repository_path(result: FileResult, root: str | None) -> str | None:
    """The file's '/'-separated path relative to the repository root, or None when it
    lies outside it. Code scanning and annotations name files this way, so a run from a
    sub-folder files the same alerts as one from the root."""
    base = os.path.abspath(root or os.getcwd())
    try:
        rel = os.path.relpath(os.path.abspath(result.path), base)
    except ValueError:  # another drive on Windows
        return None
    if rel.startswith(".."):
        return None
    return PurePath(rel).as_posix()


class RuleInfo(NamedTuple):
    """A rule as reporters describe it, whether or not a rule file defines it."""

    code: str
    name: str
    severity: Severity
    summary: str
    description: str = ""  # the first paragraph of what the rule does
    url: str = ""  # only where settings name a `docs-url`
    tags: tuple[str, ...] = ()
    text: str = ""  # the rule page as text
    markdown: str = ""  # the rule page as markdown


def ordered(results: list[FileResult]) -> list[tuple[FileResult, Finding]]:
    """Findings of all files in (path, line, column, code, message) order."""
    pairs = [(r, f) for r in results for f in r.findings]
    pairs.sort(key=lambda p: (p[0].path, p[1].line, p[1].column, p[1].code, p[1].message,
                              p[1].end_line, p[1].end_column))
    return pairs


def ordered_results(results: list[FileResult]) -> list[FileResult]:
    return sorted(results, key=lambda r: r.path)


def rule_info(code: str, rules: dict[str, Rule], finding: Finding | None = None,
              docs_url: str = "") -> RuleInfo:
    """Metadata for ``code``: the rule file's, else what the finding itself says."""
    from cfglint.pages import rule_page, rule_text

    url = (finding.url if finding is not None else "") or (
        docs_url.replace("{code}", code) if docs_url else "")
    rule = rules.get(code)
    if rule is not None:
        what = rule.why_sections[0][1] if rule.why_sections else rule.why
        return RuleInfo(code=code, name=rule.name, severity=rule.severity,
                        summary=rule.summary or rule.name, description=first_paragraph(what),
                        url=url, tags=tuple(rule.tags), text=rule_text(rule),
                        markdown=rule_page(rule))
    if finding is not None:
        return RuleInfo(code=code, name=finding.name or code, severity=finding.severity,
                        summary=finding.name or code, url=url)
    return RuleInfo(code=code, name=code, severity="warning", summary=code, url=url)


def rule_infos(pairs: list[tuple[FileResult, Finding]], rules: dict[str, Rule],
               docs_url: str = "") -> dict[str, RuleInfo]:
    """Every loaded rule plus every code that appears, sorted by code."""
    infos = {code: rule_info(code, rules, docs_url=docs_url) for code in rules}
    for _, f in pairs:
        if f.code not in rules and f.code not in infos:
            infos[f.code] = rule_info(f.code, rules, f, docs_url)
    return dict(sorted(infos.items()))


def first_paragraph(text: str) -> str:
    """The first blank-line-separated paragraph, joined onto one line."""
    para = text.strip().split("\n\n", 1)[0]
    return " ".join(para.split())


def clean(text: str) -> str:
    """Replace control characters (ANSI escapes, NUL) that a config value may carry."""
    return _CONTROL.sub("\ufffd", text)


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"
