"""One ``cfglint review`` run: read what the pull request already has, build (or load)
the plan, refine it, print it, and post it unless ``--dry-run``."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cfglint.review.build import ReviewOptions, build_plan
from cfglint.review.fallback import fall_back
from cfglint.review.git import Repo
from cfglint.review.github import GitHubPoster, GitHubTarget, PostError, ReadOnly
from cfglint.review.github import client_for as github_client
from cfglint.review.gitlab import GitLabPoster, GitLabTarget
from cfglint.review.gitlab import client_for as gitlab_client
from cfglint.review.http import HttpError
from cfglint.review.plan import Plan
from cfglint.review.state import State, refine
from cfglint.review.text import render_text

Poster = GitHubPoster | GitLabPoster


@dataclass
class ReviewRequest:
    """Everything `cfglint review` was asked to do."""

    options: ReviewOptions = field(default_factory=ReviewOptions)
    dry_run: bool = False
    fmt: str = "text"
    post: str | None = None  # "github" or "gitlab"
    plan_file: str | None = None
    repository: str | None = None  # GitHub OWNER/NAME or GitLab project
    number: int | None = None  # pull request number or merge request iid
    max_comments: int = 30
    output_file: str | None = None
    exit_zero: bool = False
    cwd: str = "."


@dataclass
class Io:
    """Where output goes and how time passes (tests inject both)."""

    out: Callable[[str], None] = field(default=lambda s: print(s))
    log: Callable[[str], None] = field(default=lambda s: print(s, file=sys.stderr))
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time


def run(req: ReviewRequest, io: Io | None = None) -> int:
    io = io or Io()
    poster = _poster(req, io) if req.post else None
    state: State | None = None
    read_only = ""
    if poster is not None:
        try:
            state = poster.read_state()
        except HttpError as err:
            if err.status not in (401, 403, 404):
                raise
            read_only = f"HTTP {err.status}: {err.message}"
    if req.plan_file:
        plan = Plan.loads(Path(req.plan_file).read_text(encoding="utf-8"))
        if poster is not None:
            _check_saved_plan(plan, req, poster)
    else:
        repo = Repo.discover(req.cwd)
        plan = build_plan(repo, req.options, state.paths() if state else ())
    if state is not None:
        plan = refine(plan, state, req.max_comments)
    _emit(plan, req, io)
    if poster is not None and not req.dry_run:
        _post(poster, plan, state, read_only, io)
    return 1 if plan.failing and not req.exit_zero else 0


def _check_saved_plan(plan: Plan, req: ReviewRequest, poster: Poster) -> None:
    """A saved plan comes from an untrusted job: post it only on the pull request whose
    head it reviewed, and (with --head) only for the commit the trusted event names."""
    if req.options.head not in ("HEAD", plan.head):
        raise PostError(f"the plan reviews {plan.head[:12]}, not {req.options.head[:12]}")
    current = poster.head_sha()
    if current != plan.head:
        raise PostError(f"the pull request's head is {current[:12]}, but the plan reviews "
                        f"{plan.head[:12]}: refusing to post it there")


def _poster(req: ReviewRequest, io: Io) -> Poster:
    timing = {"sleep": io.sleep, "clock": io.clock, "log": io.log}
    if req.post == "gitlab":
        gl = GitLabTarget.from_env(req.repository, req.number)
        client, has_token = gitlab_client(gl, **timing)
        return GitLabPoster(gl, client, has_token, io.log)
    gh = GitHubTarget.from_env(req.repository, req.number)
    token = os.environ.get("GITHUB_TOKEN") or None
    return GitHubPoster(gh, github_client(gh, token, **timing), token, io.log)


def _emit(plan: Plan, req: ReviewRequest, io: Io) -> None:
    text = plan.dumps() if req.fmt == "json" else render_text(plan)
    if req.output_file:
        Path(req.output_file).write_text(text, encoding="utf-8")
    else:
        io.out(text.rstrip("\n"))


def _post(poster: Poster, plan: Plan, state: State | None, read_only: str, io: Io) -> None:
    try:
        if state is None:
            raise ReadOnly(read_only)
        for line in poster.post(plan, state):
            io.log(f"cfglint: {line}")
    except ReadOnly as err:
        if isinstance(poster, GitHubPoster):
            fall_back(plan, str(err), io.out, io.log)
        else:
            io.log(f"cfglint: cannot write to the merge request ({err}); set GITLAB_TOKEN to "
                   "a token with the api scope. `cfglint --format gitlab` writes a Code "
                   "Quality report that needs no token.")
            io.log(plan.summary)
