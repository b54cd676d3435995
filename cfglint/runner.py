"""Lint (and fix) many files, using every core when there are many.

Workers send back a light Document (text only, no tree) with the findings, so
results cross process boundaries cheaply; reporters only need text and offsets.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from cfglint.findings import FileResult
from cfglint.pipeline import RunOptions, lint_document
from cfglint.settings import Settings, settings_for
from cfglint.source.document import Document
from cfglint.source.read import read_path

PARALLEL_MIN_FILES = 24


@dataclass(frozen=True)
class Job:
    path: str
    fix: bool = False
    unsafe: bool = False
    diff: bool = False
    options: RunOptions = field(default_factory=RunOptions)


def _display(path: str) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return Path(path).as_posix()
    return Path(rel).as_posix() if not rel.startswith("..") else Path(path).as_posix()


def process_text(path: str, job: Job, settings: Settings,
                 doc: Document) -> tuple[FileResult, str | None]:
    """Lint (and with job.fix, fix) one file; returns the result and the new text if changed."""

    def lint(d: Document) -> FileResult:
        return lint_document(d, settings, job.options)

    if not (job.fix or job.diff) or doc.problems:
        return lint(doc), None
    from cfglint.fix import fix_text, unified_diff

    outcome = fix_text(doc, lint, unsafe=job.unsafe)
    result = outcome.result
    new_text = outcome.text if outcome.text != doc.text else None
    if new_text is not None and job.diff:
        # --diff writes nothing: report the findings of the file as it is, plus the diff
        result = lint(doc)
        result.diff = unified_diff(_display(path), doc.text, new_text)
    return result, new_text


def run_one(job: Job) -> FileResult:
    settings = settings_for(job.path)
    doc = read_path(job.path, max_bytes=settings.max_file_size, display=job.path)
    result, new_text = process_text(job.path, job, settings, doc)
    if new_text is not None and job.fix and not job.diff:
        from cfglint.write import write_atomic

        write_atomic(job.path, new_text, doc.bom)
    result.display_path = _display(job.path)
    return _light(result)


def _light(result: FileResult) -> FileResult:
    doc = result.doc
    light = Document(path=doc.path, text=doc.text, format=doc.format, root=None,
                     problems=doc.problems, bom=doc.bom)
    return replace(result, doc=light)


def run_many(jobs: list[Job], workers: int | None = None) -> list[FileResult]:
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if len(jobs) < PARALLEL_MIN_FILES or workers <= 1:
        return [run_one(j) for j in jobs]
    from concurrent.futures import ProcessPoolExecutor

    chunk = max(1, len(jobs) // (workers * 4))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run_one, jobs, chunksize=chunk))
