"""What one Python file says about registries, read with ``ast`` (parsed, never run):
the entries it registers (``@X.register()`` on a class or function, ``X.register(obj)``
calls, with ``suffix=``), the call signature of each, its classes, and the names it
defines at the top level (for module paths that end in an attribute).

``ast`` rather than libcst: nothing here is rewritten, and the C parser reads a
repository about ten times faster (traiNNer-redux's 116 registry files: 0.6 s against
6.2 s), which is what a pre-commit hook can afford.
"""

from __future__ import annotations

import ast
import fnmatch
from collections.abc import Iterator
from dataclasses import dataclass, field

_DEPTH = 4  # base classes followed within one file for an inherited __init__


@dataclass(frozen=True)
class Signature:
    """Keyword arguments a callable accepts (``self`` and ``*args`` left out)."""

    params: tuple[str, ...]
    required: tuple[str, ...]
    var_kw: bool


@dataclass(frozen=True)
class Registered:
    """A class registered in a repository's registry, with its constructor."""

    variable: str  # the registry object: ARCH_REGISTRY
    name: str  # the name it is registered under (``suffix`` appended)
    line: int
    signature: Signature | None  # None: not known from this file
    bases: tuple[str, ...] = ()  # base classes to follow for an inherited __init__


@dataclass
class PyFacts:
    """What one Python file of a repository declares, read without running it."""

    registered: list[Registered] = field(default_factory=list)
    # registry objects with a registration whose entry cannot be read statically
    dynamic: set[str] = field(default_factory=set)
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)
    functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = field(default_factory=dict)
    top_names: set[str] = field(default_factory=set)
    star_import: bool = False  # ``from x import *`` or a module ``__getattr__``


def read_facts(text: str, variables: tuple[str, ...]) -> PyFacts | None:
    """The registry facts of one file, for the registry objects whose names match the
    patterns ``variables`` (``*ARCH_REGISTRY``); None when the file does not parse."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    facts = PyFacts()
    _top_level(tree, facts)
    aliases: dict[str, str] = {}
    defs: list[ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef] = []
    calls: list[ast.Call] = []
    for node in _statements(tree.body):
        if isinstance(node, ast.ClassDef):
            facts.classes.setdefault(node.name, node)
            defs.append(node)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            facts.functions.setdefault(node.name, node)
            defs.append(node)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            aliases.update({a.asname: a.name.rsplit(".", 1)[-1] for a in node.names if a.asname})
        elif isinstance(node, ast.Expr) and not isinstance(node.value, ast.Constant):
            calls += [c for c in ast.walk(node.value) if isinstance(c, ast.Call)]
    for d in defs:
        for deco in d.decorator_list:
            var, suffix = _register_decorator(deco, variables, aliases)
            if var is not None:
                facts.registered.append(_entry(var, d, suffix, facts))
    for call in calls:
        _call_registration(call, variables, aliases, facts)
    return facts


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement, in every block, without descending into expressions (registrations
    are decorators and call statements; expressions are most of a file and of the cost)."""
    for node in body:
        yield node
        for name in ("body", "orelse", "finalbody"):
            block = getattr(node, name, None)
            if isinstance(block, list):
                yield from _statements(block)
        for handler in getattr(node, "handlers", []):
            yield from _statements(handler.body)
        for case in getattr(node, "cases", []):
            yield from _statements(case.body)


def _top_level(tree: ast.Module, facts: PyFacts) -> None:
    for node in _module_statements(tree.body):
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            facts.top_names.add(node.name)
            if node.name == "__getattr__":
                facts.star_import = True
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for a in node.names:
                if a.name == "*":
                    facts.star_import = True
                facts.top_names.add(a.asname or a.name.split(".")[0])
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                facts.top_names.update(n.id for n in ast.walk(t) if isinstance(n, ast.Name))


def _module_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements that run at import, inside ``if``/``try``/``with`` blocks too
    (``try: import x except ImportError: x = None`` defines ``x``)."""
    for node in body:
        yield node
        if isinstance(node, (ast.If, ast.With, ast.AsyncWith)):
            yield from _module_statements(node.body)
            yield from _module_statements(getattr(node, "orelse", []))
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody,
                          *(h.body for h in node.handlers)):
                yield from _module_statements(block)


def _variable(expr: ast.expr, variables: tuple[str, ...], aliases: dict[str, str]) -> str | None:
    """The registry object ``expr`` names (``ARCH_REGISTRY``, ``registry.ARCH_REGISTRY``)."""
    if isinstance(expr, ast.Name):
        name = aliases.get(expr.id, expr.id)
    elif isinstance(expr, ast.Attribute):
        name = expr.attr
    else:
        return None
    return name if any(fnmatch.fnmatchcase(name, v) for v in variables) else None


def _register_decorator(deco: ast.expr, variables: tuple[str, ...],
                        aliases: dict[str, str]) -> tuple[str | None, str | None]:
    """``@X.register()`` / ``@X.register(suffix='s')`` / ``@X.register`` -> (X, suffix)."""
    if isinstance(deco, ast.Attribute) and deco.attr == "register":
        return _variable(deco.value, variables, aliases), None
    if not (isinstance(deco, ast.Call) and isinstance(deco.func, ast.Attribute)
            and deco.func.attr == "register" and not deco.args):
        return None, None
    return _variable(deco.func.value, variables, aliases), _suffix(deco)


def _suffix(call: ast.Call) -> str | None:
    for kw in call.keywords:
        if kw.arg == "suffix" and isinstance(kw.value, ast.Constant):
            return str(kw.value.value) if kw.value.value is not None else None
    return None


def _call_registration(node: ast.Call, variables: tuple[str, ...], aliases: dict[str, str],
                       facts: PyFacts) -> None:
    """``X.register(obj)`` / ``X.register(obj=..., suffix=...)`` anywhere in the file."""
    if not (isinstance(node.func, ast.Attribute) and node.func.attr == "register"):
        return
    var = _variable(node.func.value, variables, aliases)
    if var is None:
        return
    obj = node.args[0] if node.args else next(
        (kw.value for kw in node.keywords if kw.arg == "obj"), None)
    if obj is None:
        return  # the decorator form, handled with its class or function
    suffix = _suffix(node)
    if isinstance(obj, ast.Name) and obj.id in facts.classes:
        facts.registered.append(_entry(var, facts.classes[obj.id], suffix, facts))
    elif isinstance(obj, ast.Name) and obj.id in aliases:
        # an imported object: registered under its own __name__, signature unknown here
        name = _with_suffix(aliases[obj.id], suffix)
        facts.registered.append(Registered(var, name, node.lineno, None))
    elif isinstance(obj, ast.Name) and obj.id in facts.functions:
        facts.registered.append(_entry(var, facts.functions[obj.id], suffix, facts))
    elif isinstance(obj, ast.Name) and obj.id in facts.top_names:
        facts.registered.append(Registered(var, _with_suffix(obj.id, suffix), node.lineno, None))
    else:
        facts.dynamic.add(var)  # a loop variable, an expression: not readable statically


def _with_suffix(name: str, suffix: str | None) -> str:
    return f"{name}_{suffix}" if suffix else name


def _entry(var: str, node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef,
           suffix: str | None, facts: PyFacts) -> Registered:
    name = _with_suffix(node.name, suffix)
    if isinstance(node, ast.ClassDef):
        sig, bases = class_signature(node, facts.classes)
        return Registered(var, name, node.lineno, sig, bases)
    return Registered(var, name, node.lineno, signature(node.args, skip_first=False))


def class_signature(cls: ast.ClassDef, classes: dict[str, ast.ClassDef],
                    depth: int = 0) -> tuple[Signature | None, tuple[str, ...]]:
    """The class's ``__init__`` signature, following base classes defined in the same file;
    else None and the base names still to follow elsewhere."""
    for item in cls.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name == "__init__":
            return signature(item.args, skip_first=True), ()
    bases = tuple(b.id if isinstance(b, ast.Name) else b.attr for b in cls.bases
                  if isinstance(b, (ast.Name, ast.Attribute)))
    for base in bases:
        if base in classes and classes[base] is not cls and depth < _DEPTH:
            return class_signature(classes[base], classes, depth + 1)
    return None, bases


def signature(args: ast.arguments, skip_first: bool) -> Signature:
    positional = [a.arg for a in [*args.posonlyargs, *args.args]]
    n_defaults = len(args.defaults)
    required = positional[: len(positional) - n_defaults]
    if skip_first and positional:
        positional, required = positional[1:], required[1:]
    required += [a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)
                 if d is None]
    params = positional + [a.arg for a in args.kwonlyargs]
    return Signature(tuple(params), tuple(required), args.kwarg is not None)
