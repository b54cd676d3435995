"""Carry out a plan on a GitLab merge request, as for GitHub: one discussion per new
finding on its line (suggestions in GitLab's ``suggestion:-N+0`` form), a "fixed in"
reply and ``resolved=true`` for a fixed finding's discussion, one summary note edited in
place, and nothing posted twice."""

from __future__ import annotations

import os
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cfglint.review.body import fingerprint_in, is_summary
from cfglint.review.github import PostError, ReadOnly
from cfglint.review.http import Client, HttpError
from cfglint.review.plan import Comment, Plan
from cfglint.review.state import FIXED_MARKER, State, Thread

API = "https://gitlab.com/api/v4"
_OPEN_SUGGESTION = re.compile(r"^(`{3,})suggestion$", re.MULTILINE)


@dataclass(frozen=True)
class GitLabTarget:
    """The merge request a review posts to on GitLab."""

    api: str
    project: str  # id or url-encoded path
    iid: int

    @classmethod
    def from_env(cls, project: str | None, iid: int | None) -> GitLabTarget:
        api = os.environ.get("CI_API_V4_URL", API).rstrip("/")
        project = project or os.environ.get("CI_PROJECT_ID", "")
        iid = iid or int(os.environ.get("CI_MERGE_REQUEST_IID", "0") or 0)
        if not project or not iid:
            raise PostError("no merge request: pass --project ID --pr IID or run in a merge "
                            "request pipeline (CI_PROJECT_ID, CI_MERGE_REQUEST_IID)")
        return cls(api, urllib.parse.quote(project, safe=""), iid)


def client_for(target: GitLabTarget, **kwargs: Any) -> tuple[Client, bool]:
    """A client with GITLAB_TOKEN (PRIVATE-TOKEN) or CI_JOB_TOKEN (JOB-TOKEN), and whether
    there is a token at all."""
    headers = {"User-Agent": "cfglint-review"}
    if os.environ.get("GITLAB_TOKEN"):
        headers["PRIVATE-TOKEN"] = os.environ["GITLAB_TOKEN"]
    elif os.environ.get("CI_JOB_TOKEN"):
        headers["JOB-TOKEN"] = os.environ["CI_JOB_TOKEN"]
    has_token = len(headers) > 1
    return Client(target.api, headers, **kwargs), has_token


def gitlab_body(c: Comment) -> str:
    """GitLab anchors a suggestion on one line and counts the lines above it it replaces."""
    above = c.line - c.start_line if c.start_line is not None else 0
    return _OPEN_SUGGESTION.sub(lambda m: f"{m.group(1)}suggestion:-{above}+0", c.body)


class GitLabPoster:
    forge = "GitLab"

    def __init__(self, target: GitLabTarget, client: Client, has_token: bool,
                 log: Callable[[str], None]) -> None:
        self.t = target
        self.client = client
        self.has_token = has_token
        self.log = log
        self._mr = f"/projects/{target.project}/merge_requests/{target.iid}"

    def head_sha(self) -> str:
        refs = (self.client.get(self._mr) or {}).get("diff_refs") or {}
        return str(refs.get("head_sha", ""))

    def read_state(self) -> State:
        state = State()
        for d in self.client.paginate(f"{self._mr}/discussions"):
            notes = d.get("notes") or []
            if not notes:
                continue
            first = notes[0]
            if is_summary(first.get("body") or "") and state.summary_id is None:
                state.summary_id, state.summary_body = str(first["id"]), first["body"]
                continue
            fp = fingerprint_in(first.get("body") or "")
            if fp is None:
                continue
            position = first.get("position") or {}
            state.threads.append(Thread(
                fp, position.get("new_path") or "", bool(first.get("resolved")), str(d["id"]),
                str(first["id"]), any(FIXED_MARKER in (n.get("body") or "") for n in notes)))
            state.posted.add(fp)
        return state

    def post(self, plan: Plan, state: State) -> list[str]:
        if not self.has_token:
            raise ReadOnly("no GITLAB_TOKEN or CI_JOB_TOKEN")
        done: list[str] = []
        try:
            if plan.comments:
                done += self._discussions(plan)
            done += self._resolve(plan, state)
            done.append(self._upsert_summary(plan.summary, state))
        except HttpError as err:
            if err.status in (401, 403):
                raise ReadOnly(f"HTTP {err.status}: {err.message}") from None
            raise
        return done

    def _discussions(self, plan: Plan) -> list[str]:
        refs = (self.client.get(self._mr) or {}).get("diff_refs") or {}
        if refs.get("head_sha") != plan.head:  # a push since the plan: lines may not match
            return [f"the merge request's head is {str(refs.get('head_sha'))[:12]}, not "
                    f"{plan.head[:12]}: no inline comments this run"]
        posted, refused = 0, 0
        for c in plan.comments:
            position = {"position_type": "text", "base_sha": refs.get("base_sha"),
                        "start_sha": refs.get("start_sha"), "head_sha": refs.get("head_sha"),
                        "new_path": c.path, "old_path": c.old_path or c.path,
                        "new_line": c.line}
            try:
                self.client.request("POST", f"{self._mr}/discussions",
                                    {"body": gitlab_body(c), "position": position})
                posted += 1
            except HttpError as err:
                if err.status != 400:
                    raise
                refused += 1
        return [f"posted {posted} discussion(s)"] + (
            [f"GitLab refused {refused} position(s); those findings are in the summary"]
            if refused else [])

    def _resolve(self, plan: Plan, state: State) -> list[str]:
        done = []
        for thread in state.threads:
            if thread.fingerprint not in plan.resolve or thread.resolved:
                continue
            if not thread.replied:
                self.client.request("POST", f"{self._mr}/discussions/{thread.thread_id}/notes",
                                    {"body": f"Fixed in {plan.head[:12]}: cfglint no longer "
                                             f"finds this. {FIXED_MARKER}"})
            self.client.request("PUT", f"{self._mr}/discussions/{thread.thread_id}",
                                params={"resolved": "true"})
            done.append(f"resolved the discussion of {thread.fingerprint[:12]} ({thread.path})")
        return done

    def _upsert_summary(self, summary: str, state: State) -> str:
        if state.summary_id is None:
            self.client.request("POST", f"{self._mr}/notes", {"body": summary})
            return "posted the summary note"
        if state.summary_body == summary:
            return "the summary note is up to date"
        self.client.request("PUT", f"{self._mr}/notes/{state.summary_id}", {"body": summary})
        return "updated the summary note"
