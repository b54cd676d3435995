"""Which search libraries a Python file imports, read from its text without parsing it.

Folder walks and pre-commit pass only Python files that import one of these, so a
repository's other modules are never parsed; the families use the same test to claim a
file. A text check can be fooled by an import inside a string; the families then find
no space and say nothing.
"""

from __future__ import annotations

import re

_IMPORT = re.compile(
    r"^[ \t]*(?:from[ \t]+(?P<from>[\w.]+)[ \t]+import[ \t]+(?P<names>[^\n#]*)"
    r"|import[ \t]+(?P<mods>[^\n#]*))", re.MULTILINE)
LIBRARIES = ("optuna", "ray.tune", "wandb")


def _library(module: str, names: str = "") -> str | None:
    if module == "optuna" or module.startswith("optuna."):
        return "optuna"
    if module == "wandb" or module.startswith("wandb."):
        return "wandb"
    if module.startswith("ray.tune") or (module == "ray" and re.search(r"\btune\b", names)):
        return "ray.tune"
    return None


def search_libraries(text: str) -> set[str]:
    """The search libraries (``optuna``, ``ray.tune``, ``wandb``) the text imports."""
    found: set[str] = set()
    if not any(name.split(".")[0] in text for name in LIBRARIES):
        return found
    for m in _IMPORT.finditer(text):
        if m.group("from") is not None:
            lib = _library(m.group("from"), m.group("names"))
            if lib:
                found.add(lib)
            continue
        for part in m.group("mods").split(","):
            module = part.strip().split(" ")[0]
            lib = _library(module)
            if lib:
                found.add(lib)
            elif module == "ray" and "ray.tune" in text:
                found.add("ray.tune")
    return found


def is_search_space_source(path: str, limit: int = 1 << 20) -> bool:
    """A Python file worth linting in a folder walk: it imports a search library."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            text = fh.read(limit)
    except OSError:
        return False
    return bool(search_libraries(text))
