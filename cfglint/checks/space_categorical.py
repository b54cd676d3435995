"""CFG904: numbers searched as a categorical: samplers treat the values as unordered labels
(TPE cannot learn that 1e-4 lies between 3e-5 and 3e-4), so a range says more."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from typing import Any

from cfglint.engine.context import CheckContext
from cfglint.findings import Finding
from cfglint.space.analysis import fmt
from cfglint.space.context import space_of, where


def _numbers(values: list[Any]) -> list[float] | None:
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return None
    return sorted(float(v) for v in values)


def suggestion(values: list[float], is_int: bool) -> str:
    lo, hi = values[0], values[-1]
    steps = {round(b - a, 12) for a, b in itertools.pairwise(values)}
    kind = "int" if is_int else "float"
    if len(steps) == 1:
        step = steps.pop()
        return (f"suggest_{kind}(name, {fmt(int(lo) if is_int else lo)}, "
                f"{fmt(int(hi) if is_int else hi)}, step={fmt(int(step) if is_int else step)}) "
                "samples exactly these values as an ordered range")
    if lo > 0 and len({round(math.log(b / a), 6) for a, b in itertools.pairwise(values)}) == 1:
        return (f"suggest_{kind}(name, {fmt(int(lo) if is_int else lo)}, "
                f"{fmt(int(hi) if is_int else hi)}, log=True) searches the same span on the "
                "log scale the values follow")
    return f"suggest_{kind}(name, {fmt(lo)}, {fmt(hi)}) orders them"


def run(ctx: CheckContext) -> Iterable[Finding]:
    space = space_of(ctx)
    if space is None or space.library != "optuna":
        return
    least = int(ctx.params.get("min_values", 3))
    for p in space.first_params():
        if p.kind != "categorical" or p.choices is None:
            continue
        numbers = _numbers(p.choices)
        if numbers is None or len(set(numbers)) < least:
            continue
        is_int = all(isinstance(v, int) for v in p.choices)
        yield ctx.finding(
            p.span,
            f"{where(p)} searches the numbers {', '.join(fmt(v) for v in p.choices)} as "
            "unordered categories: TPE and the other model-based samplers cannot use their "
            f"order; {suggestion(numbers, is_int)} (a study that already has trials keeps "
            "the categorical distribution: start a new study)", p.key)
