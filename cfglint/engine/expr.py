"""A small, safe expression language for rule conditions and messages.

Rule files (and users' own rule folders) state conditions such as
``optimizer.is_8bit and effective_lr > threshold``. They are parsed with
Python's ``ast`` and evaluated by walking a whitelist of node types: no
``eval``, no attribute access on objects (a dotted name is one fact name), no
subscripts, comprehensions or lambdas, bounded size and exponents.

Unknown values propagate with Kleene logic: ``False and ?`` is False, ``True or
?`` is True, anything else touching an Unknown is Unknown, and a rule whose
condition is Unknown is "not evaluated", never true.

Rule folders come from the repository being checked, so evaluation is bounded like
simpleeval's: source length and node count when a rule loads; at evaluation the size of
every product and power (bits of an integer, length of a string or list), exponents,
format widths and precisions. Past a limit the expression raises ExprError (CFG009 for the
rule on that file), it never runs on.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable
from functools import lru_cache
from typing import Any, Protocol

from cfglint.facts.model import Unknown

MAX_NODES = 256
MAX_SOURCE = 4000  # characters of one expression
MAX_EXPONENT = 1000
MAX_INT_BITS = 4096  # about 1,233 decimal digits
MAX_LENGTH = 100_000  # items of a string or list an expression builds
MAX_FORMAT_WIDTH = 1000  # width or precision in a message's {expr:spec}


_NO_PERCENT = "%-formatting is not allowed; use a message template {expr:spec}"


class ExprError(ValueError):
    """The expression uses something outside the whitelist, or is malformed."""


class Env(Protocol):
    def lookup(self, name: str) -> Any: ...

    def function(self, name: str) -> Callable[..., Any] | None: ...


_BIN: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_CMP: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
    ast.Is: operator.is_, ast.IsNot: operator.is_not,
}
_ALLOWED = (
    ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.UAdd,
    ast.BinOp, ast.Compare, ast.IfExp, ast.Constant, ast.Name, ast.Attribute, ast.Call,
    ast.Load, ast.List, ast.Tuple, *_BIN, *_CMP,
)


def dotted_name(node: ast.AST) -> str | None:
    """``a.b.c`` for a chain of Attribute/Name nodes, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


@lru_cache(maxsize=1024)
def compile_expr(source: str) -> ast.Expression:
    """Parse and validate once; raises ExprError with the reason."""
    if len(source) > MAX_SOURCE:
        raise ExprError(f"expression too long ({len(source):,} characters > {MAX_SOURCE:,})")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as err:
        raise ExprError(f"invalid expression {source[:80]!r}: {err.msg}") from None
    except (RecursionError, MemoryError, ValueError):
        raise ExprError(f"expression {source[:80]!r} is nested too deeply") from None
    count = 0
    for node in ast.walk(tree):
        count += 1
        if not isinstance(node, _ALLOWED):
            raise ExprError(f"{type(node).__name__} is not allowed in rule expressions")
        if isinstance(node, ast.Attribute) and dotted_name(node) is None:
            raise ExprError("attribute access is only allowed in dotted fact names")
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.keywords:
                raise ExprError("only plain calls of whitelisted functions are allowed")
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) \
                and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str):
            raise ExprError(_NO_PERCENT)
    if count > MAX_NODES:
        raise ExprError(f"expression too large ({count} nodes > {MAX_NODES})")
    return tree


def names_in(source: str) -> list[str]:
    """Fact and parameter names an expression reads, in order of appearance."""
    tree = compile_expr(source)
    out: list[str] = []

    def visit(node: ast.AST) -> None:
        name = dotted_name(node)
        if name is not None and isinstance(node, ast.Attribute | ast.Name):
            if name not in out:
                out.append(name)
            return
        if isinstance(node, ast.Call):
            for a in node.args:
                visit(a)
            return
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return out


def evaluate(source: str, env: Env) -> Any:
    return _Eval(env).run(compile_expr(source).body)


def _size(value: Any) -> int:
    """Bits of an int, items of a string or list (what a product or power makes large)."""
    if isinstance(value, bool):
        return 1
    if isinstance(value, int):
        return value.bit_length()
    if isinstance(value, str | list | tuple):
        return len(value)
    return 0


def _bounded(op: ast.operator, a: Any, b: Any) -> None:
    """Refuse an operation whose result would pass the size limits, before computing it."""
    number = (int, float)
    if isinstance(op, ast.Pow) and isinstance(b, number) and not isinstance(b, bool):
        if abs(b) > MAX_EXPONENT:
            raise ExprError(f"exponent {b:g} too large (limit {MAX_EXPONENT})")
        if isinstance(a, int) and isinstance(b, int) and b > 0 \
                and _size(a) * b > MAX_INT_BITS:
            raise ExprError(f"power too large (more than {MAX_INT_BITS} bits)")
    elif isinstance(op, ast.Mult):
        seq = a if isinstance(a, str | list | tuple) else b if isinstance(
            b, str | list | tuple) else None
        times = b if seq is a else a
        if seq is not None and isinstance(times, int) and len(seq) * max(times, 0) > MAX_LENGTH:
            raise ExprError(f"repetition too long (more than {MAX_LENGTH:,} items)")
        if isinstance(a, int) and isinstance(b, int) and _size(a) + _size(b) > MAX_INT_BITS:
            raise ExprError(f"product too large (more than {MAX_INT_BITS} bits)")
    elif isinstance(op, ast.Add) and isinstance(a, str | list | tuple) \
            and isinstance(b, str | list | tuple) and len(a) + len(b) > MAX_LENGTH:
        raise ExprError(f"concatenation too long (more than {MAX_LENGTH:,} items)")


def _config_string(node: ast.BinOp, a: Any, b: Any) -> bool:
    """A string from the config (not the rule's own literal) in a product or remainder: the
    rule meant a number, and repeating or %-formatting the user's text is never the
    answer (nor a reason to report the rule as failed)."""
    if not isinstance(node.op, ast.Mult | ast.Mod):
        return False
    return any(isinstance(value, str) and not isinstance(operand, ast.Constant)
               for operand, value in ((node.left, a), (node.right, b)))


def _unknown(*values: Any) -> Unknown | None:
    for v in values:
        if isinstance(v, Unknown):
            return v
    return None


class _Eval:
    def __init__(self, env: Env) -> None:
        self.env = env

    def run(self, node: ast.AST) -> Any:
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name | ast.Attribute):
            name = dotted_name(node)
            assert name is not None
            return self.env.lookup(name)
        if isinstance(node, ast.BoolOp):
            return self.boolop(node)
        if isinstance(node, ast.UnaryOp):
            v = self.run(node.operand)
            if isinstance(v, Unknown):
                return v
            if isinstance(node.op, ast.Not):
                return not v
            if isinstance(node.op, ast.USub):
                return -v
            return +v
        if isinstance(node, ast.BinOp):
            a, b = self.run(node.left), self.run(node.right)
            u = _unknown(a, b)
            if u is not None:
                return u
            if a is None or b is None:
                return Unknown("arithmetic on a missing value")
            if _config_string(node, a, b):
                return Unknown("a string where a number was expected")
            _bounded(node.op, a, b)
            try:
                return _BIN[type(node.op)](a, b)
            except ZeroDivisionError:
                return Unknown("division by zero")
            except TypeError as err:
                return Unknown(f"type error: {err}")
            except OverflowError as err:
                raise ExprError(f"arithmetic overflow: {err}") from None
        if isinstance(node, ast.Compare):
            left = self.run(node.left)
            result: Any = True
            for op, comp in zip(node.ops, node.comparators, strict=True):
                right = self.run(comp)
                u = _unknown(left, right)
                if u is not None:
                    result = u if result is True else result
                    left = right
                    continue
                try:
                    ok = _CMP[type(op)](left, right)
                except TypeError:
                    ok = Unknown(f"cannot compare {left!r} and {right!r}")
                if isinstance(ok, Unknown):
                    result = ok if result is True else result
                elif not ok:
                    return False
                left = right
            return result
        if isinstance(node, ast.IfExp):
            test = self.run(node.test)
            if isinstance(test, Unknown):
                return test
            return self.run(node.body if test else node.orelse)
        if isinstance(node, ast.List | ast.Tuple):
            return [self.run(e) for e in node.elts]
        if isinstance(node, ast.Call):
            assert isinstance(node.func, ast.Name)
            fn = self.env.function(node.func.id)
            if fn is None:
                raise ExprError(f"unknown function {node.func.id}()")
            args = [self.run(a) for a in node.args]
            u = _unknown(*args)
            if u is not None and not getattr(fn, "accepts_unknown", False):
                return u
            try:
                return fn(*args)
            except (ValueError, TypeError, ZeroDivisionError, OverflowError) as err:
                return Unknown(f"{node.func.id}() failed: {err}")
        raise ExprError(f"{type(node).__name__} is not allowed")  # pragma: no cover

    def boolop(self, node: ast.BoolOp) -> Any:
        is_and = isinstance(node.op, ast.And)
        pending: Unknown | None = None
        last: Any = None
        for value_node in node.values:
            v = self.run(value_node)
            if isinstance(v, Unknown):
                if pending is None:
                    pending = v
                continue
            truth = bool(v)
            if is_and and not truth:
                return False
            if not is_and and truth:
                return v
            last = v
        if pending is not None:
            return pending
        return last


def _round(x: Any, ndigits: Any = None) -> Any:
    """round(), with the digits bounded: round(5, -10**9) computes 10**(10**9)."""
    if ndigits is None:
        return round(x)
    if isinstance(ndigits, int) and abs(ndigits) > MAX_EXPONENT:
        raise ValueError(f"round() to {ndigits} digits")
    return round(x, ndigits)


BUILTIN_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "min": min, "max": max, "abs": abs, "round": _round, "int": int, "float": float,
    "str": str, "len": len, "bool": bool,
    "log": math.log, "log2": math.log2, "log10": math.log10, "exp": math.exp,
    "sqrt": math.sqrt, "ceil": math.ceil, "floor": math.floor,
    "lower": lambda s: str(s).lower(),
    "pct": lambda x: f"{100 * x:.0f}%" if x >= 0.01 or x == 0 else f"{100 * x:.2g}%",
    "half_life": lambda d: math.log(2) / -math.log(d),
}


class SimpleEnv:
    """An Env over a dict of names and the built-in functions (tests, examples)."""

    def __init__(self, values: dict[str, Any],
                 functions: dict[str, Callable[..., Any]] | None = None) -> None:
        self.values = values
        self.functions = {**BUILTIN_FUNCTIONS, **(functions or {})}

    def lookup(self, name: str) -> Any:
        if name in self.values:
            return self.values[name]
        return Unknown(f"{name} is not known")

    def function(self, name: str) -> Callable[..., Any] | None:
        return self.functions.get(name)


def format_message(template: str, env: Env) -> str:
    """Fill ``{expr}`` / ``{expr:spec}`` fields by evaluating each expression."""
    out: list[str] = []
    for text, spec in _pieces(template):
        if spec is None:
            out.append(text)
            continue
        _check_spec(spec)
        value = evaluate(text, env)
        if isinstance(value, Unknown):
            out.append("?")
        else:
            try:
                out.append(format(value, spec))
            except (ValueError, TypeError):
                out.append(str(value))
    return "".join(out)


def template_fields(template: str) -> list[tuple[str, str]]:
    """The ``(expression, format spec)`` of every field of a message template."""
    return [(text, spec) for text, spec in _pieces(template) if spec is not None]


def is_interpolation(expr: str) -> bool:
    """A template field that names a value rather than computing one: a fact or parameter
    name, or one function call whose arguments are names or literals (``pct(share)``)."""
    node = compile_expr(expr).body

    def plain(n: ast.AST) -> bool:
        return dotted_name(n) is not None or isinstance(n, ast.Constant)

    if dotted_name(node) is not None:
        return True
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and all(plain(a) for a in node.args))


def _pieces(template: str) -> list[tuple[str, str | None]]:
    """Literal text as ``(text, None)`` and fields as ``(expression, spec)``."""
    out: list[tuple[str, str | None]] = []
    i = 0
    n = len(template)
    while i < n:
        c = template[i]
        if c in "{}" and template.startswith(c * 2, i):
            out.append((c, None))
            i += 2
            continue
        if c != "{":
            out.append((c, None))
            i += 1
            continue
        depth = 1
        j = i + 1
        while j < n and depth:
            if template[j] == "{":
                depth += 1
            elif template[j] == "}":
                depth -= 1
            j += 1
        out.append(_split_spec(template[i + 1 : j - 1]))
        i = j
    return out


def _check_spec(spec: str) -> None:
    """A format spec's width and precision stay small (``{x:>999999999}`` would build a
    gigabyte string)."""
    digits = "".join(ch if ch.isdigit() else " " for ch in spec).split()
    if any(len(d) > 4 or int(d) > MAX_FORMAT_WIDTH for d in digits):
        raise ExprError(f"format spec {spec[:20]!r}: width or precision over "
                        f"{MAX_FORMAT_WIDTH}")


def _split_spec(field_text: str) -> tuple[str, str]:
    """Split ``expr:spec`` at the last top-level colon not inside brackets or quotes."""
    depth = 0
    quote = ""
    split = -1
    for k, ch in enumerate(field_text):
        if quote:
            if ch == quote:
                quote = ""
            continue
        if ch in "'\"":
            quote = ch
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == ":" and depth == 0:
            split = k
    if split == -1:
        return field_text, ""
    return field_text[:split], field_text[split + 1 :]
