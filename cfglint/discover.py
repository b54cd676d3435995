"""Which files a run looks at: explicit paths as given, directories walked.

Directories respect ``.gitignore`` (through ``git ls-files`` when the folder is
in a git work tree, else a walk that skips hidden and virtual-env folders) and
settings' ``exclude``. Explicitly named files are always linted, like ruff.

Python files are linted only as search spaces: a walk takes a ``.py`` file only when its
text imports optuna, ray.tune or wandb (checked before anything parses it), and with
``python_search_only`` (what the pre-commit hooks ask for) named ``.py`` files pass the
same test.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from cfglint.source.read import format_for

_SKIP_DIRS = {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__",
              ".mypy_cache", ".ruff_cache", ".pytest_cache", ".tox", "build", "dist"}


def _git_files(folder: str) -> list[str] | None:
    import subprocess

    try:
        proc = subprocess.run(
            ["git", "-C", folder, "ls-files", "-z", "--cached", "--others", "--exclude-standard",
             "--", "."], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if proc.returncode != 0:
        return None
    names = [n for n in proc.stdout.decode("utf-8", "replace").split("\0") if n]
    return [os.path.join(folder, n) for n in names]


def _walk(folder: str) -> list[str]:
    out = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and not d.startswith("."))
        out += [os.path.join(dirpath, f) for f in sorted(filenames)]
    return out


def _wanted_python(path: str) -> bool:
    from cfglint.space.imports import is_search_space_source

    return is_search_space_source(path)


def discover(paths: list[str], excluded: Callable[[str], bool],
             python_search_only: bool = False) -> list[str]:
    files: list[str] = []
    for p in paths:
        if os.path.isdir(p):
            listed = _git_files(p)
            candidates = listed if listed is not None else _walk(p)
            for f in sorted(candidates):
                fmt = format_for(f)
                if fmt and os.path.isfile(f) and not excluded(f) \
                        and (fmt != "python" or _wanted_python(f)):
                    files.append(os.path.normpath(f))
        elif not (python_search_only and format_for(p) == "python" and not _wanted_python(p)):
            files.append(p)
    seen: set[str] = set()
    unique = []
    for f in files:
        key = str(Path(f).resolve()) if os.path.exists(f) else f
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def walked_from(file: str, paths: list[str]) -> str | None:
    """The folder named in ``paths`` whose walk found ``file`` (None: named itself)."""
    if file in paths:
        return None
    here = os.path.abspath(file)
    for p in paths:
        if os.path.isdir(p):
            base = os.path.abspath(p)
            if os.path.commonpath([here, base]) == base:
                return p
    return None
