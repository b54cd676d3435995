"""CFG910: log-scale bounds in the wrong units: Ray's ``tune.loguniform`` takes values
(a bound at or below 0 is an exponent, and Ray rejects it); hyperopt's
``hp.loguniform`` takes exponents (bounds in (0, 1] are values, sampled as e^value)."""

from __future__ import annotations

import math
from collections.abc import Iterable

from cfglint.engine.context import CheckContext
from cfglint.findings import Finding
from cfglint.space.analysis import fmt
from cfglint.space.context import space_of


def run(ctx: CheckContext) -> Iterable[Finding]:
    space = space_of(ctx)
    if space is None:
        return
    for p in space.params:
        if not p.log or not p.bounded:
            continue
        assert p.low is not None and p.high is not None
        if p.library == "ray" and p.low <= 0:
            yield ctx.finding(
                p.args.get("low", p.span),
                f"`{p.name}`: `{p.api}` takes the bounds as values, not exponents, and needs "
                f"lower > 0 (Ray raises ValueError for {fmt(p.low)}); for 10^{fmt(p.low)} to "
                f"10^{fmt(p.high)} write {p.api}({fmt(10.0 ** p.low)}, {fmt(10.0 ** p.high)})")
        elif p.library == "hyperopt" and 0 < p.low < p.high <= 1:
            yield ctx.finding(
                p.args.get("low", p.span),
                f"`{p.name}`: `{p.api}` takes exponents and samples exp(uniform(low, high)), so "
                f"{fmt(p.low)} and {fmt(p.high)} give values from {fmt(math.exp(p.low))} to "
                f"{fmt(math.exp(p.high))}; for values in [{fmt(p.low)}, {fmt(p.high)}] write "
                f"np.log({fmt(p.low)}) and np.log({fmt(p.high)})")
