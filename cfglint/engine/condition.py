"""Rules stated as conditions over facts (``when:`` in a rule file).

A condition that comes out Unknown means "not evaluated": the rule stays silent rather
than guess. The finding points at the fact named by ``at:`` (or the first fact the
condition reads that has a location); ``fix:`` is built by ``cfglint.engine.fix_spec``.
The finding also lists the native keys behind every fact the condition reads (derived
facts followed to their inputs), so a review can anchor it on the one a change touched.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cfglint.engine.catalog import MessageVariant
from cfglint.engine.context import CheckContext
from cfglint.engine.env import FactEnv
from cfglint.engine.expr import evaluate, format_message, names_in
from cfglint.engine.fix_spec import fix_for
from cfglint.facts.model import Fact, Facts, Unknown
from cfglint.findings import Finding, Severity
from cfglint.source.document import Span


def _location(ctx: CheckContext, facts: Facts,
              names: list[str]) -> tuple[Span, tuple[Any, ...], Fact | None]:
    for name in names:
        fact = facts.get(name)
        if fact is not None and fact.span is not None:
            return fact.span, tuple(fact.key or ()), fact
    root = ctx.doc.root
    return (Span(0, 0) if root is None else Span(root.span.start, root.span.start)), (), None


def run(ctx: CheckContext) -> Iterable[Finding]:
    rule = ctx.rule
    assert rule.when is not None
    facts = ctx.facts
    env = FactEnv(facts, ctx.params, ctx.file.functions)
    verdict = evaluate(rule.when, env)
    if isinstance(verdict, Unknown) or not verdict:
        return []
    severity: Severity = rule.severity_for(ctx.family.name)
    for esc in rule.escalate:
        hit = evaluate(str(esc["when"]), env)
        if not isinstance(hit, Unknown) and hit:
            severity = esc["severity"]  # type: ignore[assignment]
    names = [rule.at] if rule.at else []
    names += [n for n in names_in(rule.when) if n not in ctx.params]
    span, key, _ = _location(ctx, facts, names)
    message = format_message(_wording(rule.messages, env) or rule.message, env)
    return [ctx.finding(span, message, key, fix_for(ctx, env, facts), severity=severity,
                        depends_on=tuple(facts.keys_behind(names)))]


def _wording(variants: list[MessageVariant], env: FactEnv) -> str | None:
    """The first message variant whose ``when`` holds (the last one has none)."""
    for v in variants:
        if v.when is None:
            return v.text
        hit = evaluate(v.when, env)
        if not isinstance(hit, Unknown) and hit:
            return v.text
    return None
