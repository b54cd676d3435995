"""One file of a change linted at head or at base, as cfglint would lint it at head.

Both sides go through the normal pipeline with the settings the head commit holds for
the file's head path (read from git objects), and a base file is linted under its head
path, so a renamed file keeps its findings' identity. What later steps need from the
tree (the lines of the keys a finding names) is computed here, so a Side travels
between processes as text and findings only. Two things still come from the working
tree, as in ``cfglint check``: settings' ``rule-folders``, and the primary config a Hydra
group file is matched against; run the review in a checkout of the head commit (the
merge commit CI checks out has the same files) for those to be right.
"""

from __future__ import annotations

import os
import posixpath
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace

from cfglint.findings import FileResult
from cfglint.pipeline import RunOptions, lint_document
from cfglint.project import SETTINGS_FILES
from cfglint.review.git import Repo
from cfglint.settings import Settings, settings_from_document
from cfglint.source.document import Document, KeyPath
from cfglint.source.read import format_for, read_bytes

PARALLEL_MIN_FILES = 16


class HeadSettings:
    """The closest settings file to a path in the head commit's tree (defaults if none)."""

    def __init__(self, repo: Repo, head: str) -> None:
        self.repo = repo
        self.head = head
        self._files = repo.tree_paths(head, SETTINGS_FILES)
        self._by_dir: dict[str, Settings] = {}

    def for_path(self, rel: str) -> Settings:
        return self._for_dir(posixpath.dirname(rel))

    def _for_dir(self, folder: str) -> Settings:
        if folder not in self._by_dir:
            self._by_dir[folder] = self._lookup(folder)
        return self._by_dir[folder]

    def _lookup(self, folder: str) -> Settings:
        for name in SETTINGS_FILES:
            candidate = posixpath.join(folder, name) if folder else name
            if candidate in self._files:
                found = self._load(candidate)
                if found is not None:
                    return found
        if not folder:
            return Settings(root=self.repo.root)
        return self._for_dir(posixpath.dirname(folder))

    def _load(self, rel: str) -> Settings | None:
        data = self.repo.blobs([(self.head, rel)])[(self.head, rel)]
        if data is None or (rel.endswith("pyproject.toml") and b"[tool.cfglint" not in data):
            return None
        return settings_from_document(read_bytes(os.path.join(self.repo.root, rel), data, "toml"))


@dataclass(frozen=True)
class SideJob:
    """Linting one file as it is at one side (base or head) of a change."""

    root: str
    rel: str  # the file's path at head
    data: bytes
    settings: Settings
    options: RunOptions


@dataclass
class Side:
    """A linted file: findings, its text, and the lines of the keys its findings name."""

    rel: str
    result: FileResult
    key_lines: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)

    @property
    def doc(self) -> Document:
        return self.result.doc


def lint_side(job: SideJob) -> Side:
    fmt = format_for(job.rel) or "yaml"
    doc = read_bytes(os.path.join(job.root, job.rel), job.data, fmt, job.settings.max_file_size)
    result = lint_document(doc, job.settings, job.options)
    lines: dict[KeyPath, tuple[int, int]] = {}
    for f in result.findings:
        for key in (f.key, *f.depends_on):
            if key and key not in lines and (found := key_lines(doc, key)) is not None:
                lines[key] = found
    text_only = Document(path=doc.path, text=doc.text, format=doc.format, root=None,
                         problems=doc.problems, bom=doc.bom)
    return Side(job.rel, replace(result, doc=text_only, display_path=job.rel), lines)


def key_lines(doc: Document, key: KeyPath) -> tuple[int, int] | None:
    """First and last line of a key with its value (of the value alone for a list item)."""
    entry = doc.find_entry(key)
    if entry is not None:
        start, end = entry.key.span.start, entry.value.span.end
    else:
        node = doc.find(key)
        if node is None:
            return None
        start, end = node.span.start, node.span.end
    last = max(start, end - 1)
    return doc.line_col(start)[0], doc.line_col(last)[0]


def lint_sides(jobs: list[SideJob], workers: int | None = None) -> list[Side]:
    """Lint every job, on every core when there are many (results in job order)."""
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if len(jobs) < PARALLEL_MIN_FILES or workers <= 1:
        return [lint_side(j) for j in jobs]
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
        return list(pool.map(lint_side, jobs, chunksize=max(1, len(jobs) // (workers * 2))))
