"""Condition rules that need a little more than ``cfglint.checks.condition`` offers.

A rule file names this module (``check: fact_rule``) and keeps its ``when``,
``escalate``, ``message``, ``at`` and ``fix`` exactly as a plain condition rule
does. On top of that:

* more functions in expressions, all pure reads of the run's facts:
  ``origin('lora.alpha')`` (``explicit``, ``default``, ``derived``, ``external``, or
  ``missing`` when the fact is absent),
  ``has('lr.te')``, ``fact_or('lr.unet', lr)`` (the fact's value, or the default when
  the fact is absent or unknown), ``arg('safeguard_warmup', False)`` (a key of
  ``optimizer.args``), ``family_is('ai-toolkit', ...)``, ``sig(x, n)`` (round to
  ``n`` significant digits, for suggested values), and ``main_lr()`` /
  ``main_eff_lr()``: the UNet/transformer LR (``lr.unet`` when positive, else ``lr``)
  and its effective LR;
* ``fix.when``: the fix is offered only where this condition holds;
* ``fix.safety_by_family``: e.g. ``{ai-toolkit: safe}`` where the trainer itself
  already behaves as the fix says;
* ``fix.otherwise``: a second fix spec (same keys) tried when the first one cannot
  be made;
* ``set: {optimizer.args.NAME: expr}`` sets one optimizer keyword argument in the
  trainer's notation (mapping key, ``"k=v"`` list item, or ``k=v`` word);
* a guard: a fix never replaces a mapping or a list (a fact such as
  ``ema.used_for_sampling`` may point at the ``ema_config`` block that implies it),
  and never writes a fact whose native key is unknown.

Everything else (Unknown → "not evaluated", location, message formatting) is the
behaviour of ``condition.run``.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable, Iterable
from typing import Any

from cfglint.checks.condition import FactEnv, _location, facts_of
from cfglint.checks.context import CheckContext
from cfglint.edit import EditError, replace_value, set_path
from cfglint.expr import _Eval, _split_spec, compile_expr, names_in
from cfglint.facts import Facts, Unknown
from cfglint.findings import Edit, Finding, Fix, Severity
from cfglint.source.document import KeyPath, Mapping, Sequence, resolve_alias, to_python


def _sig(x: float, n: float = 2) -> float:
    if x == 0 or not math.isfinite(x):
        return x
    digits = int(n) - 1 - math.floor(math.log10(abs(x)))
    return round(x, digits)


class _SafeEval(_Eval):
    """``_Eval`` whose and/or keeps the first Unknown without asking for its truth value
    (``pending or v`` on two Unknowns raises TypeError in ``cfglint.expr``)."""

    def boolop(self, node: ast.BoolOp) -> Any:
        is_and = isinstance(node.op, ast.And)
        pending: Unknown | None = None
        last: Any = None
        for value_node in node.values:
            v = self.run(value_node)
            if isinstance(v, Unknown):
                if pending is None:
                    pending = v
                continue
            truth = bool(v)
            if is_and and not truth:
                return False
            if not is_and and truth:
                return v
            last = v
        return pending if pending is not None else last


def evaluate(source: str, env: Any) -> Any:
    return _SafeEval(env).run(compile_expr(source).body)


def format_message(template: str, env: Any) -> str:
    """``cfglint.expr.format_message`` (``{expr:spec}`` fields, ``{{``/``}}`` escapes),
    evaluated with ``_SafeEval``."""
    out: list[str] = []
    i, n = 0, len(template)
    while i < n:
        if template.startswith("{{", i) or template.startswith("}}", i):
            out.append(template[i])
            i += 2
            continue
        if template[i] != "{":
            out.append(template[i])
            i += 1
            continue
        depth, j = 1, i + 1
        while j < n and depth:
            depth += {"{": 1, "}": -1}.get(template[j], 0)
            j += 1
        expr, spec = _split_spec(template[i + 1:j - 1])
        value = evaluate(expr, env)
        if isinstance(value, Unknown):
            out.append("?")
        else:
            try:
                out.append(format(value, spec))
            except (ValueError, TypeError):
                out.append(str(value))
        i = j
    return "".join(out)


class RichEnv(FactEnv):
    def __init__(self, facts: Facts, params: dict[str, Any], family: str) -> None:
        super().__init__(facts, params)
        self.family = family
        self.functions.update(self._extra())
        if "ema_init_share" not in self.functions:
            from cfglint.families.facts_dispatch import expression_functions

            self.functions.update({k: v for k, v in expression_functions(facts).items()
                                   if k not in self.functions})

    def _extra(self) -> dict[str, Callable[..., Any]]:
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

        def _main(unet: str, base: str) -> Any:
            # sd-scripts and kohya_ss: a positive unet_lr replaces learning_rate for the
            # UNet/transformer; 0 or absent leaves learning_rate in charge
            lr_unet = facts.get("lr.unet")
            if lr_unet is not None and isinstance(lr_unet.value, int | float) \
                    and not isinstance(lr_unet.value, bool) and lr_unet.value > 0:
                return self.lookup(unet)
            return self.lookup(base)

        def main_lr() -> Any:
            return _main("lr.unet", "lr")

        def main_eff_lr() -> Any:
            return _main("effective_lr.unet", "effective_lr")

        return {"origin": origin, "has": has, "fact_or": fact_or, "arg": arg,
                "family_is": family_is, "sig": _sig, "main_lr": main_lr,
                "main_eff_lr": main_eff_lr}


def _make_fix(ctx: CheckContext, env: RichEnv, facts: Facts, spec: dict[str, Any]) -> Fix | None:
    if not spec or not spec.get("set"):
        return None
    if spec.get("when"):
        ok = evaluate(str(spec["when"]), env)
        if isinstance(ok, Unknown) or not ok:
            return None
    edits = []
    changes = []
    for name, expr in spec["set"].items():
        value = evaluate(str(expr), env) if isinstance(expr, str) else expr
        if isinstance(value, Unknown) or value is None:
            return None
        if name.startswith("optimizer.args."):
            edit = _set_optimizer_arg(ctx, facts, name[len("optimizer.args."):], value)
            if edit is None:
                return None
            edits.append(edit[0])
            changes.append(edit[1])
            continue
        fact = facts.get(name)
        if fact is None or fact.key is None:
            return None
        if fact.key and fact.key[-1] in _ARG_CONTAINERS:
            return None  # the value lives inside an argument list/string: see optimizer.args.*
        node = resolve_alias(ctx.doc.find(tuple(fact.key)))
        if isinstance(node, Mapping | Sequence):
            return None  # the fact is implied by a block, not stored in one scalar
        try:
            edits.append(set_path(ctx.doc, tuple(fact.key), value))
        except EditError:
            return None
        changes.append(tuple(fact.key))
    safety = (spec.get("safety_by_family") or {}).get(ctx.family.name, spec.get("safety"))
    if safety not in ("safe", "unsafe", "suggest"):
        return None
    title = format_message(str(spec.get("title") or ctx.rule.summary), env)
    return Fix(safety, title, edits, changes)


_ARG_CONTAINERS = frozenset({"optimizer_args", "optimizer_params", "network_args"})


def _render_arg(value: Any) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float):
        return re.sub(r"e([+-])0(\d)", r"e\1\2", format(value, "g"))
    return str(value)


def _set_optimizer_arg(ctx: CheckContext, facts: Facts, name: str, value: Any
                       ) -> tuple[Edit, KeyPath] | None:
    """Set one optimizer keyword argument in the trainer's own notation: a key of a
    mapping (ai-toolkit ``optimizer_params``), a ``"k=v"`` item of a list (sd-scripts
    ``optimizer_args``), or a ``k=v`` word of a string (kohya_ss GUI ``optimizer_args``)."""
    fact = facts.get("optimizer.args")
    if fact is not None and fact.key:
        key = tuple(fact.key)
    elif ctx.family.name in ("kohya", "kohya-gui"):
        key = ("optimizer_args",)
    else:
        return None
    node = resolve_alias(ctx.doc.find(key))
    item = f"{name}={_render_arg(value)}"
    try:
        if node is None:
            if ctx.family.name == "kohya":
                return set_path(ctx.doc, key, [item]), key
            if ctx.family.name == "kohya-gui":
                return set_path(ctx.doc, key, item), key
            return set_path(ctx.doc, (*key, name), value), (*key, name)
        if isinstance(node, Mapping):
            return set_path(ctx.doc, (*key, name), value), (*key, name)
        current = to_python(node)
        if isinstance(current, list) and all(isinstance(x, str) for x in current):
            kept = [x for x in current if x.split("=", 1)[0].strip() != name]
            return replace_value(ctx.doc, node, [*kept, item]), key
        if isinstance(current, str):
            words = [w for w in current.split() if w.split("=", 1)[0] != name]
            return replace_value(ctx.doc, node, " ".join([*words, item])), key
    except EditError:
        return None
    return None


def fix_for(ctx: CheckContext, env: RichEnv, facts: Facts) -> Fix | None:
    spec = ctx.rule.fix or {}
    while spec:
        fix = _make_fix(ctx, env, facts, spec)
        if fix is not None:
            return fix
        spec = spec.get("otherwise") or {}
    return None


def run(ctx: CheckContext) -> Iterable[Finding]:
    rule = ctx.rule
    if not rule.when:
        return []
    facts = facts_of(ctx)
    env = RichEnv(facts, ctx.params, ctx.family.name)
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
