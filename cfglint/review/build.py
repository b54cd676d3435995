"""Build the plan of a change: lint both sides of the touched configs, classify, anchor,
write the comments and the summary."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field

from cfglint.findings import SEVERITY_RANK
from cfglint.pipeline import RunOptions
from cfglint.review.anchor import Anchor, anchor
from cfglint.review.body import comment_body, one_line, planned_suggestion
from cfglint.review.classify import Tracked, classify, track
from cfglint.review.git import Change, Repo
from cfglint.review.plan import Comment, Plan
from cfglint.review.sides import HeadSettings, Side, SideJob, lint_sides
from cfglint.review.summary import SummaryInput, load_probes, render_summary
from cfglint.source.read import format_for


@dataclass
class ReviewOptions:
    """How a review compares base and head."""

    base: str | None = None
    head: str = "HEAD"
    unsafe: bool = False
    show_existing: bool = False
    probe_results: list[str] = field(default_factory=list)
    run_options: RunOptions = field(default_factory=RunOptions)
    fail_on: str | None = None  # else each file's settings (at head) decide


def build_plan(repo: Repo, opts: ReviewOptions, extra_paths: Iterable[str] = ()) -> Plan:
    """The plan of ``opts.base``...``opts.head``; ``extra_paths`` (files of earlier comments
    the change no longer touches) are linted at head only, to tell which were fixed."""
    head = repo.resolve(opts.head)
    base = repo.merge_base(repo.resolve(opts.base or repo.default_base()), head)
    settings = HeadSettings(repo, head)
    changes = [c for c in repo.changes(base, head) if _is_config(repo, settings, c)]
    touched = {c.path for c in changes}
    extra = sorted(p for p in set(extra_paths) - touched
                   if format_for(p) and not settings.for_path(p).excluded(_abs(repo, p)))
    head_sides, base_sides, extra_sides = _lint(repo, settings, opts, base, head, changes, extra)
    head_tracked = [t for s in head_sides for t in track(s)]
    classified = classify([t for s in base_sides for t in track(s)], head_tracked)
    diffs = repo.diff(base, head, changes)
    old_paths = {c.path: c.old_path for c in changes}
    anchors = {t.fingerprint: anchor(t, diffs.get(t.path)) for t in classified.new}
    comments = _comments(classified.new, anchors, old_paths, opts.unsafe)
    summary = render_summary(SummaryInput(base, head, classified, anchors, opts.show_existing,
                                          load_probes(opts.probe_results) or None))
    present = {t.fingerprint for t in head_tracked}
    present |= {t.fingerprint for s in extra_sides for t in track(s)}
    failing = sum(SEVERITY_RANK[t.finding.severity] >= SEVERITY_RANK[
        opts.fail_on or settings.for_path(t.path).fail_on] for t in classified.new)
    return Plan(base=base, head=head, new=len(classified.new), fixed=len(classified.fixed),
                existing=len(classified.existing), comments=comments,
                resolve=[t.fingerprint for t in classified.fixed], summary=summary,
                present=frozenset(present),
                linted=frozenset({c.path or c.old_path for c in changes} | set(extra)),
                failing=failing)


def _abs(repo: Repo, rel: str) -> str:
    return os.path.join(repo.root, rel)


def _is_config(repo: Repo, settings: HeadSettings, c: Change) -> bool:
    path = c.path or c.old_path
    return format_for(path) is not None and not settings.for_path(path).excluded(_abs(repo, path))


def _lint(repo: Repo, settings: HeadSettings, opts: ReviewOptions, base: str, head: str,
          changes: list[Change], extra: list[str]) -> tuple[list[Side], list[Side], list[Side]]:
    """Head files, base files (linted under their head path), extra files at head."""
    head_name = {c.old_path: c.path or c.old_path for c in changes if c.old_path}
    requests = [("head", head, c.path, c.path) for c in changes if c.path]
    requests += [("base", base, c.old_path, head_name[c.old_path]) for c in changes
                 if c.old_path]
    requests += [("extra", head, p, p) for p in extra]
    blobs = repo.blobs([(commit, path) for _, commit, path, _ in requests])
    jobs: list[SideJob] = []
    kinds: list[str] = []
    for kind, commit, path, as_path in requests:
        data = blobs.get((commit, path))
        if data is not None:
            jobs.append(SideJob(repo.root, as_path, data, settings.for_path(as_path),
                                opts.run_options))
            kinds.append(kind)
    by_kind: dict[str, list[Side]] = {"head": [], "base": [], "extra": []}
    for kind, side in zip(kinds, lint_sides(jobs), strict=True):
        by_kind[kind].append(side)
    return by_kind["head"], by_kind["base"], by_kind["extra"]


def _comments(new: list[Tracked], anchors: dict[str, Anchor | None], old_paths: dict[str, str],
              unsafe: bool) -> list[Comment]:
    """Comments in rank order; two suggestions never share a line (GitHub applies one per
    line in a batch), so a later one is shown as a patch."""
    out: list[Comment] = []
    suggested: dict[str, set[int]] = {}
    for t in new:
        where = anchors.get(t.fingerprint)
        if where is None:
            continue
        text = planned_suggestion(t, where, unsafe)
        lines = set(range(where.start_line, where.line + 1))
        if text is not None and lines & suggested.get(t.path, set()):
            text = None
        if text is not None:
            suggested.setdefault(t.path, set()).update(lines)
        out.append(Comment(path=t.path, line=where.line,
                           start_line=where.start_line if where.start_line < where.line else None,
                           body=comment_body(t, where, text), fingerprint=t.fingerprint,
                           code=t.finding.code, severity=t.finding.severity,
                           message=one_line(t.finding.message),
                           old_path=old_paths.get(t.path, "") or t.path))
    return out
