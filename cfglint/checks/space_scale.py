"""CFG903: a learning rate or weight decay searched over two decades or more on a linear
scale: uniform sampling puts about 90% of the trials in the top decade."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from cfglint.engine.context import CheckContext
from cfglint.findings import Edit, Finding, Fix
from cfglint.source.writing import EditError
from cfglint.space.analysis import fmt
from cfglint.space.context import space_of, where
from cfglint.space.fixes import add_log
from cfglint.space.model import Param

_SCALE_NAMES = re.compile(r"(^|[._])(lr|learning_rate|weight_decay|wd|.*_lr|lr_.*|eps|epsilon)$",
                          re.IGNORECASE)


def _fix(ctx: CheckContext, p: Param) -> Fix | None:
    try:
        if p.library == "wandb":
            dist = p.args.get("distribution")
            if p.api == "uniform" and dist is not None:
                edit = Edit(dist.start, dist.end, "log_uniform_values")
            else:
                return None
            return Fix("unsafe", "sample on a log scale (log_uniform_values: the same bounds)",
                       [edit], changes=[(*p.key, "distribution")])
        if p.library in ("optuna", "ray") and p.kind == "float":
            return Fix("unsafe", "sample on a log scale (the same bounds)", [add_log(ctx.doc, p)],
                       changes=[("params", p.name, "log")])
    except EditError:
        return None
    return None


def run(ctx: CheckContext) -> Iterable[Finding]:
    space = space_of(ctx)
    if space is None:
        return
    decades = float(ctx.params.get("decades", 2))
    for p in space.first_params():
        leaf = p.name.rsplit(".", 1)[-1]
        if p.kind == "categorical" or p.log or not p.bounded or not _SCALE_NAMES.search(leaf):
            continue
        lo, hi = p.value_range()
        if lo <= 0 or hi <= 0 or math.log10(hi / lo) < decades:
            continue
        share = (hi - hi / 10) / (hi - lo)
        yield ctx.finding(
            p.span,
            f"{where(p)} spans {math.log10(hi / lo):.1f} decades ({fmt(lo)} to {fmt(hi)}) on a "
            f"linear scale: {share:.0%} of the trials land in the top decade [{fmt(hi / 10)}, "
            f"{fmt(hi)}] and the low end is barely searched; learning rates and weight decay are "
            "searched on a log scale", p.key, _fix(ctx, p))
