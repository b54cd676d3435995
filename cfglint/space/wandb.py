"""W&B sweep configs (YAML, JSON, or a dict in Python) read into a space.

A parameter's distribution is the one the sweep controller infers
(``wandb/sweeps:src/sweeps/config/schema.json``, tried in order by
``src/sweeps/config/schema.py::fill_parameter``): ``values`` is categorical, ``value`` a
constant, ``min``/``max`` without ``distribution`` are ``int_uniform`` when both are
integers and ``uniform`` otherwise. ``log_uniform``, ``q_log_uniform`` and
``inv_log_uniform`` take *exponents* (``exp(uniform(min, max))``,
``src/sweeps/params.py``); the ``*_values`` variants take values. Scalars are read as
the sweep's loader reads them (PyYAML for ``wandb sweep file.yaml``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cfglint.source.document import Mapping, Scalar, Sequence, resolve_alias
from cfglint.space.model import Kind, Param, Space

DISTRIBUTIONS = frozenset({
    "constant", "categorical", "int_uniform", "uniform", "q_uniform", "log_uniform",
    "log_uniform_values", "q_log_uniform", "q_log_uniform_values", "inv_log_uniform",
    "inv_log_uniform_values", "normal", "q_normal", "log_normal", "q_log_normal", "beta",
    "q_beta", "categorical_w_probabilities",
})
EXPONENT_BOUNDS = frozenset({"log_uniform", "q_log_uniform", "inv_log_uniform"})
LOG_SCALE = EXPONENT_BOUNDS | {"log_uniform_values", "q_log_uniform_values",
                               "inv_log_uniform_values"}

View = Callable[[Scalar], Any]


def _number(v: object) -> float | None:
    return v if isinstance(v, int | float) and not isinstance(v, bool) else None


def _distribution(defn: Mapping, view: View) -> str | None:
    dist = resolve_alias(defn.get("distribution"))
    if isinstance(dist, Scalar):
        return str(view(dist))
    keys = set(defn.keys())
    if "values" in keys:
        return "categorical_w_probabilities" if "probabilities" in keys else "categorical"
    if "value" in keys:
        return "constant"
    if {"min", "max"} <= keys:
        lo, hi = (resolve_alias(defn.get(k)) for k in ("min", "max"))
        if isinstance(lo, Scalar) and isinstance(hi, Scalar):
            a, b = view(lo), view(hi)
            if all(isinstance(x, int) and not isinstance(x, bool) for x in (a, b)):
                return "int_uniform"
            return "uniform"
    return None


def _param(name: str, defn: Mapping, dist: str, view: View) -> Param | None:
    kind: Kind = "categorical" if dist in ("categorical", "categorical_w_probabilities",
                                           "constant") else (
        "int" if dist == "int_uniform" else "float")
    p = Param(name, kind, "wandb", dist, defn.span, key=defn.path,
              log=dist in LOG_SCALE, exponent_bounds=dist in EXPONENT_BOUNDS)
    for entry in defn.entries:
        p.args[entry.name] = entry.value.span
        p.args[f"{entry.name}.entry"] = entry.key.span
    if kind == "categorical":
        values = resolve_alias(defn.get("values" if dist != "constant" else "value"))
        if dist == "constant" and isinstance(values, Scalar):
            p.choices = [view(values)]
        elif isinstance(values, Sequence) and all(isinstance(resolve_alias(i), Scalar)
                                                  for i in values.items):
            p.choices = [view(i) for i in values.items if isinstance(i, Scalar)]
        return p
    if dist in ("normal", "q_normal", "log_normal", "q_log_normal", "beta", "q_beta"):
        return p  # unbounded: nothing to range over
    for side in ("min", "max"):
        node = resolve_alias(defn.get(side))
        value = _number(view(node)) if isinstance(node, Scalar) else None
        if side == "min":
            p.low = value
        else:
            p.high = value
    q = resolve_alias(defn.get("q"))
    if isinstance(q, Scalar):
        p.step = _number(view(q))
    elif dist.startswith("q_"):
        p.step = 1.0  # the schema's default
    return p


def _walk(params: Mapping, prefix: str, view: View, space: Space) -> None:
    for entry in params.entries:
        defn = resolve_alias(entry.value)
        if not isinstance(defn, Mapping):
            continue
        name = f"{prefix}{entry.name}"
        nested = resolve_alias(defn.get("parameters"))
        if isinstance(nested, Mapping):
            _walk(nested, name + ".", view, space)
            continue
        dist = _distribution(defn, view)
        if dist is None:
            continue
        p = _param(name, defn, dist, view)
        if p is not None:
            space.params.append(p)
            space.keys[name] = ("param", name)


def read_wandb(sweeps: list[tuple[Mapping, Scalar | None]], view: View) -> Space:
    """The parameters of each sweep mapping (with its method, as detection found them)."""
    space = Space("wandb")
    for sweep, method in sweeps:
        space.method = str(view(method)) if method is not None else None
        params = resolve_alias(sweep.get("parameters"))
        if isinstance(params, Mapping):
            _walk(params, "", view, space)
    return space
