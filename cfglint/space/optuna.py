"""Optuna spaces read statically from a module's syntax tree.

Every function that calls ``<trial>.suggest_*`` is read statement by statement:
assignments bind names (``alpha = int(dim * ratio)`` is an expression over parameters),
``if ...: raise TrialPruned`` is a guard, ``trial.set_constraint`` and a sampler's
``constraints_func`` are constraints, and dict displays, ``cfg["k"] = ...``,
``args.k = ...``, ``cfg.update(...)`` and ``["--k", value]`` argument lists say which
config key a value reaches. Suggestions inside an ``if`` are conditional. What cannot be
resolved stays unknown.
"""

from __future__ import annotations

import ast
import itertools
from dataclasses import dataclass, field

from cfglint.source.document import Document, Span
from cfglint.source.python_reader import Positions, dotted_name
from cfglint.space import expr as E
from cfglint.space.model import Expr, Guard, Kind, Param, Space
from cfglint.space.pyexpr import Converter, module_constants

# positional parameters of each suggest method, as Optuna declares them
SIGNATURES: dict[str, tuple[str, ...]] = {
    "suggest_float": ("name", "low", "high"),
    "suggest_int": ("name", "low", "high", "step", "log"),
    "suggest_categorical": ("name", "choices"),
    "suggest_uniform": ("name", "low", "high"),
    "suggest_loguniform": ("name", "low", "high"),
    "suggest_discrete_uniform": ("name", "low", "high", "q"),
}
DEPRECATED = {"suggest_uniform": "suggest_float", "suggest_loguniform": "suggest_float",
              "suggest_discrete_uniform": "suggest_float"}
_KINDS: dict[str, Kind] = {"suggest_int": "int", "suggest_categorical": "categorical"}


@dataclass
class _State:
    """What reading one Optuna objective carries along."""

    doc: Document
    pos: Positions
    space: Space
    conds: list[Expr] = field(default_factory=list)
    statement: Span | None = None
    scope: str = ""


def is_pruned(stmt: ast.stmt) -> bool:
    """``raise TrialPruned(...)`` however it is spelled (``optuna.TrialPruned``,
    ``optuna.exceptions.TrialPruned``)."""
    if not isinstance(stmt, ast.Raise) or stmt.exc is None:
        return False
    target = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
    name = dotted_name(target)
    return name is not None and name.split(".")[-1] == "TrialPruned"


def _value(conv: Converter, node: ast.expr | None) -> object:
    if node is None:
        return None
    v = E.evaluate(conv(node), {})
    return None if v is E.UNKNOWN else v


def _number(v: object) -> float | None:
    return v if isinstance(v, int | float) and not isinstance(v, bool) else None


class _Reader:
    def __init__(self, doc: Document, tree: ast.Module) -> None:
        self.st = _State(doc, Positions(doc), Space("optuna"))
        self.conv = Converter(module_constants(tree, doc.text), self._hook, doc.text)

    # --- parameters ---------------------------------------------------------------
    def _hook(self, node: ast.expr, conv: Converter) -> Expr | None:
        if isinstance(node, ast.Subscript):  # trial.params["x"] in a constraints function
            base = dotted_name(node.value)
            key = node.slice
            if base and base.endswith(".params") and isinstance(key, ast.Constant):
                return ("param", str(key.value))
            return None
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            return None
        method = node.func.attr
        if method not in SIGNATURES:
            return None
        return self._suggest(node, method, conv)

    def _suggest(self, node: ast.Call, method: str, conv: Converter) -> Expr:
        pos = self.st.pos
        bound: dict[str, ast.expr] = {}
        spans: dict[str, Span] = {}
        for arg_name, arg in zip(SIGNATURES[method], node.args, strict=False):
            bound[arg_name], spans[arg_name] = arg, pos.span(arg)
        for kw in node.keywords:
            if kw.arg is not None:
                bound[kw.arg], spans[kw.arg] = kw.value, pos.span(kw)
                spans[f"{kw.arg}.value"] = pos.span(kw.value)
        name_value = _value(conv, bound.get("name"))
        name: str | None = name_value if isinstance(name_value, str) else None
        kind: Kind = _KINDS.get(method, "float")
        p = Param(name or f"<{conv.text(bound['name']) if 'name' in bound else '?'}>", kind,
                  "optuna", method, pos.span(node), args=spans, statement=self.st.statement,
                  scope=self.st.scope)
        if name is None:
            p.notes.append("dynamic-name")
        if kind == "categorical":
            choices = _value(conv, bound.get("choices"))
            p.choices = list(choices) if isinstance(choices, list | tuple) else None
        else:
            p.low, p.high = _number(_value(conv, bound.get("low"))), _number(
                _value(conv, bound.get("high")))
            log = _value(conv, bound.get("log"))
            p.log = method == "suggest_loguniform" or log is True
            if "log" in bound and not isinstance(log, bool):
                p.notes.append("log-unknown")
            step = bound.get("step", bound.get("q"))
            p.step = _number(_value(conv, step)) if step is not None else None
        if self.st.conds:
            p.active = self.st.conds[0] if len(self.st.conds) == 1 else (
                "bool", "and", tuple(self.st.conds))
        self.st.space.params.append(p)
        return ("param", p.name) if name is not None else E.unknown(p.name)

    # --- statements ---------------------------------------------------------------
    def block(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            self.statement(stmt)

    def statement(self, stmt: ast.stmt) -> None:
        self.st.statement = self.st.pos.span(stmt)
        if isinstance(stmt, ast.Assign | ast.AnnAssign):
            value = self.conv(stmt.value) if stmt.value is not None else E.unknown()
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in targets:
                self._bind(target, value, stmt.value)
        elif isinstance(stmt, ast.AugAssign):
            self._augment(stmt)
        elif isinstance(stmt, ast.Expr):
            self._expression(stmt.value)
        elif isinstance(stmt, ast.If):
            self._if(stmt)
        elif isinstance(stmt, ast.Return) and stmt.value is not None:
            self._keys_from(self.conv(stmt.value), stmt.value)
        elif isinstance(stmt, ast.For | ast.AsyncFor | ast.While):
            self._loop(stmt)
        elif isinstance(stmt, ast.With | ast.AsyncWith):
            self.block(stmt.body)
        elif isinstance(stmt, ast.Try):
            self.block(stmt.body)
            for handler in stmt.handlers:
                self.block(handler.body)
            self.block(stmt.orelse)
            self.block(stmt.finalbody)

    def _loop(self, stmt: ast.For | ast.AsyncFor | ast.While) -> None:
        # names bound in a loop change from one iteration to the next: unknown after it
        before = dict(self.conv.env)
        self.block(stmt.body)
        for name in set(self.conv.env) - set(before) | {
                n for n in before if self.conv.env.get(n) != before[n]}:
            self.conv.env[name] = E.unknown(name)
        self.block(stmt.orelse)

    def _bind(self, target: ast.expr, value: Expr, node: ast.expr | None) -> None:
        if isinstance(target, ast.Name):
            self.conv.env[target.id] = value
            if value[0] == "param":
                p = self.st.space.param(value[1])
                if p is not None and p.var is None:
                    p.var = target.id
            self._keys_from(value, node)
        elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            if E.params_in(value):
                self._key(target.attr, value, node)
        elif isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant) \
                and isinstance(target.slice.value, str):
            key = target.slice.value
            self._key(key, value, node)
            if isinstance(target.value, ast.Name):
                current = self.conv.env.get(target.value.id)
                if current is not None and current[0] == "dict":
                    items = dict(current[1])
                    items[key] = value
                    self.conv.env[target.value.id] = ("dict", tuple(items.items()))
        elif isinstance(target, ast.Tuple | ast.List):
            for elt in target.elts:
                if isinstance(elt, ast.Name):
                    self.conv.env[elt.id] = E.unknown(elt.id)

    def _augment(self, stmt: ast.AugAssign) -> None:
        value = self.conv(stmt.value)
        if isinstance(stmt.target, ast.Name):
            name = stmt.target.id
            op = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}.get(type(stmt.op))
            current = self.conv.env.get(name, E.unknown(name))
            self.conv.env[name] = ("bin", op, current, value) if op else E.unknown(name)
            self._keys_from(value, stmt.value)

    def _expression(self, node: ast.expr) -> None:
        value = self.conv(node)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method = node.func.attr
            if method == "update":
                for arg in node.args:
                    self._keys_from(self.conv(arg), arg, force=True)
                for kw in node.keywords:
                    if kw.arg is not None:
                        self._key(kw.arg, self.conv(kw.value), kw.value)
            elif method == "set_constraint" and len(node.args) >= 2:
                self._guard("constraint", self.conv(node.args[1]), node, node.args[1])
            elif method in ("append", "extend"):
                self._keys_from(value, node)

    def _if(self, stmt: ast.If) -> None:
        test = self.conv(stmt.test)
        if any(is_pruned(s) for s in stmt.body):
            cond = test if not self.st.conds else ("bool", "and", (*self.st.conds, test))
            self._guard("prune", cond, stmt, stmt.test)
            self.block([s for s in stmt.body if not is_pruned(s)])
        else:
            self.st.conds.append(test)
            self.block(stmt.body)
            self.st.conds.pop()
        if stmt.orelse:
            self.st.conds.append(("not", test))
            self.block(stmt.orelse)
            self.st.conds.pop()

    def _guard(self, kind: str, cond: Expr, node: ast.AST, test: ast.AST) -> None:
        self.st.space.guards.append(Guard(kind, cond, self.st.pos.span(node),  # type: ignore[arg-type]
                                          self.st.pos.span(test)))

    # --- config keys --------------------------------------------------------------
    def _key(self, key: str, value: Expr, node: ast.AST | None) -> None:
        self.st.space.keys[key] = value
        if node is not None:
            self.st.space.key_spans[key] = self.st.pos.span(node)

    def _keys_from(self, value: Expr, node: ast.AST | None, force: bool = False) -> None:
        """A dict display (or ``["--key", value]`` list) that carries searched values."""
        if value[0] == "dict" and (force or any(E.params_in(v) for _, v in value[1])):
            for key, item in value[1]:
                if item[0] != "dict":
                    self._key(str(key), item, None)
        elif value[0] == "seq":
            items = value[1]
            for flag, item in itertools.pairwise(items):
                if flag[0] == "const" and isinstance(flag[1], str) and flag[1].startswith("--") \
                        and E.params_in(item):
                    inner = item[2][0] if item[0] == "call" and item[1] == "str" else item
                    self._key(flag[1][2:].replace("-", "_"), inner, None)


def _trainer_hint(tree: ast.Module) -> str | None:
    """A kohya training script named in the code (a command line it builds)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and node.value.rstrip().endswith("train_network.py"):
            return "kohya"
    return None


def _functions(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            calls = [n for n in ast.walk(node) if isinstance(n, ast.Call)
                     and isinstance(n.func, ast.Attribute) and n.func.attr in SIGNATURES]
            if calls:
                out.append(node)
    return out


def _constraint_functions(tree: ast.Module) -> list[ast.FunctionDef]:
    names = {kw.value.id for node in ast.walk(tree) if isinstance(node, ast.Call)
             for kw in node.keywords
             if kw.arg == "constraints_func" and isinstance(kw.value, ast.Name)}
    return [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in names]


def read_optuna(doc: Document) -> Space:
    tree = doc.syntax
    if not isinstance(tree, ast.Module):
        return Space("optuna")
    reader = _Reader(doc, tree)
    for fn in _functions(tree):
        reader.conv.env = {}
        reader.st.scope = f"{fn.name}:{fn.lineno}"
        reader.block(fn.body)
    for fn in _constraint_functions(tree):
        reader.conv.env = {}
        for stmt in fn.body:
            if isinstance(stmt, ast.Return) and isinstance(stmt.value, ast.List | ast.Tuple):
                for item in stmt.value.elts:
                    reader._guard("constraint", reader.conv(item), item, item)
            else:
                reader.statement(stmt)
    reader.st.space.trainer_hint = _trainer_hint(tree)
    return reader.st.space
