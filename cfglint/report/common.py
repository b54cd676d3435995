"""What every reporter shares: options, the one finding order, and rule metadata.

Review bots fingerprint and diff our output (DESIGN §3.5), so every format walks
findings in the same order and describes a rule the same way, including codes
that have no rule file (built-in checks such as CFG004).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cfglint.engine.catalog import Rule
from cfglint.findings import DOCS_URL, FileResult, Finding, Severity

TOOL_NAME = "cfglint"
TOOL_URL = "https://cfglint.dev"

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class RenderOptions:
    color: bool = False
    show_fixes: bool = True
    statistics: bool = False
    quiet: bool = False


@dataclass(frozen=True)
class RuleInfo:
    """A rule as reporters describe it, whether or not a rule file defines it."""

    code: str
    name: str
    severity: Severity
    summary: str
    why: str = ""
    url: str = ""
    tags: list[str] = field(default_factory=list)


def ordered(results: list[FileResult]) -> list[tuple[FileResult, Finding]]:
    """Findings of all files in (path, line, column, code, message) order."""
    pairs = [(r, f) for r in results for f in r.findings]
    pairs.sort(key=lambda p: (p[0].path, p[1].line, p[1].column, p[1].code, p[1].message,
                              p[1].end_line, p[1].end_column))
    return pairs


def ordered_results(results: list[FileResult]) -> list[FileResult]:
    return sorted(results, key=lambda r: r.path)


def rule_info(code: str, rules: dict[str, Rule], finding: Finding | None = None) -> RuleInfo:
    """Metadata for ``code``: the rule file's, else what the finding itself says."""
    rule = rules.get(code)
    if rule is not None:
        url = finding.url if finding is not None and finding.url else DOCS_URL.format(code=code)
        return RuleInfo(code=code, name=rule.name, severity=rule.severity,
                        summary=rule.summary or rule.name, why=rule.why, url=url,
                        tags=list(rule.tags))
    if finding is not None:
        return RuleInfo(code=code, name=finding.name or code, severity=finding.severity,
                        summary=finding.name or code,
                        url=finding.url or DOCS_URL.format(code=code))
    return RuleInfo(code=code, name=code, severity="warning", summary=code,
                    url=DOCS_URL.format(code=code))


def rule_infos(pairs: list[tuple[FileResult, Finding]],
               rules: dict[str, Rule]) -> dict[str, RuleInfo]:
    """Every loaded rule plus every code that appears, sorted by code."""
    infos = {code: rule_info(code, rules) for code in rules}
    for _, f in pairs:
        if f.code not in rules and f.code not in infos:
            infos[f.code] = rule_info(f.code, rules, f)
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
