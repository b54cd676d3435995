"""The layout shows the pipeline: no import cycle (deferred imports included), one module
per trainer in families/, and registries that exist once."""

from __future__ import annotations

import ast
from pathlib import Path

import cfglint
from cfglint.families import FAMILY_CLASSES, FAMILY_NAMES

PKG = Path(cfglint.__file__).resolve().parent


def _module_name(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PKG.rglob("*.py")}


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for sub in node.body:
                lines.update(range(sub.lineno, (sub.end_lineno or sub.lineno) + 1))
    return lines


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Every cfglint module ``name`` imports when it runs, at any depth of the file
    (functions included), with the packages each import initialises."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_lines(tree)
    is_pkg = path.name == "__init__.py"
    out: set[str] = set()
    for node in ast.walk(tree):
        if getattr(node, "lineno", 0) in skip:
            continue
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".") if is_pkg else name.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                       for a in node.names]
        for t in targets:
            if not t.startswith("cfglint"):
                continue
            parts = t.split(".")
            for i in range(1, len(parts) + 1):  # importing a.b.c runs a, a.b and a.b.c
                mod = ".".join(parts[:i])
                if mod in modules and mod != name:
                    out.add(mod)
    return out


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _graph(ignore_parents: bool) -> dict[str, set[str]]:
    modules = _modules()
    graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    if ignore_parents:
        # a package's own __init__ importing its submodules is not a cycle of design
        graph = {n: {m for m in deps if not n.startswith(m + ".")} for n, deps in graph.items()}
    return graph


def test_no_import_cycle_in_cfglint_deferred_imports_included() -> None:
    assert _cycles(_graph(ignore_parents=True)) == []


def test_families_holds_one_module_per_trainer_and_only_shared_pieces_beside_them() -> None:
    shared = {"__init__", "base", "hydra_groups"}
    modules = {p.stem for p in (PKG / "families").glob("*.py")}
    trainers = {cls.__module__.rsplit(".", 1)[-1] for cls in FAMILY_CLASSES}
    assert modules == trainers | shared
    assert not list((PKG / "families").glob("*_facts.py"))
    assert len(set(FAMILY_NAMES)) == len(FAMILY_NAMES)


def test_every_family_builds_its_own_facts() -> None:
    from cfglint.families.base import Family

    for cls in FAMILY_CLASSES:
        assert cls.facts is not Family.facts, f"{cls.name} has no facts adapter"


def test_cli_choices_come_from_the_registries() -> None:
    from cfglint import cli, report

    assert cli.FAMILIES is FAMILY_NAMES
    assert cli.FORMATS is report.FORMATS


def test_checks_do_not_compare_family_names() -> None:
    for path in (PKG / "checks").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "family.name ==" not in text and "family.name in" not in text, path.name
