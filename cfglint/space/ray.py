"""Ray Tune (and hyperopt) spaces read statically: ``tune.*`` sampling calls, named by the
config key they are written under.

Ray's bounds are values (``tune.loguniform(1e-4, 1e-1)``); hyperopt's log distributions
take exponents (``hp.loguniform("lr", log(1e-4), log(1e-1))``). A Ray config dict is what
the trainable receives, so a key in it is a config key.
"""

from __future__ import annotations

import ast

from cfglint.source.document import Document, Span
from cfglint.source.python_reader import Positions, dotted_name
from cfglint.space import expr as E
from cfglint.space.model import Kind, Library, Param, Space
from cfglint.space.pyexpr import Converter, module_constants

# function → (kind, positional argument names, log scale, upper bound inclusive)
RAY: dict[str, tuple[Kind, tuple[str, ...], bool, bool]] = {
    "uniform": ("float", ("low", "high"), False, True),
    "quniform": ("float", ("low", "high", "q"), False, True),
    "loguniform": ("float", ("low", "high", "base"), True, True),
    "qloguniform": ("float", ("low", "high", "q", "base"), True, True),
    "randint": ("int", ("low", "high"), False, False),
    "qrandint": ("int", ("low", "high", "q"), False, True),
    "lograndint": ("int", ("low", "high", "base"), True, False),
    "qlograndint": ("int", ("low", "high", "q", "base"), True, True),
    "choice": ("categorical", ("choices",), False, True),
    "grid_search": ("categorical", ("choices",), False, True),
}
HYPEROPT: dict[str, tuple[Kind, tuple[str, ...], bool, bool]] = {
    "uniform": ("float", ("name", "low", "high"), False, True),
    "quniform": ("float", ("name", "low", "high", "q"), False, True),
    "loguniform": ("float", ("name", "low", "high"), True, True),
    "qloguniform": ("float", ("name", "low", "high", "q"), True, True),
    "choice": ("categorical", ("name", "choices"), False, True),
}
_RAY_KEYWORDS = {"lower": "low", "upper": "high", "categories": "choices", "values": "choices"}


def _library(callee: str) -> tuple[Library, str] | None:
    parts = callee.split(".")
    if len(parts) >= 2 and parts[-2] == "tune" and parts[-1] in RAY:
        return "ray", parts[-1]
    if len(parts) == 2 and parts[0] == "hp" and parts[1] in HYPEROPT:
        return "hyperopt", parts[1]
    return None


def _number(v: object) -> float | None:
    return v if isinstance(v, int | float) and not isinstance(v, bool) else None


def _param(call: ast.Call, name: str | None, conv: Converter, pos: Positions) -> Param | None:
    callee = dotted_name(call.func)
    found = _library(callee) if callee else None
    if found is None:
        return None
    library, fn = found
    kind, names, log, inclusive = (RAY if library == "ray" else HYPEROPT)[fn]
    bound: dict[str, ast.expr] = {}
    spans: dict[str, Span] = {}
    for arg_name, arg in zip(names, call.args, strict=False):
        bound[arg_name], spans[arg_name] = arg, pos.span(arg)
    for kw in call.keywords:
        if kw.arg is not None:
            key = _RAY_KEYWORDS.get(kw.arg, kw.arg)
            bound[key], spans[key] = kw.value, pos.span(kw.value)

    def value(key: str) -> object:
        if key not in bound:
            return None
        v = E.evaluate(conv(bound[key]), {})
        return None if v is E.UNKNOWN else v

    label = value("name")
    p = Param(name or (label if isinstance(label, str) else f"<{callee}>"), kind, library,
              f"{'tune' if library == 'ray' else 'hp'}.{fn}", pos.span(call), args=spans,
              log=log, high_inclusive=inclusive, exponent_bounds=library == "hyperopt" and log)
    if kind == "categorical":
        choices = value("choices")
        p.choices = list(choices) if isinstance(choices, list | tuple) else None
    else:
        p.low, p.high = _number(value("low")), _number(value("high"))
        p.step = _number(value("q"))
    return p


def _named_calls(tree: ast.Module) -> list[tuple[ast.Call, str | None]]:
    """Sampling calls with the key they are written under (dict entry or subscript)."""
    named: dict[int, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for k, v in zip(node.keys, node.values, strict=True):
                if isinstance(k, ast.Constant) and isinstance(k.value, str) \
                        and isinstance(v, ast.Call):
                    named[id(v)] = k.value
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            for t in node.targets:
                if isinstance(t, ast.Subscript) and isinstance(t.slice, ast.Constant) \
                        and isinstance(t.slice.value, str):
                    named[id(node.value)] = t.slice.value
        elif isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg and isinstance(kw.value, ast.Call) and dotted_name(node.func) == "dict":
                    named[id(kw.value)] = kw.arg
    calls = [(n, named.get(id(n))) for n in ast.walk(tree) if isinstance(n, ast.Call)]
    return sorted(calls, key=lambda c: (c[0].lineno, c[0].col_offset))


def read_ray(doc: Document) -> Space:
    tree = doc.syntax
    space = Space("ray")
    if not isinstance(tree, ast.Module):
        return space
    conv = Converter(module_constants(tree, doc.text), None, doc.text)
    pos = Positions(doc)
    for call, name in _named_calls(tree):
        p = _param(call, name, conv, pos)
        if p is not None:
            space.params.append(p)
            if name is not None:
                space.keys.setdefault(name, ("param", p.name))
    return space
