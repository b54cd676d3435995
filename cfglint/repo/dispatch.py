"""Names a trainer's code branches on, read from a repository with ``ast``: SEDD picks its
noise schedule in ``get_noise`` (``if config.noise.type == "geometric": ...``, else
``ValueError``) and its sampler from classes registered with
``@register_predictor(name="euler")``. Forks add branches and classes of their own.

A name is handled when a function of the dispatching name compares a value with it (``==``,
``in (...)``, ``match``/``case``), or when a class or function is registered under it with
the registering decorator (``name=`` or, without one, under its own name).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from cfglint.repo.declare import Dispatch
from cfglint.repo.index import RepoIndex


@dataclass(frozen=True)
class Handled:
    """What a repository's code does with a dispatched value."""

    names: frozenset[str]
    where: tuple[tuple[Path, int], ...]  # the dispatching functions and registrations


def handled(index: RepoIndex, dispatch: Dispatch) -> Handled | None:
    """The names the repository's code dispatches on; None when it defines no such
    function or registration (the trainer's code is not in this repository)."""
    found = index.extra(("dispatch", dispatch), lambda: _read(index, dispatch))
    return found if isinstance(found, Handled) else None


def _read(index: RepoIndex, dispatch: Dispatch) -> Handled | None:
    names: set[str] = set()
    where: list[tuple[Path, int]] = []
    words = [f"def {f}" for f in dispatch.functions] + [f"@{d}" for d in dispatch.decorators]
    for word in words:
        for rel in index.mentioning((word,)):
            tree = _parse(index.text(rel) or "")
            if tree is None:
                continue
            for node in ast.walk(tree):
                found = _names_of(node, dispatch)
                if found is not None:
                    names |= found
                    where.append((rel, getattr(node, "lineno", 0)))
    if not where:
        return None
    return Handled(frozenset(names), tuple(sorted(set(where))))


def _parse(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _names_of(node: ast.AST, dispatch: Dispatch) -> set[str] | None:
    """The names one definition dispatches on or registers; None when it is neither."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
            node.name in dispatch.functions):
        return _compared(node)
    if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
        for deco in node.decorator_list:
            registered = _registered(deco, node.name, dispatch.decorators)
            if registered is not None:
                return {registered}
    return None


def _compared(func: ast.AST) -> set[str]:
    """String constants a function compares values with."""
    out: set[str] = set()
    for node in ast.walk(func):
        if isinstance(node, ast.Compare):
            for side in [node.left, *node.comparators]:
                out |= _strings(side)
        elif isinstance(node, ast.match_case):
            out |= {n.value.value for n in ast.walk(node.pattern)
                    if isinstance(n, ast.MatchValue) and isinstance(n.value, ast.Constant)
                    and isinstance(n.value.value, str)}
    return out


def _strings(node: ast.expr) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return {e.value for e in node.elts
                if isinstance(e, ast.Constant) and isinstance(e.value, str)}
    return set()


def _registered(deco: ast.expr, own: str, decorators: tuple[str, ...]) -> str | None:
    """``@register(name="x")`` -> x; ``@register`` / ``@register()`` -> the class's name."""
    call = deco if isinstance(deco, ast.Call) else None
    target = call.func if call is not None else deco
    name = target.id if isinstance(target, ast.Name) else (
        target.attr if isinstance(target, ast.Attribute) else "")
    if name not in decorators:
        return None
    for kw in call.keywords if call is not None else []:
        if kw.arg == "name" and isinstance(kw.value, ast.Constant) and isinstance(
                kw.value.value, str):
            return kw.value.value
    return own
