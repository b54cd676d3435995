"""Whole-space questions answered exactly: can this guard ever fire, can this constraint
ever be met?

The space is split into cases over its discrete parameters (categoricals, small integer
ranges, stepped floats) and each case is a box in which the continuous parameters are
intervals; a condition evaluated with interval arithmetic on every box gives a sound
answer. A parameter that is unknown, unbounded or only conditionally suggested is
unknown, and then nothing is claimed.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any, Literal

from cfglint.space import expr as E
from cfglint.space.model import Expr, Guard, Param, Space

MAX_CASES = 4096
Verdict = Literal["never", "always"]


def searchable(space: Space) -> list[Param]:
    """Parameters with a fixed name, suggested unconditionally (Optuna keeps the first
    definition of a name)."""
    return [p for p in space.first_params() if "dynamic-name" not in p.notes and p.active is None]


def boxes(params: list[Param]) -> Iterator[dict[str, Any]]:
    """Every case of the discrete parameters, with the continuous ones as intervals."""
    discrete: list[tuple[str, list[Any]]] = []
    base: dict[str, Any] = {}
    for p in params:
        values = p.values()
        if values is not None and values:
            discrete.append((p.name, values))
        elif p.bounded and p.kind != "categorical":
            lo, hi = p.value_range()
            base[p.name] = E.Interval(lo, hi)
    size = 1
    for _, values in discrete:
        size *= len(values)
    while size > MAX_CASES and discrete:
        name, values = max(discrete, key=lambda d: len(d[1]))
        discrete.remove((name, values))
        size //= len(values)
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            base[name] = E.Interval(float(min(values)), float(max(values)))
    names = [n for n, _ in discrete]
    for combo in itertools.product(*(v for _, v in discrete)):
        env = dict(base)
        env.update(zip(names, combo, strict=True))
        yield env


def verdict(cond: Expr, params: list[Param]) -> Verdict | None:
    """``never`` when ``cond`` is false on the whole space, ``always`` when it is true on
    the whole space, else None (including whenever something is unknown)."""
    needed = E.params_in(cond)
    if not E.is_known(cond) or not needed:
        return None
    known = {p.name for p in params}
    if not needed <= known:
        return None
    relevant = [p for p in params if p.name in needed]
    seen: set[bool | None] = set()
    for env in boxes(relevant):
        seen.add(E.truth(cond, env))
        if None in seen or len(seen) > 1:
            return None
    if seen == {False}:
        return "never"
    if seen == {True}:
        return "always"
    return None


def guard_verdict(guard: Guard, space: Space) -> Verdict | None:
    """For a prune guard: whether it never or always fires. For a constraint: ``always``
    when it is violated (value > 0) everywhere."""
    params = searchable(space)
    if guard.kind == "prune":
        return verdict(guard.cond, params)
    violated = verdict(("cmp", (">",), (guard.cond, E.const(0))), params)
    return "always" if violated == "always" else None


def ranges_text(names: set[str], space: Space) -> str:
    """``lr in [6e-05, 0.00012] (log), dim in {64, 128, 256}`` for the named parameters."""
    parts = []
    for p in space.first_params():
        if p.name not in names:
            continue
        values = p.values()
        if values is not None and len(values) <= 12:
            parts.append(f"{p.name} in {{{', '.join(fmt(v) for v in values)}}}")
        elif p.bounded:
            lo, hi = p.value_range()
            parts.append(f"{p.name} in [{fmt(lo)}, {fmt(hi)}]" + (" (log)" if p.log else ""))
    return ", ".join(parts)


def fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return repr(v) if isinstance(v, str) else str(v)
