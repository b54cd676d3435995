"""Expressions over searched parameters, and their evaluation on points and on boxes.

Python expressions are turned into small tuples (never evaluated by Python):
``("const", v)``, ``("param", name)``, ``("bin", op, a, b)``, ``("neg", a)``,
``("not", a)``, ``("cmp", (ops...), (operands...))``, ``("bool", "and"|"or", (items...))``,
``("call", fn, (args...))``, ``("seq", (items...))``, ``("dict", ((key, value)...))`` and
``("unknown", text)`` for anything else. Evaluation is over abstract values: a concrete
value, an ``Interval`` (a continuous parameter's whole range), or ``UNKNOWN``; comparisons
give True, False or ``None`` (cannot tell). Interval arithmetic is sound, so "never
true over the space" is a proof, not a sample.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cfglint.space.model import Expr


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


@dataclass(frozen=True)
class Interval:
    """A closed interval of a numeric search-space parameter."""

    lo: float
    hi: float

    def __post_init__(self) -> None:
        if self.lo > self.hi:
            object.__setattr__(self, "lo", self.hi)

    @property
    def point(self) -> bool:
        return self.lo == self.hi


def const(value: Any) -> Expr:
    return ("const", value)


def unknown(text: str = "") -> Expr:
    return ("unknown", text)


def params_in(expr: Expr) -> set[str]:
    """The parameters an expression reads."""
    out: set[str] = set()
    stack = [expr]
    while stack:
        e = stack.pop()
        if not isinstance(e, tuple) or not e:
            continue
        if e[0] == "param":
            out.add(e[1])
            continue
        for part in e[1:]:
            if isinstance(part, tuple):
                if part and isinstance(part[0], str) and part[0] in _TAGS:
                    stack.append(part)
                else:
                    stack.extend(p for p in part if isinstance(p, tuple))
    return out


def is_known(expr: Expr) -> bool:
    """No ``unknown`` part anywhere in it."""
    stack = [expr]
    while stack:
        e = stack.pop()
        if not isinstance(e, tuple) or not e:
            continue
        if e[0] == "unknown":
            return False
        for part in e[1:]:
            if isinstance(part, tuple):
                stack.append(part)
    return True


_TAGS = {"const", "param", "bin", "neg", "not", "cmp", "bool", "call", "seq", "dict", "unknown"}
Env = Mapping[str, Any]  # parameter → concrete value or Interval


def _num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _as_iv(v: Any) -> Interval | None:
    if isinstance(v, Interval):
        return v
    if _num(v):
        return Interval(float(v), float(v))
    return None


def _bin_interval(op: str, a: Interval, b: Interval) -> Any:
    if op in ("+", "-"):
        return Interval(a.lo + b.lo, a.hi + b.hi) if op == "+" else Interval(a.lo - b.hi,
                                                                               a.hi - b.lo)
    if op == "*":
        c = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi]
        return Interval(min(c), max(c))
    if op in ("/", "//"):
        if b.lo <= 0 <= b.hi:
            return UNKNOWN
        c = [a.lo / b.lo, a.lo / b.hi, a.hi / b.lo, a.hi / b.hi]
        lo, hi = min(c), max(c)
        return Interval(math.floor(lo), math.floor(hi)) if op == "//" else Interval(lo, hi)
    if op == "**" and a.lo >= 0 and b.point:
        c = [a.lo ** b.lo, a.hi ** b.lo]
        return Interval(min(c), max(c))
    return UNKNOWN


_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
    "/": lambda a, b: a / b, "//": lambda a, b: a // b, "%": lambda a, b: a % b,
    "**": lambda a, b: a ** b,
}


def _binary(op: str, a: Any, b: Any) -> Any:
    if a is UNKNOWN or b is UNKNOWN or op not in _OPS:
        return UNKNOWN
    if isinstance(a, Interval) or isinstance(b, Interval):
        ia, ib = _as_iv(a), _as_iv(b)
        return _bin_interval(op, ia, ib) if ia is not None and ib is not None else UNKNOWN
    try:
        if op == "**" and _num(b) and abs(b) > 64:
            return UNKNOWN
        if op == "*" and isinstance(b, int) and isinstance(a, str | list | tuple) and b > 64:
            return UNKNOWN
        return _OPS[op](a, b)
    except (ArithmeticError, TypeError, ValueError, OverflowError):
        return UNKNOWN


def _compare(op: str, a: Any, b: Any) -> bool | None:
    if a is UNKNOWN or b is UNKNOWN:
        return None
    ia, ib = _as_iv(a), _as_iv(b)
    if (isinstance(a, Interval) or isinstance(b, Interval)) and ia is not None and ib is not None:
        if op == "<":
            return True if ia.hi < ib.lo else False if ia.lo >= ib.hi else None
        if op == "<=":
            return True if ia.hi <= ib.lo else False if ia.lo > ib.hi else None
        if op == ">":
            return _compare("<", b, a)
        if op == ">=":
            return _compare("<=", b, a)
        if op in ("==", "!="):
            disjoint = ia.hi < ib.lo or ib.hi < ia.lo
            same = ia.point and ib.point and ia.lo == ib.lo
            eq = True if same else False if disjoint else None
            return eq if op == "==" or eq is None else not eq
        if op in ("in", "not in"):
            return None
        return None
    try:
        if op in ("in", "not in"):
            if not isinstance(b, list | tuple | set | frozenset | str | dict):
                return None
            found = a in b
            return found if op == "in" else not found
        if op in ("is", "is not"):
            if not (a is None or b is None or isinstance(a, bool)):
                return None
            return (a is b) if op == "is" else (a is not b)
        return bool(_OPS_CMP[op](a, b))
    except TypeError:
        return None


_OPS_CMP: dict[str, Callable[[Any, Any], Any]] = {
    "<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b,
}


def _truth(v: Any) -> bool | None:
    if v is UNKNOWN:
        return None
    if isinstance(v, Interval):
        return None if v.lo <= 0 <= v.hi else True
    if isinstance(v, bool):
        return v
    try:
        return bool(v)
    except Exception:
        return None


_ROUNDING: dict[str, Callable[[Any], Any]] = {
    "int": int, "round": round, "math.floor": math.floor, "math.ceil": math.ceil,
    "float": float, "abs": abs}


def _call(fn: str, args: list[Any]) -> Any:
    if any(a is UNKNOWN for a in args):
        return UNKNOWN
    if fn in ("int", "round", "math.floor", "math.ceil", "float", "abs") and len(args) == 1:
        a = args[0]
        f: Callable[[Any], Any] = _ROUNDING[fn]
        if isinstance(a, Interval):
            if fn == "abs":
                lo = 0.0 if a.lo <= 0 <= a.hi else min(abs(a.lo), abs(a.hi))
                return Interval(lo, max(abs(a.lo), abs(a.hi)))
            return Interval(float(f(a.lo)), float(f(a.hi)))
        if _num(a) or (fn in ("int", "float") and isinstance(a, str)):
            try:
                return f(a)
            except (ValueError, OverflowError):
                return UNKNOWN
        return UNKNOWN
    if fn == "str" and len(args) == 1:
        return str(args[0]) if not isinstance(args[0], Interval) else UNKNOWN
    if fn in ("min", "max") and len(args) >= 2:
        ivs = [_as_iv(a) for a in args]
        if any(i is None for i in ivs):
            return UNKNOWN
        if not any(isinstance(a, Interval) for a in args):
            return min(args) if fn == "min" else max(args)
        pick = min if fn == "min" else max
        return Interval(pick(i.lo for i in ivs if i), pick(i.hi for i in ivs if i))
    if fn in ("math.log10", "math.log", "math.exp", "math.sqrt", "np.log", "np.log10",
              "np.exp", "numpy.log", "numpy.exp") and len(args) == 1:
        g = {"log10": math.log10, "log": math.log, "exp": math.exp,
             "sqrt": math.sqrt}[fn.rsplit(".", 1)[1]]
        a = args[0]
        try:
            if isinstance(a, Interval):
                return Interval(g(a.lo), g(a.hi))
            return g(a) if _num(a) else UNKNOWN
        except (ValueError, OverflowError):
            return UNKNOWN
    return UNKNOWN


def evaluate(expr: Expr, env: Env) -> Any:
    """The abstract value of ``expr`` where parameters take the values (or intervals) of
    ``env``; booleans come out as True, False or None (cannot tell)."""
    tag = expr[0]
    if tag == "const":
        return expr[1]
    if tag == "param":
        return env.get(expr[1], UNKNOWN)
    if tag == "bin":
        return _binary(expr[1], evaluate(expr[2], env), evaluate(expr[3], env))
    if tag == "neg":
        v = evaluate(expr[1], env)
        if isinstance(v, Interval):
            return Interval(-v.hi, -v.lo)
        return -v if _num(v) else UNKNOWN
    if tag == "not":
        t = truth(expr[1], env)
        return None if t is None else not t
    if tag == "cmp":
        values = [evaluate(e, env) for e in expr[2]]
        result: bool | None = True
        for op, a, b in zip(expr[1], values, values[1:], strict=False):
            r = _compare(op, a, b)
            if r is False:
                return False
            if r is None:
                result = None
        return result
    if tag == "bool":
        return _bool(expr[1], [truth(e, env) for e in expr[2]])
    if tag == "call":
        return _call(expr[1], [evaluate(a, env) for a in expr[2]])
    if tag == "seq":
        items = [evaluate(e, env) for e in expr[1]]
        return UNKNOWN if any(i is UNKNOWN or isinstance(i, Interval) for i in items) else items
    return UNKNOWN


def _bool(op: str, values: list[bool | None]) -> bool | None:
    if op == "and":
        if any(v is False for v in values):
            return False
        return True if all(v is True for v in values) else None
    if any(v is True for v in values):
        return True
    return False if all(v is False for v in values) else None


def truth(expr: Expr, env: Env) -> bool | None:
    """Whether ``expr`` holds: True, False, or None when it cannot be told."""
    v = evaluate(expr, env)
    if v is None:
        return None
    return _truth(v)


def render(expr: Expr) -> str:
    """Python source for an expression (used in messages and inserted guards)."""
    tag = expr[0]
    if tag == "const":
        return repr(expr[1])
    if tag == "param":
        return str(expr[1])
    if tag == "bin":
        return f"({render(expr[2])} {expr[1]} {render(expr[3])})"
    if tag == "neg":
        return f"-{render(expr[1])}"
    if tag == "not":
        return f"not {render(expr[1])}"
    if tag == "cmp":
        parts = [render(expr[2][0])]
        for op, e in zip(expr[1], expr[2][1:], strict=False):
            parts += [op, render(e)]
        return " ".join(parts)
    if tag == "bool":
        return f" {expr[1]} ".join(render(e) for e in expr[2])
    if tag == "call":
        return f"{expr[1]}({', '.join(render(a) for a in expr[2])})"
    if tag == "seq":
        return "[" + ", ".join(render(e) for e in expr[1]) + "]"
    return str(expr[1]) if len(expr) > 1 else "?"
