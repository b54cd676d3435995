"""CFG906: a guard that fires on every point, or a constraint that no point meets: every
trial is pruned or infeasible."""

from __future__ import annotations

from collections.abc import Iterable

from cfglint.engine.context import CheckContext
from cfglint.findings import Finding
from cfglint.space import expr as E
from cfglint.space.analysis import guard_verdict, ranges_text
from cfglint.space.context import space_of


def run(ctx: CheckContext) -> Iterable[Finding]:
    space = space_of(ctx)
    if space is None:
        return
    for g in space.guards:
        if guard_verdict(g, space) != "always":
            continue
        test = ctx.doc.text[g.test.start:g.test.end]
        ranges = ranges_text(E.params_in(g.cond), space)
        if g.kind == "prune":
            message = (f"this guard fires on every point of the space: `{test}` is true for "
                       f"{ranges}, so every trial is pruned and the study learns nothing")
        else:
            message = (f"this constraint is never met: `{test}` is above 0 for {ranges}, so "
                       "every trial is infeasible (Optuna counts a trial feasible only when "
                       "every constraint value is 0 or less)")
        yield ctx.finding(g.test, message)
