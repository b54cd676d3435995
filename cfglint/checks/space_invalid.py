"""CFG901: a distribution its library rejects when the search starts (Optuna's
``optuna/distributions.py`` checks; W&B's ``validate_min_max`` and schema)."""

from __future__ import annotations

from collections.abc import Iterable

from cfglint.engine.context import CheckContext
from cfglint.findings import Finding
from cfglint.space.analysis import fmt
from cfglint.space.context import space_of, where
from cfglint.space.model import Param


def problems(p: Param) -> list[tuple[str, str]]:
    """(argument to point at, why the library rejects it)."""
    out: list[tuple[str, str]] = []
    if p.kind == "categorical":
        if p.choices == [] and p.library in ("optuna", "ray", "wandb"):
            out.append(("choices", "has no choices; Optuna raises `The choices must contain one "
                        "or more elements`" if p.library == "optuna" else "has no values"))
        return out
    lo, hi = p.low, p.high
    if p.library == "optuna":
        if lo is not None and hi is not None and lo > hi:
            out.append(("low", f"low {fmt(lo)} > high {fmt(hi)}: Optuna raises "
                        "`low <= high must hold`"))
        step_log = p.step is not None and (p.kind == "float" or p.step != 1)
        if p.log and step_log:
            out.append(("step", "sets both step and log=True: Optuna raises ValueError (a log "
                        "range cannot be stepped)"))
        if p.log and lo is not None and (lo <= 0 if p.kind == "float" else lo < 1):
            bound = "low > 0" if p.kind == "float" else "low >= 1"
            out.append(("low", f"is log-scaled with low {fmt(lo)}: Optuna raises `{bound} must "
                        "hold for log=True`"))
        if p.step is not None and p.step <= 0:
            out.append(("step", f"has step {fmt(p.step)}: Optuna raises `step > 0 must hold`"))
    elif p.library == "wandb" and lo is not None and hi is not None:
        if lo >= hi:
            out.append(("min", f"min {fmt(lo)} is not less than max {fmt(hi)}: the sweep "
                        "controller rejects it (`validate_min_max`)"))
        if p.api in ("log_uniform_values", "q_log_uniform_values") and lo <= 0:
            out.append(("min", f"`{p.api}` needs min > 0 (it takes the log of the bounds); "
                        f"min is {fmt(lo)}"))
    return out


def run(ctx: CheckContext) -> Iterable[Finding]:
    space = space_of(ctx)
    if space is None:
        return
    for p in space.params:
        for arg, why in problems(p):
            span = p.args.get(arg, p.span)
            yield ctx.finding(span, f"{where(p)} {why}", p.key)
