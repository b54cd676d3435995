"""CFG909: W&B infers ``int_uniform`` when min and max are both integers."""

from __future__ import annotations

from collections.abc import Iterable

from cfglint.engine.context import CheckContext
from cfglint.findings import Edit, Finding, Fix
from cfglint.space.context import space_of

_FLOAT_NAMES = ("lr", "learning_rate", "dropout", "decay", "ratio", "rate", "momentum", "beta",
                "eps", "prob", "frac", "alpha", "temperature", "scale", "weight", "p")


def run(ctx: CheckContext) -> Iterable[Finding]:
    space = space_of(ctx)
    if space is None or space.library != "wandb":
        return
    for p in space.params:
        if p.api != "int_uniform" or "distribution" in p.args or not p.bounded:
            continue
        assert p.low is not None and p.high is not None
        leaf = p.name.rsplit(".", 1)[-1].lower()
        floaty = any(leaf == n or leaf.endswith("_" + n) or leaf.startswith(n + "_")
                     for n in _FLOAT_NAMES)
        if not floaty and p.high - p.low > 1:
            continue
        values = list(range(int(p.low), int(p.high) + 1))
        shown = ", ".join(map(str, values[:4])) + (", ..." if len(values) > 4 else "")
        lo, hi = p.args.get("min"), p.args.get("max")
        fix = None
        if lo is not None and hi is not None:
            raw_lo = ctx.doc.text[lo.start:lo.end]
            raw_hi = ctx.doc.text[hi.start:hi.end]
            if raw_lo.lstrip("-").isdigit() and raw_hi.lstrip("-").isdigit():
                fix = Fix("unsafe", "write the bounds as floats (a uniform float range)",
                          [Edit(lo.start, lo.end, raw_lo + ".0"),
                           Edit(hi.start, hi.end, raw_hi + ".0")],
                          changes=[(*p.key, "min"), (*p.key, "max")])
        yield ctx.finding(
            p.args.get("min.entry", p.span),
            f"`{p.name}`: min {int(p.low)} and max {int(p.high)} are both integers, so W&B "
            f"infers `int_uniform` and samples only {{{shown}}}; write {int(p.low)}.0 and "
            f"{int(p.high)}.0 (or `distribution: uniform`) for a float range, or "
            "`distribution: int_uniform` to say the integers are meant", p.key, fix)
