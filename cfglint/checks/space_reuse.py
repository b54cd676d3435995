"""CFG907: one parameter name suggested with two different distributions in one objective:
Optuna keeps the first and warns (``optuna/trial/_trial.py::_check_distribution``).
Different functions of one file are different objectives, so only names within one
function are compared."""

from __future__ import annotations

from collections.abc import Iterable

from cfglint.engine.context import CheckContext
from cfglint.findings import Finding
from cfglint.space.context import space_of
from cfglint.space.model import Param


def _dist(p: Param) -> tuple[object, ...]:
    return (p.kind, p.low, p.high, p.log, p.step,
            tuple(p.choices) if p.choices is not None else None)


def run(ctx: CheckContext) -> Iterable[Finding]:
    space = space_of(ctx)
    if space is None or space.library != "optuna":
        return
    first: dict[tuple[str, str], Param] = {}
    for p in space.params:
        if "dynamic-name" in p.notes:
            continue
        if (p.scope, p.name) not in first:
            first[(p.scope, p.name)] = p
            continue
        other = first[(p.scope, p.name)]
        if _dist(p) == _dist(other) or (None in (p.low, other.low) and p.kind != "categorical"):
            continue
        line = ctx.doc.line_col(other.span.start)[0]
        yield ctx.finding(
            p.span,
            f"`{p.name}` is also suggested on line {line} with a different distribution; in "
            "one trial Optuna returns the first definition's value and ignores this one (with "
            "a RuntimeWarning), and across trials the study cannot mix the two; give each its "
            "own name")
