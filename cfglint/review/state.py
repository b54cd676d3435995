"""What a pull request already has from cfglint, and the plan refined against it:
nothing posted twice, every open thread of a fixed finding resolved, and at most
``max_comments`` inline comments per review (the rest wait in the summary)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from cfglint.review.plan import Plan

FIXED_MARKER = "<!-- cfglint:fixed -->"


@dataclass
class Thread:
    """A review thread (GitHub) or discussion (GitLab) that a cfglint comment started."""

    fingerprint: str
    path: str
    resolved: bool
    thread_id: str
    comment_id: str
    replied: bool = False  # a "fixed in" reply is already there


@dataclass
class State:
    """What an earlier review left on the pull request: comments, threads, summary."""

    posted: set[str] = field(default_factory=set)  # fingerprints of every cfglint comment
    threads: list[Thread] = field(default_factory=list)
    summary_id: str | None = None
    summary_body: str = ""

    def paths(self) -> set[str]:
        return {t.path for t in self.threads if t.path}


def refine(plan: Plan, state: State, max_comments: int) -> Plan:
    fresh = [c for c in plan.comments if c.fingerprint not in state.posted]
    inline, waiting = fresh[:max_comments], fresh[max_comments:]
    gone = set(plan.resolve)
    if plan.present is not None:
        gone |= {t.fingerprint for t in state.threads
                 if t.path in plan.linted and t.fingerprint not in plan.present}
    open_threads = {t.fingerprint for t in state.threads if not t.resolved}
    summary = plan.summary
    if waiting:
        summary += (f"\n\n{len(waiting)} more new finding(s) on changed lines are in the table "
                    f"but not commented inline yet (at most {max_comments} comments per review); "
                    "the next run posts them.")
    return replace(plan, comments=inline, resolve=sorted(gone & open_threads), summary=summary)
