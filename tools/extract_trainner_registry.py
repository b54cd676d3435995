"""Extract the constructor parameters of traiNNer-redux's registered classes.

keys/traiNNer-redux.json lists the registry names but not their parameters, which
the traiNNer schema needs to check ``network_*`` and loss kwargs. This scans a
traiNNer-redux git checkout with ``ast`` (nothing is imported or run) and writes
``tools/data/traiNNer-redux-registry-params.json``: for each registry, the
lower-cased lookup name -> parameter names, the required ones, and whether the
callable takes ``**kwargs``. Only facts (names) are written, no code.

Usage: python tools/extract_trainner_registry.py /path/to/traiNNer-redux.git [REV]
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "data" / "traiNNer-redux-registry-params.json"
REGISTRIES = ("arch", "spandrel", "testarch", "loss", "metric", "optimizer")


def _git(repo: str, *args: str) -> str:
    return subprocess.run(["git", "-C", repo, *args], capture_output=True, text=True,
                          check=True).stdout


def _params(fn: ast.FunctionDef, skip_first: bool) -> tuple[list[str], list[str], bool]:
    a = fn.args
    names = [x.arg for x in a.posonlyargs + a.args]
    if skip_first:
        names = names[1:]
    n_def = len(a.defaults)
    required = names[: len(names) - n_def] if n_def else list(names)
    names += [x.arg for x in a.kwonlyargs]
    required += [x.arg for x, d in zip(a.kwonlyargs, a.kw_defaults, strict=True) if d is None]
    return names, required, a.kwarg is not None


def _init_of(cls: ast.ClassDef, classes: dict[str, ast.ClassDef],
             depth: int = 0) -> tuple[list[str], list[str], bool] | None:
    for item in cls.body:
        if isinstance(item, ast.FunctionDef) and item.name == "__init__":
            return _params(item, True)
    for base in cls.bases:
        if isinstance(base, ast.Name) and base.id in classes and depth < 5:
            return _init_of(classes[base.id], classes, depth + 1)
    return None  # inherited from outside the project: unknown


def extract(repo: str, rev: str = "HEAD") -> dict[str, Any]:
    files = [f for f in _git(repo, "ls-tree", "-r", "--name-only", rev).split()
             if f.startswith("traiNNer/") and f.endswith(".py")]
    trees: dict[str, ast.Module] = {}
    classes: dict[str, ast.ClassDef] = {}
    for f in files:
        try:
            tree = ast.parse(_git(repo, "show", f"{rev}:{f}"))
        except SyntaxError:
            continue
        trees[f] = tree
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                classes.setdefault(node.name, node)
    out: dict[str, Any] = {"repo": "the-database/traiNNer-redux",
                           "commit": _git(repo, "rev-parse", rev).strip(),
                           "lookup": "name.lower(), then name.lower() + '_traiNNer'",
                           "registries": {r: {} for r in REGISTRIES}}
    for f, tree in sorted(trees.items()):
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef | ast.ClassDef):
                continue
            for dec in node.decorator_list:
                fn = dec.func if isinstance(dec, ast.Call) else dec
                if not (isinstance(fn, ast.Attribute) and fn.attr == "register"
                        and isinstance(fn.value, ast.Name)
                        and fn.value.id.endswith("_REGISTRY")):
                    continue
                reg = fn.value.id[: -len("_REGISTRY")].lower()
                if reg not in REGISTRIES:
                    continue
                sig = (_params(node, False) if isinstance(node, ast.FunctionDef)
                       else _init_of(node, classes))
                entry: dict[str, Any] = {"name": node.name, "source": f"{f}:{node.lineno}"}
                if sig is None:
                    entry["params"] = None
                else:
                    entry["params"], entry["required"], entry["var_kwargs"] = sig
                out["registries"][reg][node.name.lower()] = entry
    return out


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    data = extract(argv[1], argv[2] if len(argv) > 2 else "HEAD")
    OUT.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
