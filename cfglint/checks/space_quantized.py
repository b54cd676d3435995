"""CFG911: quantized ranges whose bounds are not multiples of q: samples are rounded to
multiples of q and can fall outside the bounds (Ray, hyperopt, W&B ``q_*``), or the top of
the range is silently lowered (Optuna ``step``)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from cfglint.engine.context import CheckContext
from cfglint.findings import Finding
from cfglint.space.analysis import fmt
from cfglint.space.context import space_of


def _multiple(x: float, q: float, base: float = 0.0) -> bool:
    """Whether x - base is a whole number of q, in decimal as Optuna checks it
    (``_adjust_discrete_uniform_high``), so 0.01 - 0.001 is 9 steps of 0.001."""
    r = (Decimal(str(x)) - Decimal(str(base))) % Decimal(str(q))
    return r == 0


def run(ctx: CheckContext) -> Iterable[Finding]:
    space = space_of(ctx)
    if space is None:
        return
    for p in space.params:
        if not p.bounded or not p.step or p.step <= 0 or p.exponent_bounds:
            continue
        assert p.low is not None and p.high is not None
        lo, hi, q = p.low, p.high, p.step
        if p.library == "optuna":
            if p.log or _multiple(hi, q, lo):
                continue
            steps = (Decimal(str(hi)) - Decimal(str(lo))) // Decimal(str(q))
            top = float(steps * Decimal(str(q)) + Decimal(str(lo)))
            yield ctx.finding(
                p.args.get("step", p.span),
                f"`{p.name}`: the range {fmt(lo)}..{fmt(hi)} is not a whole number of steps of "
                f"{fmt(q)}, so Optuna lowers high to {fmt(top)} (with a warning) and "
                f"{fmt(hi)} is never tried")
        elif not (_multiple(lo, q) and _multiple(hi, q)):
            below, above = round(lo / q) * q, round(hi / q) * q
            yield ctx.finding(
                p.args.get("q", p.span),
                f"`{p.name}`: bounds {fmt(lo)} and {fmt(hi)} are not multiples of q={fmt(q)}; "
                f"samples are rounded to multiples of q, so values such as {fmt(below)} or "
                f"{fmt(above)} can come out beyond the bounds you wrote", p.key)
