"""Which trainer a space feeds, and the regions of a space where a trainer rule fires,
described by the parameters ("optimizer_type='Prodigy' with learning_rate in [6e-05,
0.00012]")."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

from cfglint.findings import Finding
from cfglint.settings import Settings
from cfglint.space import expr as E
from cfglint.space.analysis import fmt, searchable
from cfglint.space.model import Space
from cfglint.space.points import Survey, design, key_expressions, levels, render_config


def trainer_for(space: Space, settings: Settings) -> str | None:
    """Settings' ``search-space.trainer``, else a training script the code names, else the
    trainer whose own keys the space sets (detection must claim it strongly)."""
    from cfglint.families import FAMILY_CLASSES, claim, detect_scores
    from cfglint.families.base import STRONG
    from cfglint.source.read import parse_text

    configured = settings.search_space.get("trainer")
    if configured:
        return str(configured)
    if space.trainer_hint:
        return space.trainer_hint
    keys = key_expressions(space, settings)
    params = searchable(space)
    lv = {p.name: levels(p) for p in params}
    lv = {n: v for n, v in lv.items() if v}
    rows = design(lv)[:1] or [{}]
    values = {n: lv[n][i] for n, i in rows[0].items()}
    if not any(E.params_in(e) for e in keys.values()):
        return None
    config = {k: v for k, e in keys.items()
              if (v := E.evaluate(e, values)) is not E.UNKNOWN and v is not None
              and not isinstance(v, E.Interval)}
    if len(config) < 3:
        return None
    trainers = {c.name for c in FAMILY_CLASSES if "python" not in c.formats} - {"generic"}
    for fmt_name in ("toml", "yaml"):
        doc = parse_text(f"point.{fmt_name}", render_config(config, fmt_name), fmt_name)  # type: ignore[arg-type]
        scores = {n: s for n, s in detect_scores(doc).items() if n in trainers}
        found = claim(scores)
        if found.how == "content" and scores.get(found.family, 0.0) >= STRONG:
            return found.family
    return None


@dataclass
class Region:
    """Part of a search space where a rule fires, with one example finding."""

    code: str
    where: str  # the region in words
    every: bool  # the rule fires on every point of the region
    points: list[int]
    example: Finding
    example_values: dict[str, Any]
    condition: list[tuple[str, list[Any]]]  # (parameter, values) that define the region
    # a continuous parameter past which the rule fires: (name, "above" | "below", value)
    bound: tuple[str, str, float] | None = None


def _discrete(survey: Survey) -> list[str]:
    return [p.name for p in survey.params if p.values() is not None and
            len(survey.levels.get(p.name, [])) > 1]


def _members(survey: Survey, cond: list[tuple[str, list[Any]]]) -> set[int]:
    return {i for i, pt in enumerate(survey.points)
            if all(pt.values.get(n) in vs for n, vs in cond)}


def _conditions(survey: Survey) -> list[list[tuple[str, list[Any]]]]:
    names = _discrete(survey)
    singles = [[(n, [v])] for n in names for v in survey.levels[n]]
    pairs = [[a[0], b[0]] for a, b in itertools.combinations(singles, 2) if a[0][0] != b[0][0]]
    return [*singles, *pairs]


def _ranges(survey: Survey, members: list[int], skip: set[str], show: set[str]) -> str:
    """Ranges of the continuous parameters over the region: those the finding is about
    (``show``), and any the region covers only in part."""
    parts = []
    for p in survey.params:
        if p.name in skip or p.values() is not None:
            continue
        vals = [survey.points[i].values[p.name] for i in members if p.name in
                survey.points[i].values]
        full = survey.levels.get(p.name, [])
        if vals and (p.name in show or (full and (min(vals), max(vals)) != (min(full),
                                                                            max(full)))):
            parts.append(f"{p.name} in [{fmt(min(vals))}, {fmt(max(vals))}]")
    return " and ".join(parts)


BISECT_STEPS = 12


def _bisect(survey: Survey, code: str, point: dict[str, Any], name: str, quiet: float,
            loud: float, log: bool) -> float | None:
    """The value of ``name`` between ``quiet`` (the rule does not fire) and ``loud`` (it
    fires) where the rule starts to fire, at ``point``; returns the last quiet value."""
    if survey.lint is None:
        return None
    lint = survey.lint
    for _ in range(BISECT_STEPS):
        mid = math.sqrt(quiet * loud) if log and quiet > 0 and loud > 0 else (quiet + loud) / 2
        fires = any(f.code == code for f in lint({**point, name: mid})[0])
        quiet, loud = (quiet, mid) if fires else (mid, loud)
    return quiet


def _threshold(survey: Survey, code: str, region: set[int],
               fired: set[int]) -> tuple[str, str, float] | None:
    """A continuous parameter whose upper (or lower) levels are exactly where the rule
    fires within the region, with the boundary found by bisection."""
    for p in survey.params:
        lv = sorted(survey.levels.get(p.name, []))
        if p.values() is not None or len(lv) < 2:
            continue
        at = {i: survey.points[i].values.get(p.name) for i in region}
        for k in range(1, len(lv)):
            for side, chosen in (("above", {i for i, v in at.items() if v >= lv[k]}),
                                 ("below", {i for i, v in at.items() if v <= lv[-1 - k]})):
                if chosen != fired:
                    continue
                quiet, loud = (lv[k - 1], lv[k]) if side == "above" else (lv[-k], lv[-1 - k])
                point = survey.points[min(fired)].values
                t = _bisect(survey, code, point, p.name, quiet, loud, p.log)
                if t is not None:
                    return p.name, side, t
    return None


def regions(survey: Survey, about: dict[str, set[str]] | None = None) -> list[Region]:
    """One region per rule that fires; ``about`` maps a config key to the parameters its
    value reads (their ranges are shown for a finding on that key)."""
    out = []
    total = set(range(len(survey.points)))
    for code, hits in sorted(survey.hits.items()):
        fired = set(hits)
        cond: list[tuple[str, list[Any]]] | None = None
        every = False
        if fired == total:
            cond, every = [], True
        else:
            for c in _conditions(survey):
                if _members(survey, c) == fired:
                    cond, every = c, True
                    break
            if cond is None:  # the narrowest categorical condition that holds all of it
                cond = next((c for c in _conditions(survey)
                             if fired <= (m := _members(survey, c)) and m != total), None)
        cond = cond or []
        bound = None
        if not every:
            bound = _threshold(survey, code, _members(survey, cond) if cond else total, fired)
            every = bound is not None
        members = sorted(fired)
        words = " and ".join(f"{n}={fmt(vs[0])}" if len(vs) == 1 else f"{n} in {vs}"
                             for n, vs in cond)
        key = str(hits[members[0]].key[0]) if hits[members[0]].key else ""
        skip = {n for n, _ in cond} | ({bound[0]} if bound else set())
        ranges = _ranges(survey, members, skip, (about or {}).get(key, set()))
        if bound is not None:
            words = " and ".join(x for x in (words, f"{bound[0]} {bound[1]} about "
                                                    f"{fmt(bound[2])}") if x)
        where = " with ".join(x for x in (words, ranges) if x) or "the whole space"
        first = members[0]
        out.append(Region(code, where, every, members, hits[first],
                          survey.points[first].values, cond, bound))
    return out
