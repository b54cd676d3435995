"""One document through the pipeline: detect → facts → schema → rules → suppressions.

Parse problems short-circuit into CFG001/CFG004/CFG005 findings (a file that does not
parse is a finding, not an exit 2). Everything here is deterministic: findings are
sorted and contain no addresses or timestamps.

``explicit`` says whether a person named the file (``cfglint.discover.Target``). A file
cfglint found by itself (a folder walk, or a file pre-commit passed) that no trainer
claims and that states no training setting is not a training config: it gets no
findings at all, parse errors included; a broken file counts as one when its text
names a training key (``learning_rate:``) or settings or a modeline name its trainer.
A named file always gets its findings.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from cfglint import suppress
from cfglint.causes import one_per_cause
from cfglint.engine.catalog import Rule, builtin_rule, load_rules
from cfglint.engine.context import CheckContext, FileState
from cfglint.facts.model import Facts
from cfglint.families import Detection, declared_family, detect, get_family
from cfglint.families.base import Family
from cfglint.families.generic import mentions_training_keys
from cfglint.findings import (
    MAX_PROBLEMS,
    SEVERITY_RANK,
    FileResult,
    Finding,
    Severity,
    make_finding,
    more_set_twice,
)
from cfglint.settings import Settings, code_matches
from cfglint.source.document import Document, KeyPath, Span

UNUSED_SUPPRESSION = "CFG006"
UNKNOWN_TRAINER = "CFG007"
INTERNAL_ERROR = "CFG004"
RULE_ERROR = "CFG009"


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
    """The rules a file's settings select, with the settings' parameter overrides and rule
    selectors checked against the rules (a misspelled one is an error, not a no-op)."""
    rules = _rules(tuple(settings.rule_folders))
    settings.validate_params({code: set(rule.params) for code, rule in rules.items()})
    settings.validate_selectors(list(rules))
    return rules


def enabled(code: str, settings: Settings, options: RunOptions, path: str) -> bool:
    select = options.select if options.select is not None else settings.select
    on = code_matches(code, select) if select is not None else True
    if code_matches(code, options.extend_select + settings.extend_select):
        on = True
    if code_matches(code, options.ignore + settings.ignore):
        on = False
    if code_matches(code, sorted(settings.ignored_for(path))):
        on = False
    return on


def params_for(rule: Rule, settings: Settings) -> dict[str, Any]:
    params = dict(rule.params)
    params.update(settings.params.get(rule.code, {}))
    return params


def builtin_finding(doc: Document, code: str, message: str, family: str, span: Span,
                    key: KeyPath = (), severity: Severity | None = None) -> Finding:
    """A finding of the pipeline itself, named (and unless told, graded) by its rule file."""
    rule = builtin_rule(code)
    return make_finding(doc, code, rule.name, severity or rule.severity_for(family), message,
                        family, span, key)


def build_facts(doc: Document, family: Family, settings: Settings) -> Facts:
    """The facts stage: the trainer's adapter, the user mapping, the derived facts."""
    from cfglint.facts.collect import facts_for

    return facts_for(doc, family, settings.mapping or None, settings.target_gpu)


class TrainerView(NamedTuple):
    """Which trainer reads a file, how cfglint knows, and the facts it reads from it:
    what ``check`` lints and ``cfglint facts`` prints, from the same settings."""

    detection: Detection
    family: Family
    facts: Facts


def trainer_view(doc: Document, settings: Settings,
                 options: RunOptions | None = None) -> TrainerView:
    options = options or RunOptions()
    detection = detect(doc, options.family or settings.family_for(doc.path))
    family = get_family(detection.family)
    return TrainerView(detection, family, build_facts(doc, family, settings))


def lint_document(doc: Document, settings: Settings, options: RunOptions | None = None,
                  rules: dict[str, Rule] | None = None, explicit: bool = True) -> FileResult:
    options = options or RunOptions()
    rules = rules if rules is not None else rules_for(settings)
    path = doc.path
    on = _enabled_here(settings, options, path)
    override = options.family or settings.family_for(path)
    if doc.problems:
        named = override or declared_family(doc)
        if not (explicit or named or mentions_training_keys(doc.text)):
            return FileResult(doc, "generic", [])  # found, not named, and no training config
        fallback = named or "generic"
        findings = [f for f in _parse_findings(doc, fallback)
                    if on(f.code)]
        return FileResult(doc, fallback, _with_urls(sorted(findings, key=Finding.sort_key),
                                                    settings))
    view = trainer_view(doc, settings, options)
    detection, family = view.detection, view.family
    if detection.guessed and not explicit and not view.facts.describe_training():
        return FileResult(doc, family.name, [])  # found, not named, and no training config
    if doc.lenient and family.json_loader:
        findings = [f for f in _strict_json_findings(doc, family)
                    if on(f.code)]
        return FileResult(doc, family.name, _with_urls(findings, settings))
    state = FileState(doc, family, settings, view.facts)
    active = [r for r in rules.values()
              if r.applies_to(family.name) and on(r.code)]
    findings = _duplicate_findings(doc, family.name)
    if detection.guessed and state.facts.describe_training():
        findings.append(_unknown_trainer(doc, detection))
    if any(r.check == "schema" for r in active):
        findings += _schema_findings(doc, family)
    failures: list[Finding] = []  # rules that failed here: reported whatever the selection
    findings += _rule_findings(state, active, settings, failures)
    findings = [f for f in findings if on(f.code)]
    findings = one_per_cause(doc, findings, rules)
    findings = _safe_fixes_checked(state, findings)
    findings = _suppressed(doc, family.name, findings, on(UNUSED_SUPPRESSION))
    findings = _dedupe(sorted(findings + failures, key=Finding.sort_key))
    return FileResult(doc, family.name, _with_urls(findings, settings),
                      internal_error=bool(failures))


def _enabled_here(settings: Settings, options: RunOptions, path: str) -> Callable[[str], bool]:
    """``enabled`` for one file, each code decided once: a file may have thousands of
    findings of a few codes, and each decision matches the file's path to the settings."""
    known: dict[str, bool] = {}

    def on(code: str) -> bool:
        if code not in known:
            known[code] = enabled(code, settings, options, path)
        return known[code]

    return on


def _with_urls(findings: list[Finding], settings: Settings) -> list[Finding]:
    """Each finding links its rule's page only where settings name a `docs-url`: cfglint
    serves no site, so it never invents an address."""
    if settings.docs_url:
        for f in findings:
            f.url = settings.rule_url(f.code)
    return findings


def _parse_findings(doc: Document, family: str) -> list[Finding]:
    out = []
    for p in doc.problems:
        end = p.end if p.end is not None else p.offset
        # a file its loader rejects is an error whatever the code (a TOML duplicate key)
        out.append(builtin_finding(doc, p.code, p.message, family, Span(p.offset, end),
                                   severity="error"))
    return out


def _strict_json_findings(doc: Document, family: Family) -> list[Finding]:
    """JSONC in a file whose trainer parses strict JSON: the trainer cannot load it."""
    first = doc.lenient[0]
    more = len(doc.lenient) - 1
    also = f" ({more} more below)" if more else ""
    message = (f"{first.message}{also}: {family.name} files are read with {family.json_loader}, "
               "which stops here; remove it")
    end = first.end if first.end is not None else first.offset
    return [builtin_finding(doc, "CFG001", message, family.name, Span(first.offset, end),
                            severity="error")]


def _duplicate_findings(doc: Document, family: str) -> list[Finding]:
    """A finding for each key set twice the reader kept (up to MAX_PROBLEMS); for those it
    only counted, one that says how many (at the file's start, where it is read first)."""
    out = []
    for first, second in doc.duplicates:
        line = doc.line_col(first.key_span.start)[0]
        out.append(builtin_finding(
            doc, "CFG005",
            f"`{second.name}` is set twice (first on line {line}); loaders keep the last value "
            "and drop the first without a word",
            family, second.key_span, second.value.path))
    if doc.more_duplicates:
        start = doc.root.span.start if doc.root is not None else 0
        last = doc.line_col(doc.duplicates[-1][1].key_span.start)[0]
        out.append(builtin_finding(
            doc, "CFG012", f"{more_set_twice(doc.more_duplicates, MAX_PROBLEMS)}, at line {last}",
            family, Span(start, start)))
    return out


def _unknown_trainer(doc: Document, detection: Detection) -> Finding:
    root = doc.root
    at = Span(0, 0) if root is None else Span(root.span.start, root.span.start)
    if detection.how == "ambiguous":
        why = ("it matches " + " and ".join(detection.candidates) + " about equally")
    else:
        why = "no trainer's own keys or file shape are in it"
    return builtin_finding(
        doc, UNKNOWN_TRAINER,
        f"cfglint could not tell which trainer reads this file ({why}), so it checks only "
        "settings with common names; name the trainer with --family, a `families` glob in "
        "settings, or a schema modeline", "generic", at)


def _schema_findings(doc: Document, family: Family) -> list[Finding]:
    if family.schema_for(doc) is None:
        return []
    from cfglint.schema import schema_findings  # loaded only when a family has a schema

    return list(schema_findings(doc, family.name))


def _rule_findings(state: FileState, active: list[Rule], settings: Settings,
                   failures: list[Finding]) -> list[Finding]:
    out: list[Finding] = []
    for rule in active:
        if rule.check in ("schema", "builtin"):
            continue  # produced above (schema) or by the pipeline itself (parse, suppressions)
        ctx = CheckContext(state, rule, params_for(rule, settings))
        try:
            out += _run_rule(state, rule, ctx)
        except Exception as err:  # one rule failing never hides the others' findings
            if os.environ.get("CFGLINT_DEBUG"):
                raise
            failures.append(_rule_failure(state.doc, rule, err))
    return out


def _safe_fixes_checked(state: FileState, findings: list[Finding]) -> list[Finding]:
    """Demote safe fixes that would change a training fact they do not declare."""
    if not any(f.fix is not None and f.fix.safety == "safe" for f in findings):
        return findings
    from cfglint.safety import check_safe_fixes

    def facts_of(doc: Document) -> Facts:
        return build_facts(doc, state.family, state.settings)

    return check_safe_fixes(state.doc, state.facts, facts_of, findings)


def _run_rule(state: FileState, rule: Rule, ctx: CheckContext) -> list[Finding]:
    if rule.check:
        from cfglint.checks import run_check

        return run_check(rule.check, ctx)
    if not rule.when:
        return []
    if not state.functions:
        from cfglint.engine.env import functions_for

        state.functions = functions_for(state.facts)
    from cfglint.engine import condition

    return list(condition.run(ctx))


def _rule_failure(doc: Document, rule: Rule, err: Exception) -> Finding:
    """CFG009 for a condition that could not be evaluated (a user rule past the expression
    limits, say), CFG004 for a hand-written check that failed: cfglint's own bug."""
    from cfglint.engine.expr import ExprError

    text = str(err).splitlines()[0][:200] if str(err) else type(err).__name__
    at = Span(0, 0) if doc.root is None else Span(doc.root.span.start, doc.root.span.start)
    if rule.when and not rule.check:
        why = text if isinstance(err, ExprError) else f"{type(err).__name__}: {text}"
        return builtin_finding(doc, RULE_ERROR, f"rule {rule.code} ({rule.source}) was not "
                               f"evaluated on this file: {why}", "generic", at)
    return builtin_finding(doc, INTERNAL_ERROR, f"internal error in cfglint while checking "
                           f"{rule.code} on this file, please report it ({type(err).__name__}: "
                           f"{text}; set CFGLINT_DEBUG=1 for a traceback)", "generic", at)


def _suppressed(doc: Document, family: str, findings: list[Finding],
                report_unused: bool) -> list[Finding]:
    sups = suppress.collect(doc)
    if not sups:
        return findings
    findings = suppress.apply(findings, sups)
    if report_unused:
        for s, codes in suppress.unused(sups):
            findings.append(builtin_finding(
                doc, UNUSED_SUPPRESSION,
                f"suppression of {', '.join(codes)} matches no finding here; remove it",
                family, s.comment))
    return findings


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
