"""Points of a search space linted as the trainer's own configs.

Each parameter gets levels (every categorical value, the ends and middle of a range, on
a log grid where the range is log-scaled); the points are all combinations when few,
else a pairwise covering design (every pair of levels of every two parameters appears
together). Guards prune points as they prune trials. Each point's config keys are
rendered as a small config in the trainer's own format and linted by
``cfglint.pipeline.lint_document`` with that family, so the findings are exactly the
trainer's rules on what the search would run.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from cfglint.facts.model import Facts
from cfglint.findings import Finding
from cfglint.settings import Settings
from cfglint.source.writing import float_text
from cfglint.space import expr as E
from cfglint.space.analysis import searchable
from cfglint.space.model import Expr, Param, Space

MAX_POINTS = 96
COUNTED = ("warning", "error")


@dataclass
class Point:
    """One point of a search space and the config the trainer gets there."""

    values: dict[str, Any]  # parameter → value
    config: dict[str, Any]  # config key → value the trainer gets


@dataclass
class Survey:
    """What the trainer's rules say about the points of a space."""

    trainer: str
    params: list[Param]
    levels: dict[str, list[Any]]
    points: list[Point] = field(default_factory=list)
    hits: dict[str, dict[int, Finding]] = field(default_factory=dict)  # code → point → finding
    facts: list[Facts] = field(default_factory=list)
    searched_keys: set[str] = field(default_factory=set)
    # lints one more point (for bisecting where a rule starts to fire)
    lint: Callable[[dict[str, Any]], tuple[list[Finding], Facts]] | None = None


def levels(p: Param) -> list[Any]:
    values = p.values()
    if values is not None:
        return list(dict.fromkeys(values)) if all(
            isinstance(v, int | float | str | bool) or v is None for v in values) else values
    if not p.bounded or p.kind == "categorical":
        return []
    lo, hi = p.value_range()
    if hi < lo:
        return []
    mid = math.sqrt(lo * hi) if p.log and lo > 0 else (lo + hi) / 2
    out = [lo, mid, hi]
    if p.kind == "int":
        out = [round(v) for v in out]
    return sorted(set(out), key=out.index)


Pair = tuple[tuple[int, int], tuple[int, int]]


def _gain(row: dict[int, int], k: int, c: int, uncovered: set[Pair]) -> int:
    """How many uncovered pairs choosing level ``c`` for parameter ``k`` covers."""
    n = 0
    for m, v in row.items():
        pair = ((m, v), (k, c)) if m < k else ((k, c), (m, v))
        n += pair in uncovered
    return n


def _best_level(row: dict[int, int], k: int, count: int, uncovered: set[Pair]) -> int:
    """The level of parameter ``k`` that covers the most new pairs (the lowest on a tie)."""
    best, best_gain = 0, -1
    for c in range(count):
        g = _gain(row, k, c, uncovered)
        if g > best_gain:
            best, best_gain = c, g
    return best


def design(lv: dict[str, list[Any]]) -> list[dict[str, int]]:
    """All combinations when there are few, else a deterministic pairwise covering."""
    names = list(lv)
    size = 1
    for n in names:
        size *= len(lv[n])
    if size <= MAX_POINTS:
        return [dict(zip(names, combo, strict=True)) for combo in itertools.product(
            *(range(len(lv[n])) for n in names))]
    uncovered = {((i, a), (j, b)) for i, j in itertools.combinations(range(len(names)), 2)
                 for a in range(len(lv[names[i]])) for b in range(len(lv[names[j]]))}
    rows: list[dict[str, int]] = []
    while uncovered and len(rows) < MAX_POINTS:
        (i, a), (j, b) = min(uncovered)
        row = {i: a, j: b}
        for k in range(len(names)):
            if k not in row:
                row[k] = _best_level(row, k, len(lv[names[k]]), uncovered)
        uncovered -= {((x, row[x]), (y, row[y])) for x, y in itertools.combinations(
            sorted(row), 2)}
        rows.append({names[k]: v for k, v in row.items()})
    return rows


def _render_value(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return float_text(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        items = [_render_value(v) for v in value]
        return None if any(i is None for i in items) else "[" + ", ".join(
            i for i in items if i is not None) + "]"
    return None


def render_config(config: dict[str, Any], fmt: str) -> str:
    """A small config in the trainer's format: TOML ``key = value`` lines, or YAML with
    dotted keys nested (flow values that YAML 1.1 and 1.2 read alike)."""
    lines = []
    if fmt == "toml":
        for key, value in config.items():
            text = _render_value(value)
            if text is not None and "." not in key:
                lines.append(f"{key} = {text}")
        return "\n".join(lines) + "\n"
    tree: dict[str, Any] = {}
    for key, value in config.items():
        node = tree
        parts = key.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                break
        else:
            node[parts[-1]] = value

    def emit(node: dict[str, Any], indent: str) -> None:
        for k, v in node.items():
            if isinstance(v, dict):
                lines.append(f"{indent}{k}:")
                emit(v, indent + "  ")
            elif (text := _render_value(v)) is not None:
                lines.append(f"{indent}{k}: {text}")

    emit(tree, "")
    return "\n".join(lines) + "\n"


def key_expressions(space: Space, settings: Settings) -> dict[str, Expr]:
    keys = dict(space.keys)
    for name, key in (settings.search_space.get("keys") or {}).items():
        keys[key] = ("param", name)
    return keys


def _config(point: dict[str, Any], keys: dict[str, Expr]) -> dict[str, Any]:
    out = {}
    for key, e in keys.items():
        v = E.evaluate(e, point)
        if v is not E.UNKNOWN and v is not None and not isinstance(v, E.Interval):
            out[key] = v
    return out


def _pruned(point: dict[str, Any], space: Space) -> bool:
    for g in space.guards:
        if g.kind == "prune" and E.truth(g.cond, point) is True:
            return True
    return False


Linted = tuple[list[Finding], Facts]


def survey(space: Space, trainer: str, settings: Settings) -> Survey | None:
    """Lint every point of the space as a ``trainer`` config."""
    from cfglint.families import get_family
    from cfglint.pipeline import RunOptions, build_facts, lint_document, rules_for
    from cfglint.source.read import parse_text

    family = get_family(trainer)
    fmt = next((f for f in ("toml", "yaml", "json") if f in family.formats), None)
    params = searchable(space)
    keys = key_expressions(space, settings)
    searched = {k for k, e in keys.items() if E.params_in(e)}
    if fmt is None or fmt == "json" or not searched:
        return None
    lv = {p.name: levels(p) for p in params}
    lv = {n: v for n, v in lv.items() if v}
    point_settings = replace(settings, per_file_ignores={}, families={}, family=None,
                             search_space={})
    rules = rules_for(point_settings)
    options = RunOptions(family=trainer)
    cache: dict[str, Linted] = {}

    def lint(values: dict[str, Any]) -> Linted:
        text = render_config(_config(values, keys), fmt)
        if text not in cache:
            doc = parse_text(f"point.{fmt}", text, fmt)  # type: ignore[arg-type]
            findings = [f for f in lint_document(doc, point_settings, options, rules).findings
                        if f.severity in COUNTED and f.key and str(f.key[0]) in searched
                        and not f.code.startswith("CFG9")]
            cache[text] = (findings, build_facts(doc, family, point_settings))
        return cache[text]

    result = Survey(trainer, params, lv, searched_keys=searched, lint=lint)
    for row in design(lv):
        values = {n: lv[n][i] for n, i in row.items()}
        if _pruned(values, space):
            continue
        findings, facts = lint(values)
        index = len(result.points)
        result.points.append(Point(values, _config(values, keys)))
        result.facts.append(facts)
        for f in findings:
            result.hits.setdefault(f.code, {}).setdefault(index, f)
    return result
