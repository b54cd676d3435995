"""CFG908: W&B ``log_uniform`` with bounds that are values, not exponents."""

from __future__ import annotations

import math
from collections.abc import Iterable

from cfglint.engine.context import CheckContext
from cfglint.findings import Edit, Finding, Fix
from cfglint.space.analysis import fmt
from cfglint.space.context import space_of


def run(ctx: CheckContext) -> Iterable[Finding]:
    space = space_of(ctx)
    if space is None or space.library != "wandb":
        return
    for p in space.params:
        if p.api not in ("log_uniform", "q_log_uniform", "inv_log_uniform") or not p.bounded:
            continue
        assert p.low is not None and p.high is not None
        if not (0 <= p.low < p.high <= 1):
            continue  # negative exponents (-9.2 = log 1e-4) are what log_uniform expects
        span = p.args.get("distribution", p.span)
        fix = Fix("unsafe", f"`{p.api}_values` (min and max are values)",
                  [Edit(span.start, span.end, f"{p.api}_values")],
                  changes=[(*p.key, "distribution")])
        yield ctx.finding(
            span,
            f"`{p.name}`: `{p.api}` takes exponents and samples exp(uniform(min, max)), so "
            f"min {fmt(p.low)} and max {fmt(p.high)} give values from {fmt(math.exp(p.low))} "
            f"to {fmt(math.exp(p.high))}; these bounds are values: use `{p.api}_values`",
            p.key, fix)
