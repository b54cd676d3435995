"""Dotted module paths a trainer imports at run time (sd-scripts ``network_module``,
Hydra ``_target_``), resolved against the files of the repository, never imported.

A path is fine when it matches a module the trainer ships or documents, or resolves to
a module of the repository (under its root or ``src/``) that, for a path ending in an
attribute, defines that name at its top level. Otherwise the finding is information
at most: the module may be installed, or on a ``PYTHONPATH`` cfglint cannot see.
"""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path

from cfglint.findings import Severity
from cfglint.repo.declare import ModuleRegistry
from cfglint.repo.index import MAX_FILE_BYTES
from cfglint.repo.pyfacts import read_facts
from cfglint.repo.root import RepoRoot
from cfglint.spelling import closest

_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_BASES = ("", "src")  # where a repository's top-level packages live


def judge_module(reg: ModuleRegistry, value: str,
                 root: RepoRoot | None) -> tuple[Severity, str] | None:
    """Nothing when the path is known or resolves; else (severity, what is wrong)."""
    if not _DOTTED.match(value) or any(fnmatch.fnmatchcase(value, k) for k in reg.known):
        return None
    parts = value.split(".")
    base = _base_of(root, parts[0]) if root is not None else None
    if base is None:
        if reg.own_packages_only:
            return None
        return "info", _not_found(reg, value, root, _known_literals(reg))
    assert root is not None
    depth, module = _deepest(base, parts, root.path)
    rest = parts[depth:]
    if not reg.attribute:
        if not rest:
            return None
        return "info", _missing_part(reg, value, parts, depth, base, root)
    if not rest:
        return None  # a module, not an attribute: not this check's business
    defined = _top_names(module) if module is not None else set()
    if defined is None or rest[0] in defined:
        return None
    if depth < len(parts) - 1:
        return "info", _missing_part(reg, value, parts, depth, base, root)
    dotted = ".".join(parts[:depth])
    best = closest(rest[0], sorted(defined), cutoff=0.6)
    hint = f" (did you mean `{dotted}.{best}`?)" if best else ""
    return "info", (f"the module `{dotted}` of {root.describe()} does not define `{rest[0]}`; "
                    f"{reg.importer}{hint}")


def _is_dir(path: Path) -> bool:
    """``Path.is_dir``, False where the name is one the system refuses (a config's value
    of hundreds of characters: Python 3.11 raises ENAMETOOLONG)."""
    try:
        return path.is_dir()
    except OSError:
        return False


def _is_file(path: Path) -> bool:
    """``Path.is_file``, False where the name is one the system refuses."""
    try:
        return path.is_file()
    except OSError:
        return False


def _base_of(root: RepoRoot, top: str) -> Path | None:
    for sub in _BASES:
        base = root.path / sub if sub else root.path
        if _inside((base / top), root.path) and (
                _is_dir(base / top) or _is_file(base / f"{top}.py")):
            return base
    return None


def _deepest(base: Path, parts: list[str], root: Path) -> tuple[int, Path | None]:
    """How many leading parts name modules or packages, and the deepest one's file (the
    package's ``__init__.py``, or None for a namespace package)."""
    depth, module = 0, None
    folder = base
    for part in parts:
        as_file = folder / f"{part}.py"
        as_dir = folder / part
        if _is_file(as_file) and _inside(as_file, root):
            return depth + 1, as_file
        if not (_is_dir(as_dir) and _inside(as_dir, root)):
            break
        depth += 1
        init = as_dir / "__init__.py"
        module = init if _is_file(init) else None
        folder = as_dir
    return depth, module


def _inside(path: Path, root: Path) -> bool:
    """No symbolic link leads out of the repository."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except OSError:
        return False


def _top_names(module: Path) -> set[str] | None:
    """Names the module defines at its top level; None when any name may exist there
    (``import *``, a module ``__getattr__``, a file too large or unreadable)."""
    try:
        if module.stat().st_size > MAX_FILE_BYTES:
            return None
        text = module.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return None
    facts = read_facts(text, ())
    if facts is None or facts.star_import:
        return None
    return facts.top_names


def _missing_part(reg: ModuleRegistry, value: str, parts: list[str], depth: int,
                  base: Path, root: RepoRoot) -> str:
    folder = base.joinpath(*parts[:depth])
    wanted = "/".join(parts[: depth + 1])
    siblings = sorted({p.stem for p in folder.glob("*.py")} | {
        p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))}
        if _is_dir(folder) else set())
    best = closest(parts[depth], siblings, cutoff=0.6)
    hint = f" (did you mean `{'.'.join([*parts[:depth], best])}`?)" if best else ""
    return (f"{root.describe()} has no module `{wanted}.py` (nor a package `{wanted}/`); "
            f"{reg.importer}{hint}")


def _not_found(reg: ModuleRegistry, value: str, root: RepoRoot | None,
               literals: list[str]) -> str:
    shipped = ", ".join(f"`{k}`" for k in reg.known)
    where = (f"neither a module of {root.describe()} nor one of {shipped}" if root is not None
             else f"not one of {shipped}, and cfglint could not look for it elsewhere (the "
                  "config was not read from a file)")
    best = closest(value, literals, cutoff=0.6)
    hint = f" (did you mean `{best}`?)" if best else ""
    return f"{where}; {reg.importer}{hint}"


def _known_literals(reg: ModuleRegistry) -> list[str]:
    return [k for k in reg.known if not any(c in k for c in "*?[")]
