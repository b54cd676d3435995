"""Turn a rule file's ``fix:`` spec into a Fix on the native keys of the facts it sets.

A spec names canonical facts and expressions (``set: {lr: "threshold / lora_scale"}``);
the fact's provenance says which native key holds it, or where the trainer would read
it when it is missing, so the edit lands there in the file's own style. Optional keys:
``when`` (offer the fix only where this holds), ``safety_by_family`` (e.g. safe where
the trainer itself already behaves as the fix says), ``otherwise`` (a second spec tried
when the first cannot be made), and ``title``. ``optimizer.args.NAME`` targets one
optimizer keyword argument in the trainer's own notation. A fix never replaces a whole
mapping or list, and never writes a fact whose native key is unknown.
"""

from __future__ import annotations

import re
from typing import Any

from cfglint.edit import EditError, replace_value, set_path
from cfglint.engine.context import CheckContext
from cfglint.engine.expr import Env, evaluate, format_message
from cfglint.facts.model import Facts, Unknown
from cfglint.findings import Edit, Fix
from cfglint.source.document import KeyPath, Mapping, Sequence, resolve_alias, to_python

# native keys that hold several optimizer/network arguments in one value
_ARG_CONTAINERS = frozenset({"optimizer_args", "optimizer_params", "network_args"})


def fix_for(ctx: CheckContext, env: Env, facts: Facts) -> Fix | None:
    spec: dict[str, Any] = ctx.rule.fix or {}
    while spec:
        fix = _make_fix(ctx, env, facts, spec)
        if fix is not None:
            return fix
        spec = spec.get("otherwise") or {}
    return None


def _make_fix(ctx: CheckContext, env: Env, facts: Facts, spec: dict[str, Any]) -> Fix | None:
    if not spec.get("set"):
        return None
    if spec.get("when"):
        ok = evaluate(str(spec["when"]), env)
        if isinstance(ok, Unknown) or not ok:
            return None
    edits: list[Edit] = []
    changes: list[KeyPath] = []
    for name, expr in spec["set"].items():
        value = evaluate(str(expr), env) if isinstance(expr, str) else expr
        if isinstance(value, Unknown) or value is None:
            return None
        if name.startswith("optimizer.args."):
            made = _set_optimizer_arg(ctx, facts, name[len("optimizer.args."):], value)
            if made is None:
                return None
            edits.append(made[0])
            changes.append(made[1])
            continue
        fact = facts.get(name)
        if fact is None or fact.key is None:
            return None
        if fact.key and fact.key[-1] in _ARG_CONTAINERS:
            return None  # lives inside an argument list or string: use optimizer.args.NAME
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


def _render_arg(value: Any) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float):
        return re.sub(r"e([+-])0(\d)", r"e\1\2", format(value, "g"))
    return str(value)


def _set_optimizer_arg(ctx: CheckContext, facts: Facts, name: str, value: Any
                       ) -> tuple[Edit, KeyPath] | None:
    """One optimizer keyword argument in the trainer's notation (``Family.arg_notation``):
    a key of a mapping (ai-toolkit ``optimizer_params``), a ``"k=v"`` item of a list
    (sd-scripts ``optimizer_args``), or a ``k=v`` word of a string (kohya_ss GUI)."""
    fact = facts.get("optimizer.args")
    notation = ctx.family.arg_notation
    if fact is not None and fact.key:
        key = tuple(fact.key)
    elif ctx.family.args_key is not None:
        key = ctx.family.args_key
    else:
        return None
    node = resolve_alias(ctx.doc.find(key))
    item = f"{name}={_render_arg(value)}"
    try:
        if node is None:
            if notation == "kv-list":
                return set_path(ctx.doc, key, [item]), key
            if notation == "kv-string":
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
