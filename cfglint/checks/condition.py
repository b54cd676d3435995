"""Rules stated as conditions over facts (``when:`` in a rule file).

The environment resolves a name in this order: the rule's params (settings may
override them), then derived facts, then canonical facts. A condition that
comes out Unknown means "not evaluated": the rule stays silent rather than guess.
The finding points at the fact named by ``at:`` (or the first fact the
condition reads that has a location); a ``fix: {set: {fact: expr}}`` becomes an
edit of the native key where the fact is defined, or an insertion where the
trainer would read it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from cfglint.checks.context import CheckContext
from cfglint.edit import EditError, set_path
from cfglint.expr import BUILTIN_FUNCTIONS, evaluate, format_message, names_in
from cfglint.facts import Fact, Facts, Unknown
from cfglint.findings import Finding, Fix, Severity
from cfglint.source.document import Span


def facts_of(ctx: CheckContext) -> Facts:
    """Facts of this document, built once per file and shared by every rule."""
    cached = ctx.cache.get("facts")
    if cached is None:
        from cfglint.families.facts_dispatch import facts_for

        cached = facts_for(ctx.doc, ctx.family.name, ctx.settings.mapping or None)
        ctx.cache["facts"] = cached
    assert isinstance(cached, Facts)
    return cached


class FactEnv:
    def __init__(self, facts: Facts, params: dict[str, Any]) -> None:
        self.facts = facts
        self.params = params
        from cfglint.families.facts_dispatch import expression_functions

        self.functions: dict[str, Callable[..., Any]] = dict(BUILTIN_FUNCTIONS)
        self.functions.update(expression_functions(facts))

    def lookup(self, name: str) -> Any:
        if name in self.params:
            return self.params[name]
        fact = self.facts.get(name)
        if fact is None:
            return Unknown(f"{name} is not known")
        return fact.value

    def function(self, name: str) -> Callable[..., Any] | None:
        return self.functions.get(name)


def _location(ctx: CheckContext, facts: Facts, names: list[str]) -> tuple[Span, tuple[Any, ...],
                                                                         Fact | None]:
    for name in names:
        fact = facts.get(name)
        if fact is not None and fact.span is not None:
            return fact.span, tuple(fact.key or ()), fact
    root = ctx.doc.root
    return (Span(0, 0) if root is None else Span(root.span.start, root.span.start)), (), None


def _fix(ctx: CheckContext, env: FactEnv, facts: Facts) -> Fix | None:
    spec = ctx.rule.fix
    if not spec or not spec.get("set"):
        return None
    edits = []
    changes = []
    for name, expr in spec["set"].items():
        value = evaluate(str(expr), env) if isinstance(expr, str) else expr
        if isinstance(value, Unknown):
            return None
        fact = facts.get(name)
        if fact is None or fact.key is None:
            return None
        try:
            edits.append(set_path(ctx.doc, tuple(fact.key), value))
        except EditError:
            return None
        changes.append(tuple(fact.key))
    title = format_message(str(spec.get("title") or ctx.rule.summary), env)
    return Fix(spec["safety"], title, edits, changes)


def run(ctx: CheckContext) -> Iterable[Finding]:
    rule = ctx.rule
    assert rule.when is not None
    facts = facts_of(ctx)
    env = FactEnv(facts, ctx.params)
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
    message = format_message(rule.message, env)
    return [ctx.finding(span, message, key, _fix(ctx, env, facts), severity=severity)]
