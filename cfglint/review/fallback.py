"""When the token may not write (a pull request from a fork gets a read-only token):
workflow-command annotations for the new findings, capped as GitHub shows them, and the
summary in the job's step summary."""

from __future__ import annotations

import os
from collections.abc import Callable

from cfglint.report.github import COMMANDS, escape_data, escape_property
from cfglint.review.plan import Comment, Plan

PER_LEVEL = 10  # GitHub shows 10 annotations of each level per step
PER_JOB = 50


def annotation_lines(comments: list[Comment]) -> tuple[list[str], int]:
    """Workflow commands for the comments GitHub will show, and how many were left out."""
    lines: list[str] = []
    per_level: dict[str, int] = {}
    for c in comments:
        level = COMMANDS.get(c.severity, "warning")
        if per_level.get(level, 0) >= PER_LEVEL or len(lines) >= PER_JOB:
            continue
        per_level[level] = per_level.get(level, 0) + 1
        props = [("file", c.path), ("line", str(c.start_line or c.line)),
                 ("endLine", str(c.line)), ("title", f"cfglint {c.code}")]
        params = ",".join(f"{k}={escape_property(v)}" for k, v in props)
        lines.append(f"::{level} {params}::{escape_data(c.message or c.code)}")
    return lines, len(comments) - len(lines)


def fall_back(plan: Plan, reason: str, out: Callable[[str], None],
              log: Callable[[str], None]) -> None:
    log(f"cfglint: cannot write to the pull request ({reason}); a pull request from a fork "
        "gets a read-only token. Writing annotations and the job summary instead (the README "
        "shows the workflow_run set-up that posts reviews on fork pull requests).")
    lines, left = annotation_lines(plan.comments)
    for line in lines:
        out(line)
    summary = plan.summary
    if left:
        summary += (f"\n\n{left} new finding(s) on changed lines are not shown as annotations "
                    f"(GitHub shows {PER_LEVEL} per level in a step); they are in the table.")
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(summary + "\n")
    else:
        log(summary)
