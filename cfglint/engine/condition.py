"""Rules stated as conditions over facts (``when:`` in a rule file).

The environment resolves a name in this order: the rule's params (settings may
override them), then canonical and derived facts. A condition that comes out
Unknown means "not evaluated": the rule stays silent rather than guess. The finding
points at the fact named by ``at:`` (or the first fact the condition reads that has
a location); ``fix:`` is built by ``cfglint.engine.fix_spec``.

Functions available to expressions, on top of ``cfglint.engine.expr``'s built-ins:
``ema_init_share(n)`` and ``lr_at(step)`` bound to this run's facts;
``origin(name)`` (``explicit``, ``default``, ``derived``, ``external``, or ``missing``);
``has(name)``; ``fact_or(name, default)``; ``arg(name, default)`` (a key of
``optimizer.args``); ``family_is(name, ...)``; ``sig(x, n)`` (n significant digits);
``main_lr()`` / ``main_eff_lr()`` (the UNet/transformer LR as sd-scripts picks it:
a positive ``unet_lr`` replaces ``learning_rate``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

from cfglint.engine.context import CheckContext
from cfglint.engine.expr import BUILTIN_FUNCTIONS, evaluate, format_message, names_in
from cfglint.engine.fix_spec import fix_for
from cfglint.facts.model import Fact, Facts, Unknown
from cfglint.findings import Finding, Severity
from cfglint.source.document import Span


def facts_of(ctx: CheckContext) -> Facts:
    """Facts of this document, built once per file and shared by every rule."""
    cached = ctx.cache.get("facts")
    if cached is None:
        from cfglint.facts.collect import facts_for

        cached = facts_for(ctx.doc, ctx.family.name, ctx.settings.mapping or None)
        ctx.cache["facts"] = cached
    assert isinstance(cached, Facts)
    return cached


def _sig(x: float, n: float = 2) -> float:
    if x == 0 or not math.isfinite(x):
        return x
    return round(x, int(n) - 1 - math.floor(math.log10(abs(x))))


class FactEnv:
    def __init__(self, facts: Facts, params: dict[str, Any], family: str = "generic",
                 functions: dict[str, Callable[..., Any]] | None = None) -> None:
        self.facts = facts
        self.params = params
        self.family = family
        if functions is None:
            from cfglint.facts.collect import expression_functions

            functions = dict(BUILTIN_FUNCTIONS)
            functions.update(expression_functions(facts))
            functions.update(self._fact_functions())
        self.functions = functions

    def lookup(self, name: str) -> Any:
        if name in self.params:
            return self.params[name]
        fact = self.facts.get(name)
        if fact is None:
            return Unknown(f"{name} is not known")
        return fact.value

    def function(self, name: str) -> Callable[..., Any] | None:
        return self.functions.get(name)

    def _fact_functions(self) -> dict[str, Callable[..., Any]]:
        facts = self.facts

        def origin(name: str) -> Any:
            fact = facts.get(name)
            return "missing" if fact is None else fact.origin

        def has(name: str) -> bool:
            fact = facts.get(name)
            return fact is not None and not isinstance(fact.value, Unknown)

        def fact_or(name: str, default: Any) -> Any:
            fact = facts.get(name)
            if fact is None or isinstance(fact.value, Unknown) or fact.value is None:
                return default
            return fact.value

        def arg(name: str, default: Any = None) -> Any:
            fact = facts.get("optimizer.args")
            if fact is None:
                return default  # no optimizer arguments in the file
            if not isinstance(fact.value, dict):
                return Unknown("optimizer.args is not known")
            return fact.value.get(name, default)

        def family_is(*names: str) -> bool:
            return self.family in names

        def _fact(name: str) -> Any:
            fact = facts.get(name)
            return Unknown(f"{name} is not known") if fact is None else fact.value

        def _main(unet: str, base: str) -> Any:
            # these functions are shared by every rule of a file: read facts, never params
            lr_unet = facts.get("lr.unet")
            value = lr_unet.value if lr_unet is not None else None
            if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
                return _fact(unet)
            return _fact(base)

        return {"origin": origin, "has": has, "fact_or": fact_or, "arg": arg,
                "family_is": family_is, "sig": _sig,
                "main_lr": lambda: _main("lr.unet", "lr"),
                "main_eff_lr": lambda: _main("effective_lr.unet", "effective_lr")}


# every function a rule expression may call (checked when users' rules are loaded)
RULE_FUNCTIONS = frozenset({*BUILTIN_FUNCTIONS, "ema_init_share", "lr_at", "origin", "has",
                            "fact_or", "arg", "family_is", "sig", "main_lr", "main_eff_lr"})


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
    facts = facts_of(ctx)
    shared = ctx.cache.get("functions")  # the same for every rule of this file
    env = FactEnv(facts, ctx.params, ctx.family.name, shared)
    ctx.cache["functions"] = env.functions
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
    return [ctx.finding(span, message, key, fix_for(ctx, env, facts), severity=severity)]
