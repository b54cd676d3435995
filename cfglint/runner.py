"""Lint (and fix) many files, using every core when there are many.

One bad file never stops the run: whatever goes wrong inside cfglint while it
reads, lints, fixes or writes one file becomes a finding for that file (CFG004 "internal
error", CFG010 "not written") and the other files are still reported and fixed.

Workers send back a light Document (text only, no tree) with the findings, so
results cross process boundaries cheaply; reporters only need text and offsets.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

from cfglint.engine.catalog import RuleFileError
from cfglint.findings import SEVERITY_RANK, FileResult, Finding
from cfglint.pipeline import INTERNAL_ERROR, RunOptions, builtin_finding, lint_document
from cfglint.settings import Settings, SettingsError, settings_for
from cfglint.source.document import Document, Span
from cfglint.source.read import format_for, read_path

PARALLEL_MIN_FILES = 24
# at most this many findings per file are reported; a summary finding stands for the rest
MAX_FINDINGS = 1000

NOT_WRITTEN = "CFG010"
NOT_CONVERGED = "CFG011"
TOO_MANY = "CFG012"


class Job(NamedTuple):
    """One file to lint (and fix) and how: what a worker process is given."""

    path: str
    fix: bool = False
    unsafe: bool = False
    diff: bool = False
    options: RunOptions | None = None  # None: every option at its default
    # the folder a walk found this file in (None: named explicitly); --fix never writes
    # through a symlink that leaves it
    root: str | None = None
    explicit: bool = True  # a person named the file (cfglint.discover.Target)
    config: str | None = None  # --config: one settings file for every file


def _display(path: str) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return Path(path).as_posix()
    return Path(rel).as_posix() if not rel.startswith("..") else Path(path).as_posix()


def _lint(doc: Document, job: Job, settings: Settings) -> FileResult:
    options = job.options or RunOptions()
    found = lint_document(doc, settings, options, explicit=job.explicit)
    found.fail_on = options.fail_on or settings.fail_on
    return found


def process_text(path: str, job: Job, settings: Settings,
                 doc: Document) -> tuple[FileResult, str | None]:
    """Lint (and with job.fix, fix) one file; returns the result and the new text if changed."""

    def lint(d: Document) -> FileResult:
        return _lint(d, job, settings)

    if not (job.fix or job.diff) or doc.problems:
        return lint(doc), None
    from cfglint.fix import MAX_ROUNDS, fix_text, unified_diff

    outcome = fix_text(doc, lint, unsafe=job.unsafe)
    result = outcome.result
    new_text = outcome.text if outcome.text != doc.text else None
    if new_text is not None and job.diff:
        # --diff writes nothing: the findings of the file as it is, the diff, and how
        # many fixes the diff holds (in fixes_applied: what --fix would apply)
        result = lint(doc)
        result.diff = unified_diff(_display(path), doc.text, new_text)
        result.fixes_applied = outcome.applied
    if outcome.unconverged:
        result.findings.append(_at_start(
            result.doc, NOT_CONVERGED, result.family,
            f"fixes did not converge after {MAX_ROUNDS} passes: the fixes of "
            f"{', '.join(outcome.unconverged)} change the file again on every pass; the file "
            "keeps the state after the last verified pass (please report a built-in rule "
            "that does this; a rule of your own needs a fix that its condition accepts)"))
    return result, new_text


def safe_process(path: str, job: Job, settings: Settings,
                 doc: Document) -> tuple[FileResult, str | None]:
    """process_text, with an unexpected failure turned into a CFG004 finding for the file."""
    try:
        return process_text(path, job, settings, doc)
    except (SettingsError, RuleFileError):
        raise
    except Exception as err:
        if os.environ.get("CFGLINT_DEBUG"):
            raise
        return internal_error(doc, err), None


def run_one(job: Job) -> FileResult:
    """One file, isolated: settings errors stop the run (exit 2), nothing else does."""
    try:
        result = _run_one(job)
    except (SettingsError, RuleFileError):
        raise
    except Exception as err:
        if os.environ.get("CFGLINT_DEBUG"):
            raise
        fmt = format_for(job.path) or "yaml"
        result = internal_error(Document(path=job.path, text="", format=fmt, root=None), err)
    result.display_path = _display(job.path)
    return _light(_capped(result))


def _run_one(job: Job) -> FileResult:
    settings = settings_for(job.path, job.config)
    doc = read_path(job.path, max_bytes=settings.max_file_size, display=job.path)
    result, new_text = safe_process(job.path, job, settings, doc)
    if new_text is not None and job.fix and not job.diff:
        result = _write(job, settings, doc, result, new_text)
    return result


def _write(job: Job, settings: Settings, doc: Document, result: FileResult,
           new_text: str) -> FileResult:
    """Write the fixed text, or report (CFG010) why not with the findings of the file as it
    stays on disk."""
    from cfglint.fix import encode
    from cfglint.write import WriteRefused, outside, write_atomic

    try:
        if job.root is not None and outside(job.path, job.root):
            raise WriteRefused(f"it is a symlink to a file outside {job.root}, the folder being "
                               "fixed")
        write_atomic(job.path, new_text, doc.bom, expected=encode(doc.text, doc.bom))
        return result
    except (WriteRefused, OSError) as err:
        why = str(err) if isinstance(err, WriteRefused) else (
            f"it could not be written ({err.strerror or err})")
    kept = _lint(doc, job, settings)
    kept.findings.append(_at_start(doc, NOT_WRITTEN, kept.family,
                                   f"fixes were not written: {why}"))
    return kept


def internal_error(doc: Document, err: BaseException) -> FileResult:
    """The result of a file cfglint failed on: one CFG004 finding, nothing else."""
    text = str(err).splitlines()[0][:200] if str(err) else ""
    finding = _at_start(doc, INTERNAL_ERROR, "generic",
                        "internal error in cfglint while reading this file, please report it "
                        f"({type(err).__name__}{': ' + text if text else ''}; set "
                        "CFGLINT_DEBUG=1 for a traceback)")
    return FileResult(doc, "generic", [finding], internal_error=True)


def _at_start(doc: Document, code: str, family: str, message: str) -> Finding:
    root = doc.root
    at = Span(0, 0) if root is None else Span(root.span.start, root.span.start)
    return builtin_finding(doc, code, message, family, at)


def _capped(result: FileResult) -> FileResult:
    """At most MAX_FINDINGS findings; a summary finding, as severe as the worst one it
    stands for, says how many more there are (so the exit code does not change)."""
    findings = sorted(result.findings, key=Finding.sort_key)
    if len(findings) <= MAX_FINDINGS:
        result.findings = findings
        return result
    kept, rest = findings[:MAX_FINDINGS], findings[MAX_FINDINGS:]
    worst = max((f.severity for f in rest), key=lambda s: SEVERITY_RANK[s])
    counts: dict[str, int] = {}
    for f in rest:
        counts[f.code] = counts.get(f.code, 0) + 1
    top = ", ".join(f"{c} ×{n:,}" for c, n in sorted(counts.items(), key=lambda kv: -kv[1])[:5])
    first = rest[0]
    summary = builtin_finding(result.doc, TOO_MANY,
                              f"{len(rest):,} more findings not shown ({top}): cfglint reports "
                              f"at most {MAX_FINDINGS:,} per file", result.family, first.span,
                              severity=worst)
    result.findings = [*kept, summary]
    return result


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
    from concurrent.futures.process import BrokenProcessPool

    chunk = max(1, len(jobs) // (workers * 4))
    try:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(run_one, jobs, chunksize=chunk))
    except BrokenProcessPool:
        # a worker died (killed for memory, say): lint in this process instead, one by one
        return [run_one(j) for j in jobs]
