"""CFG913: a learning rate searched in nominal terms while α/r, which multiplies it, varies
across the space: the effective LR the search really covers is reported."""

from __future__ import annotations

from collections.abc import Iterable

from cfglint.engine.context import CheckContext
from cfglint.facts.model import Facts, is_known
from cfglint.findings import Finding
from cfglint.space import expr as E
from cfglint.space.analysis import fmt
from cfglint.space.context import space_of, survey_of
from cfglint.space.lora import TRUTH
from cfglint.space.points import key_expressions


def _num(facts: Facts, name: str) -> float | None:
    v = facts.value(name, default=None)
    return float(v) if v is not None and is_known(v) and isinstance(v, int | float) else None


def run(ctx: CheckContext) -> Iterable[Finding]:
    space = space_of(ctx)
    survey = survey_of(ctx) if space is not None else None
    if space is None or survey is None or not survey.facts:
        return
    scales = [s for f in survey.facts if (s := _num(f, "lora_scale")) is not None]
    pairs = [(lr, eff) for f in survey.facts
             if (lr := _num(f, "lr")) is not None and (eff := _num(f, "effective_lr")) is not None]
    if not scales or min(scales) == max(scales) or not pairs:
        return
    lr_fact = survey.facts[0].get("lr")
    if lr_fact is None or not lr_fact.key:
        return
    expr = key_expressions(space, ctx.settings).get(str(lr_fact.key[0]))
    names = E.params_in(expr) if expr is not None else set()
    param = next((space.param(n) for n in sorted(names) if space.param(n)), None)
    if param is None:
        return
    lrs, effs = [p[0] for p in pairs], [p[1] for p in pairs]
    yield ctx.finding(
        param.span,
        f"`{param.name}` is searched as a nominal LR over [{fmt(min(lrs))}, {fmt(max(lrs))}], "
        f"but α/r varies over [{fmt(min(scales))}, {fmt(max(scales))}] across the space, so "
        f"the effective LR the trainer applies covers [{fmt(min(effs))}, {fmt(max(effs))}] "
        f"({max(effs) / min(effs):.1f}× wide, against {max(lrs) / min(lrs):.1f}× nominal); "
        f"{TRUTH}. Search the effective LR (or hold α/r fixed) to search what you mean")
