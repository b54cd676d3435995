"""The Python files of one repository, walked once per run and read only as asked.

Bounds: at most ``MAX_FILES`` files are listed (in sorted order, so the cut is stable),
a file over ``MAX_FILE_BYTES`` is skipped, at most ``MAX_TOTAL_BYTES`` are read in all;
only regular files inside the root count (symbolic links are not followed, in or out),
and hidden folders, virtual environments, ``site-packages``, ``node_modules`` and
``__pycache__`` are not entered. Texts and parsed facts are cached per file; indexes are
cached per root for the life of the process (one command line run); ``forget`` drops them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cfglint.repo.pyfacts import PyFacts, read_facts
from cfglint.repo.root import RepoRoot

MAX_FILES = 5000
MAX_FILE_BYTES = 1024 * 1024
MAX_TOTAL_BYTES = 64 * 1024 * 1024
_SKIP_DIRS = frozenset({"__pycache__", "node_modules", "site-packages"})


@dataclass(frozen=True)
class Search:
    """Every name a repository registers with one registry."""

    names: set[str]
    dynamic: bool  # some registrations are computed, which cannot be read statically


@dataclass
class RepoIndex:
    """The repository's files, listed once (bounded), with texts read on demand."""

    root: RepoRoot
    files: list[Path] = field(default_factory=list)  # relative to root, sorted
    truncated: bool = False  # MAX_FILES or MAX_TOTAL_BYTES cut the scan short
    skipped_large: int = 0
    _texts: dict[Path, str | None] = field(default_factory=dict)
    _facts: dict[tuple[Path, tuple[str, ...]], PyFacts | None] = field(default_factory=dict)
    _bytes_read: int = 0
    # per registry (its objects, whether case is ignored): what a full read found
    searches: dict[tuple[tuple[str, ...], bool], Search] = field(default_factory=dict)
    # what other readers found in the repository (option structs, dispatched names)
    extras: dict[tuple[str, object], object] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """Every Python file of the repository was within reach."""
        return not self.truncated and not self.skipped_large

    def extra(self, key: tuple[str, object], read: Callable[[], object]) -> object:
        """What another reader found in the repository under ``key``, read once."""
        if key not in self.extras:
            self.extras[key] = read()
        return self.extras[key]

    def text(self, rel: Path) -> str | None:
        if rel not in self._texts:
            self._texts[rel] = self._read(rel)
        return self._texts[rel]

    def _read(self, rel: Path) -> str | None:
        path = self.root.path / rel
        try:
            size = path.stat(follow_symlinks=False).st_size
            if size > MAX_FILE_BYTES:
                self.skipped_large += 1
                return None
            if self._bytes_read + size > MAX_TOTAL_BYTES:
                self.truncated = True
                return None
            self._bytes_read += size
            return path.read_bytes().decode("utf-8", errors="replace")
        except OSError:
            return None

    def facts(self, rel: Path, variables: tuple[str, ...]) -> PyFacts | None:
        key = (rel, variables)
        if key not in self._facts:
            text = self.text(rel)
            self._facts[key] = None if text is None else read_facts(text, variables)
        return self._facts[key]

    def mentioning(self, words: tuple[str, ...], ignore_case: bool = False) -> Iterator[Path]:
        """Files whose text holds every one of ``words`` (a cheap filter before parsing)."""
        wanted = tuple(w.lower() for w in words) if ignore_case else words
        for rel in self.files:
            text = self.text(rel)
            if text is None:
                continue
            hay = text.lower() if ignore_case else text
            if all(w in hay for w in wanted):
                yield rel


_INDEXES: dict[Path, RepoIndex] = {}


def index_for(root: RepoRoot) -> RepoIndex:
    index = _INDEXES.get(root.path)
    if index is None:
        index = _INDEXES[root.path] = _walk(root)
    return index


def forget() -> None:
    """Drop every cached root and index (a long-lived caller whose repositories changed)."""
    from cfglint.repo.root import forget_roots

    _INDEXES.clear()
    forget_roots()


def _walk(root: RepoRoot) -> RepoIndex:
    index = RepoIndex(root)
    for dirpath, dirnames, filenames in os.walk(root.path, followlinks=False):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if _enter(here / d, d))
        for name in sorted(filenames):
            if not name.endswith(".py"):
                continue
            path = here / name
            if path.is_symlink() or not path.is_file():
                continue
            if len(index.files) >= MAX_FILES:
                index.truncated = True
                return index
            index.files.append(path.relative_to(root.path))
    return index


def _enter(path: Path, name: str) -> bool:
    if name.startswith(".") or name in _SKIP_DIRS:
        return False
    try:
        return not path.is_symlink() and not (path / "pyvenv.cfg").exists()
    except OSError:
        return False
