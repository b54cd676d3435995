"""The lint pipeline for one document: family → checks → suppressions → findings.

Parse problems short-circuit into CFG001/CFG004/CFG005 findings (a file that
does not parse is a finding, not an exit 2: DESIGN §4). Everything here is
deterministic: findings are sorted and contain no addresses or timestamps.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from cfglint import suppress
from cfglint.engine.catalog import Rule, load_rules
from cfglint.engine.context import CheckContext
from cfglint.families import detect_family, get_family
from cfglint.findings import SEVERITY_RANK, FileResult, Finding, Severity, make_finding
from cfglint.settings import Settings, code_matches
from cfglint.source.document import Document, Span

# Codes produced by the pipeline itself (rule files describe them for `cfglint rule`).
PARSE_NAMES = {"CFG001": "parse-error", "CFG004": "unreadable-file", "CFG005": "duplicate-key"}
UNUSED_SUPPRESSION = "CFG006"


@dataclass
class RunOptions:
    """Command-line choices that refine the settings file."""

    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    family: str | None = None
    fail_on: str | None = None


@lru_cache(maxsize=16)
def _rules(folders: tuple[str, ...]) -> dict[str, Rule]:
    return load_rules([Path(f) for f in folders])


def rules_for(settings: Settings) -> dict[str, Rule]:
    return _rules(tuple(settings.rule_folders))


def enabled(code: str, settings: Settings, options: RunOptions, path: str) -> bool:
    select = options.select if options.select is not None else settings.select
    if select is not None:
        on = code_matches(code, select)
    else:
        on = True
    if code_matches(code, options.extend_select + settings.extend_select):
        on = True
    if code_matches(code, options.ignore + settings.ignore):
        on = False
    if code_matches(code, sorted(settings.ignored_for(path))):
        on = False
    return on


def _parse_findings(doc: Document, family: str) -> list[Finding]:
    out = []
    for p in doc.problems:
        end = p.end if p.end is not None else p.offset
        out.append(make_finding(doc, p.code, PARSE_NAMES.get(p.code, "parse-error"),
                                "error", p.message, family, Span(p.offset, end)))
    return out


def _duplicate_findings(doc: Document, family: str) -> list[Finding]:
    out = []
    for first, second in doc.duplicates:
        line = doc.line_col(first.key.span.start)[0]
        out.append(make_finding(
            doc, "CFG005", "duplicate-key", "warning",
            f"`{second.name}` is set twice (first on line {line}); loaders keep the last value "
            "and drop the first without a word",
            family, second.key.span, second.key.path))
    return out


def _run_check(name: str, ctx: CheckContext) -> list[Finding]:
    module = importlib.import_module(f"cfglint.checks.{name}")
    return list(module.run(ctx))


def params_for(rule: Rule, settings: Settings) -> dict[str, Any]:
    params = dict(rule.params)
    params.update(settings.params.get(rule.code, {}))
    return params


def lint_document(doc: Document, settings: Settings, options: RunOptions | None = None,
                  rules: dict[str, Rule] | None = None) -> FileResult:
    options = options or RunOptions()
    rules = rules if rules is not None else rules_for(settings)
    path = doc.path
    override = options.family or settings.family_for(path)
    if doc.problems:
        fallback = override or "generic"
        findings = [f for f in _parse_findings(doc, fallback) if enabled(f.code, settings, options,
                                                                         path)]
        return FileResult(doc, fallback, sorted(findings, key=Finding.sort_key))
    family_name = detect_family(doc, override)
    family = get_family(family_name)
    findings = _duplicate_findings(doc, family_name)
    cache: dict[str, Any] = {}
    schema_done = False
    for rule in rules.values():
        if not rule.applies_to(family_name) or not enabled(rule.code, settings, options, path):
            continue
        ctx = CheckContext(doc, family, rule, settings, params_for(rule, settings), cache)
        if rule.check == "schema":
            if not schema_done:
                schema_done = True
                findings += _schema_findings(doc, family_name)
            continue
        if rule.check == "builtin":
            continue  # produced by the pipeline itself (parse errors, duplicates, suppressions)
        if rule.check:
            findings += _run_check(rule.check, ctx)
        elif rule.when:
            from cfglint.engine import condition

            findings += condition.run(ctx)
    findings = [f for f in findings if enabled(f.code, settings, options, path)]
    sups = suppress.collect(doc)
    if sups:
        findings = suppress.apply(findings, sups)
        if enabled(UNUSED_SUPPRESSION, settings, options, path):
            for s, codes in suppress.unused(sups):
                findings.append(make_finding(
                    doc, UNUSED_SUPPRESSION, "unused-suppression", "info",
                    f"suppression of {', '.join(codes)} matches no finding here; remove it",
                    family_name, s.comment))
    findings = _dedupe(sorted(findings, key=Finding.sort_key))
    return FileResult(doc, family_name, findings)


def _schema_findings(doc: Document, family: str) -> list[Finding]:
    if get_family(family).schema is None:
        return []
    from cfglint.schema import schema_findings  # jsonschema-free, loaded only when needed

    return list(schema_findings(doc, family))


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for f in findings:
        key = (f.code, f.span, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def fails(result: FileResult, fail_on: str) -> bool:
    threshold = SEVERITY_RANK[fail_on]
    return any(SEVERITY_RANK[f.severity] >= threshold for f in result.findings)


def worst(findings: list[Finding]) -> Severity | None:
    if not findings:
        return None
    return max((f.severity for f in findings), key=lambda s: SEVERITY_RANK[s])
