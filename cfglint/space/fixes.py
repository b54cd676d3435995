"""Edits to search-space code, made with libcst on the smallest piece of code that holds
them and spliced into the original text (``cfglint.source.python_writer``)."""

from __future__ import annotations

from typing import Any

from cfglint.findings import Edit
from cfglint.source.document import Document, Span
from cfglint.source.python_writer import insert_statement_before, rewrite_expression
from cfglint.source.writing import EditError
from cfglint.space.model import Param


def _keyword_arg(cst: Any, name: str, value: Any, comma: Any) -> Any:
    equal = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                            whitespace_after=cst.SimpleWhitespace(""))
    return cst.Arg(keyword=cst.Name(name), value=value, equal=equal, comma=comma)


def _append(cst: Any, args: list[Any], new: Any) -> list[Any]:
    """Append an argument, keeping a trailing comma and line layout where there is one."""
    if not args:
        return [new]
    last = args[-1]
    trailing = last.comma if isinstance(last.comma, cst.Comma) else None
    between = args[-2].comma if len(args) > 1 and isinstance(args[-2].comma, cst.Comma) \
        else cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    return [*args[:-1], last.with_changes(comma=between),
            new.with_changes(comma=trailing if trailing is not None else cst.MaybeSentinel.DEFAULT)]


def _as_keyword(cst: Any, arg: Any, name: str) -> Any:
    equal = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                            whitespace_after=cst.SimpleWhitespace(""))
    return arg.with_changes(keyword=cst.Name(name), equal=equal)


def rewrite_suggest(doc: Document, p: Param) -> Edit:
    """``suggest_loguniform(n, a, b)`` → ``suggest_float(n, a, b, log=True)``, and the like."""
    import libcst as cst

    def change(call: Any) -> Any:
        if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute):
            raise EditError("not a method call")
        args = list(call.args)
        func = call.func
        if p.api in ("suggest_uniform", "suggest_loguniform", "suggest_discrete_uniform"):
            func = func.with_changes(attr=cst.Name("suggest_float"))
        if p.api == "suggest_loguniform":
            if any(a.keyword is not None and a.keyword.value == "log" for a in args):
                raise EditError("already has log")
            args = _append(cst, args, _keyword_arg(cst, "log", cst.Name("True"),
                                                   cst.MaybeSentinel.DEFAULT))
        elif p.api == "suggest_discrete_uniform":
            args = [_as_keyword(cst, a, "step") if (a.keyword is None and i == 3) or (
                a.keyword is not None and a.keyword.value == "q") else a
                for i, a in enumerate(args)]
        elif p.api == "suggest_int":
            names = ("name", "low", "high", "step", "log")
            args = [_as_keyword(cst, a, names[i]) if a.keyword is None and i >= 3 else a
                    for i, a in enumerate(args)]
        return call.with_changes(func=func, args=args)

    return rewrite_expression(doc, p.span, change)


def add_log(doc: Document, p: Param) -> Edit:
    """Optuna: ``log=True`` (replacing ``log=False``); Ray: ``tune.uniform`` →
    ``tune.loguniform``."""
    import libcst as cst

    def change(call: Any) -> Any:
        if not isinstance(call, cst.Call):
            raise EditError("not a call")
        if p.library == "ray":
            if not isinstance(call.func, cst.Attribute) or call.func.attr.value != "uniform":
                raise EditError("not tune.uniform")
            return call.with_changes(func=call.func.with_changes(attr=cst.Name("loguniform")))
        args = list(call.args)
        for i, a in enumerate(args):
            if a.keyword is not None and a.keyword.value == "log":
                args[i] = a.with_changes(value=cst.Name("True"))
                return call.with_changes(args=args)
        if p.step is not None:
            raise EditError("a stepped range cannot be log-scaled")
        return call.with_changes(args=_append(cst, args, _keyword_arg(
            cst, "log", cst.Name("True"), cst.MaybeSentinel.DEFAULT)))

    return rewrite_expression(doc, p.span, change)


def insert_guard(doc: Document, before: Span, condition: str, reason: str,
                 pruned: str = "optuna.TrialPruned") -> Edit:
    """``if <condition>: raise optuna.TrialPruned(<reason>)`` before a statement."""
    text = f"if {condition}:\n    raise {pruned}({reason!r})\n"
    return insert_statement_before(doc, before, text)


def pruned_name(doc: Document) -> str:
    """How this file spells TrialPruned (``optuna.TrialPruned`` when it imports optuna)."""
    import ast

    tree = doc.syntax
    if isinstance(tree, ast.Module):
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(
                    "optuna") and any(a.name == "TrialPruned" and a.asname is None
                                      for a in node.names):
                return "TrialPruned"
    return "optuna.TrialPruned"
