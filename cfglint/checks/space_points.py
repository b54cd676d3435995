"""CFG912: the space admits configs the trainer's own rules reject.

Points of the space (every categorical value, the ends and middle of every range, the
guards applied) are rendered as configs of the trainer the space feeds and linted with
its rules; each rule that fires is reported once, with the region of the space where it
fires and an example point. Where the region is a set of categorical values, the fix
(suggest) is a guard that prunes it, written after the last suggestion it reads.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from cfglint.engine.context import CheckContext
from cfglint.findings import Edit, Finding, Fix
from cfglint.source.writing import EditError
from cfglint.space.analysis import fmt
from cfglint.space.context import space_of, survey_of
from cfglint.space.fixes import insert_guard, pruned_name
from cfglint.space.model import Param, Space
from cfglint.space.regions import Region, regions


def _anchor(space: Space, region: Region, survey_keys: dict[str, Any]) -> Param | None:
    """The parameter to point at: the first one the region names, else the one whose
    config key the trainer's finding is about."""
    names = [n for n, _ in region.condition]
    key = str(region.example.key[0]) if region.example.key else None
    if key is not None and key in survey_keys:
        from cfglint.space import expr as E

        names += sorted(E.params_in(survey_keys[key]))
    for n in names:
        p = space.param(n)
        if p is not None:
            return p
    return None


def _two_digits(value: float, down: bool) -> float:
    """``value`` to two significant digits, rounded towards the quiet side."""
    if value <= 0:
        return value
    unit = 10.0 ** (math.floor(math.log10(value)) - 1)
    steps = math.floor(value / unit) if down else math.ceil(value / unit)
    return float(f"{steps * unit:.12g}")


def _narrow_fix(ctx: CheckContext, space: Space, region: Region) -> Fix | None:
    """A bound moved to where the rule stops firing (the region is one end of a range)."""
    if region.bound is None or region.condition:
        return None
    name, side, value = region.bound
    p = space.param(name)
    if p is None or p.exponent_bounds:
        return None
    arg = {"above": ("high", "max"), "below": ("low", "min")}[side]
    span = next((p.args[k] for k in (f"{arg[0]}.value", arg[0], arg[1]) if k in p.args), None)
    if span is None:
        return None
    rounded = _two_digits(value, down=side == "above")
    text = repr(int(rounded)) if p.kind == "int" else repr(rounded)
    edit = Edit(span.start, span.end, text)
    what = "high" if side == "above" else "low"
    return Fix("suggest", f"{what} = {text} (where {region.code} stops firing)", [edit],
               changes=[("params", name, what)])


def _guard_fix(ctx: CheckContext, space: Space, region: Region) -> Fix | None:
    if space.library != "optuna" or not region.condition or not region.every:
        return None
    params = [space.param(n) for n, _ in region.condition]
    if any(p is None or (p.var is None and p.statement is None) for p in params):
        return None
    names = {n: (space.param(n).var or n) for n, _ in region.condition}  # type: ignore[union-attr]
    last = max((p for p in params if p is not None and p.statement is not None),
               key=lambda p: p.statement.end if p.statement else 0, default=None)
    if last is None or last.statement is None:
        return None
    line = ctx.doc.line_col(last.statement.end)[0]
    if line >= ctx.doc.line_count:
        return None
    after = ctx.doc.line_span(line + 1)
    cond = " and ".join(f"{names[n]} == {vs[0]!r}" if len(vs) == 1 else f"{names[n]} in {vs!r}"
                        for n, vs in region.condition)
    if region.bound is not None:
        bounded = space.param(region.bound[0])
        if bounded is None or bounded.var is None:
            return None
        cond += f" and {bounded.var} {'>' if region.bound[1] == 'above' else '<'} " \
                f"{region.bound[2]:.3g}"
    try:
        edit = insert_guard(ctx.doc, after, cond, f"{region.code}: rejected by the trainer's rules",
                            pruned_name(ctx.doc))
    except EditError:
        return None
    return Fix("suggest", f"prune the region ({cond})", [edit], changes=[("guards",)])


def _groups(found: list[Region]) -> list[list[Region]]:
    """Regions with the same defining condition: one cause, one finding."""
    groups: dict[tuple[Any, ...], list[Region]] = {}
    for r in found:
        key = (tuple((n, tuple(vs)) for n, vs in r.condition), r.bound, r.every)
        groups.setdefault(key, []).append(r)
    order = {"error": 0, "warning": 1, "info": 2}
    return [sorted(g, key=lambda r: (order[r.example.severity], r.code))
            for g in groups.values()]


def run(ctx: CheckContext) -> Iterable[Finding]:
    space = space_of(ctx)
    survey = survey_of(ctx) if space is not None else None
    if space is None or survey is None or not survey.points:
        return
    from cfglint.space import expr as E
    from cfglint.space.points import key_expressions

    keys = key_expressions(space, ctx.settings)
    found = regions(survey, {k: E.params_in(e) for k, e in keys.items()})
    for group in _groups(found):
        first = group[0]
        anchor = _anchor(space, first, keys)
        if anchor is None:
            continue
        point = ", ".join(f"{k}={fmt(v)}" for k, v in first.example_values.items())
        parts = []
        for region in group:
            how = "on every point" if region.every else f"on {len(region.points)} of " \
                f"{len(survey.points)} points checked"
            parts.append(f"{region.where} → {region.code} ({region.example.severity}) {how}")
        said = "; ".join(f"{r.code}: {r.example.message}" for r in group) if len(group) > 1 \
            else first.example.message
        yield ctx.finding(
            anchor.span,
            f"the space admits {survey.trainer} configs its rules reject: {'; '.join(parts)}; "
            f"e.g. at {point}: {said} (keys the search does not set are the trainer's "
            "defaults)",
            fix=_narrow_fix(ctx, space, first) or _guard_fix(ctx, space, first))
