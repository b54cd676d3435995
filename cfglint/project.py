"""Where a project begins: the git work tree, else the closest folder with a cfglint
settings file. Lookups that read files beside a config (Hydra primaries, a repository's
own registries, rule folders) never leave it."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

SETTINGS_FILES = (".cfglint.toml", "cfglint.toml", "pyproject.toml")


@lru_cache(maxsize=256)
def git_work_tree(folder: str) -> str | None:
    """The top of the git work tree that holds ``folder``: the nearest folder above it with
    a ``.git`` entry, as git finds it (linked work trees and submodules count; no ``git``
    process is started)."""
    here = Path(folder)
    for d in (here, *here.parents):
        try:
            if (d / ".git").exists():
                return str(d)
        except OSError:
            return None
    return None


@lru_cache(maxsize=256)
def project_root(folder: str) -> str | None:
    """The project folder that holds ``folder`` (None: neither a git work tree nor a
    settings file above it)."""
    work_tree = git_work_tree(folder)
    if work_tree is not None:
        return work_tree
    here = Path(folder)
    for d in (here, *here.parents):
        if any((d / name).is_file() for name in SETTINGS_FILES):
            return str(d)
    return None
