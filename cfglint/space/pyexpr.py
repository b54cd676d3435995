"""Python syntax (``ast``) → space expressions, with names resolved statically.

A name is a local binding seen earlier in the same function, a module-level constant
(a literal, or arithmetic over literals), or unknown. Calls that define a parameter
(``trial.suggest_float``, ``tune.loguniform``) are handed to the reader's hook, which
records the parameter and returns ``("param", name)``. Nothing is ever evaluated by
Python itself.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from cfglint.source.python_reader import dotted_name
from cfglint.space import expr as E
from cfglint.space.model import Expr

_BIN = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//",
        ast.Mod: "%", ast.Pow: "**"}
_CMP = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
        ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not"}
_PURE_CALLS = {"int", "float", "round", "abs", "min", "max", "str", "math.floor", "math.ceil",
               "math.log", "math.log10", "math.exp", "math.sqrt", "np.log", "np.log10", "np.exp",
               "numpy.log", "numpy.exp"}

CallHook = Callable[[ast.Call, "Converter"], Expr | None]


class Converter:
    """Turns expressions into space expressions; ``env`` holds the function's bindings."""

    def __init__(self, constants: dict[str, Expr], hook: CallHook | None = None,
                 source: str = "") -> None:
        self.constants = constants
        self.env: dict[str, Expr] = {}
        self.hook = hook
        self.source = source

    def text(self, node: ast.AST) -> str:
        return ast.get_source_segment(self.source, node) or ast.dump(node)[:40] \
            if self.source else ast.dump(node)[:40]

    def name(self, ident: str) -> Expr:
        if ident in self.env:
            return self.env[ident]
        if ident in self.constants:
            return self.constants[ident]
        if ident in ("True", "False", "None"):
            return E.const({"True": True, "False": False, "None": None}[ident])
        return E.unknown(ident)

    def __call__(self, node: ast.expr | None) -> Expr:
        if node is None:
            return E.const(None)
        if isinstance(node, ast.Constant):
            return E.const(node.value)
        if isinstance(node, ast.Name):
            return self.name(node.id)
        if isinstance(node, ast.UnaryOp):
            inner = self(node.operand)
            if isinstance(node.op, ast.USub):
                return ("const", -inner[1]) if inner[0] == "const" and isinstance(
                    inner[1], int | float) else ("neg", inner)
            if isinstance(node.op, ast.UAdd):
                return inner
            if isinstance(node.op, ast.Not):
                return ("not", inner)
            return E.unknown(self.text(node))
        if isinstance(node, ast.BinOp) and type(node.op) in _BIN:
            return self._fold(("bin", _BIN[type(node.op)], self(node.left), self(node.right)))
        if isinstance(node, ast.Compare) and all(type(o) in _CMP for o in node.ops):
            return ("cmp", tuple(_CMP[type(o)] for o in node.ops),
                    tuple(self(e) for e in [node.left, *node.comparators]))
        if isinstance(node, ast.BoolOp):
            return ("bool", "and" if isinstance(node.op, ast.And) else "or",
                    tuple(self(v) for v in node.values))
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            return ("seq", tuple(self(e) for e in node.elts))
        if isinstance(node, ast.Dict):
            return self.dict_expr(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Subscript):
            return self.subscript(node)
        if isinstance(node, ast.Attribute):
            base = self(node.value)
            if base[0] == "dict":
                found = dict(base[1]).get(node.attr)
                if found is not None:
                    return found  # type: ignore[no-any-return]
            return E.unknown(self.text(node))
        if isinstance(node, ast.JoinedStr):
            return E.unknown(self.text(node))
        return E.unknown(self.text(node))

    def _fold(self, e: Expr) -> Expr:
        if e[2][0] == "const" and e[3][0] == "const":
            value = E.evaluate(e, {})
            if value is not E.UNKNOWN:
                return E.const(value)
        return e

    def dict_expr(self, node: ast.Dict) -> Expr:
        items: list[tuple[Any, Expr]] = []
        for k, v in zip(node.keys, node.values, strict=True):
            if isinstance(k, ast.Constant) and isinstance(k.value, str):
                items.append((k.value, self(v)))
            else:
                self(v)  # still records the parameters it defines
        return ("dict", tuple(items))

    def subscript(self, node: ast.Subscript) -> Expr:
        base = self(node.value)
        key = node.slice
        if base[0] == "dict" and isinstance(key, ast.Constant):
            found = dict(base[1]).get(key.value)
            if found is not None:
                return found  # type: ignore[no-any-return]
        if base[0] == "seq" and isinstance(key, ast.Constant) and isinstance(key.value, int):
            items = base[1]
            if -len(items) <= key.value < len(items):
                return items[key.value]  # type: ignore[no-any-return]
        if isinstance(key, ast.Constant) and isinstance(key.value, str) and self.hook:
            found_param = self.hook(node, self)  # type: ignore[arg-type]
            if found_param is not None:
                return found_param
        return E.unknown(self.text(node))

    def call(self, node: ast.Call) -> Expr:
        if self.hook is not None:
            found = self.hook(node, self)
            if found is not None:
                return found
        fn = dotted_name(node.func)
        if fn == "dict" and not node.args:
            return ("dict", tuple((kw.arg, self(kw.value)) for kw in node.keywords
                                  if kw.arg is not None))
        if fn in _PURE_CALLS and not node.keywords:
            args = tuple(self(a) for a in node.args)
            folded = ("call", fn, args)
            if all(a[0] == "const" for a in args):
                value = E.evaluate(folded, {})
                if value is not E.UNKNOWN:
                    return E.const(value)
            return folded
        for arg in [*node.args, *(kw.value for kw in node.keywords)]:
            self(arg)  # parameters defined inside an unknown call are still parameters
        return E.unknown(self.text(node))


def module_constants(tree: ast.Module, source: str) -> dict[str, Expr]:
    """Module-level names bound once to a literal or to arithmetic over literals."""
    counts: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            counts[node.id] = counts.get(node.id, 0) + 1
    constants: dict[str, Expr] = {}
    conv = Converter(constants, None, source)
    for stmt in tree.body:
        target, value = None, None
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
                and isinstance(stmt.targets[0], ast.Name):
            target, value = stmt.targets[0].id, stmt.value
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            target, value = stmt.target.id, stmt.value
        if target is None or value is None or counts.get(target, 0) != 1:
            continue
        folded = conv(value)
        if E.is_known(folded) and folded[0] in ("const", "seq", "dict"):
            constants[target] = folded
    return constants
