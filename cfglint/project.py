"""Where a project begins: the git work tree, else the closest folder with a cfglint
settings file. Lookups that read files beside a config (Hydra primaries, a repository's
own registries, rule folders) never leave it."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

SETTINGS_FILES = (".cfglint.toml", "cfglint.toml", "pyproject.toml")


@lru_cache(maxsize=256)
def project_root(folder: str) -> str | None:
    """The project folder that holds ``folder`` (None: neither a git work tree nor a
    settings file above it)."""
    here = Path(folder)
    for d in (here, *here.parents):
        if (d / ".git").exists():
            return str(d)
    for d in (here, *here.parents):
        if any((d / name).is_file() for name in SETTINGS_FILES):
            return str(d)
    return None
