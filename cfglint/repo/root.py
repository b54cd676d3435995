"""Which folder is "the repository" of a config: the top of the git work tree it is in
(the nearest folder above it with a ``.git`` entry, as git itself finds it, so linked
work trees and submodules count and no ``git`` process is started), else the settings
root (the folder of the nearest cfglint settings file, or the config's own folder)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from cfglint.project import git_work_tree

How = Literal["git", "settings", "folder"]


@dataclass(frozen=True)
class RepoRoot:
    """The root of the trainer repository a config belongs to, and how it was found."""

    path: Path
    how: How

    def describe(self) -> str:
        """The root in words, without absolute paths (messages feed fingerprints)."""
        name = f"`{self.path.name or self.path}/`"
        if self.how == "git":
            return f"the git work tree {name}"
        if self.how == "settings":
            return f"{name} (the folder of the nearest cfglint settings file)"
        return f"{name} (the config's own folder: no git work tree or settings file above it)"


def repo_root(config_path: str) -> RepoRoot | None:
    """The repository of the config at ``config_path``; None when it is not a file on disk
    (standard input, an in-memory document)."""
    if not config_path or config_path == "-":
        return None
    path = Path(config_path)
    try:
        if not path.is_file():
            return None
        folder = path.resolve().parent
    except OSError:
        return None
    return _root_of(str(folder))


@cache
def _root_of(folder: str) -> RepoRoot:
    work_tree = git_work_tree(folder)
    if work_tree is not None:
        return RepoRoot(Path(work_tree), "git")
    from cfglint.settings import settings_for_dir

    settings = settings_for_dir(folder)
    root = Path(settings.root).resolve()
    return RepoRoot(root, "settings" if settings.path else "folder")


def forget_roots() -> None:
    _root_of.cache_clear()
    git_work_tree.cache_clear()
