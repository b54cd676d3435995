"""Carry out a plan on a GitHub pull request.

One review per run (``POST .../pulls/{n}/reviews``, event COMMENT) with the new inline
comments; a fixed finding's thread gets a reply "fixed in <sha>" and is resolved through
GraphQL ``resolveReviewThread`` (never deleted; outdated threads of findings still there
are left alone); the summary is one issue comment, edited in place. Existing threads are
read first, so nothing is posted twice.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cfglint.review.body import fingerprint_in, is_summary
from cfglint.review.http import Client, HttpError
from cfglint.review.plan import Comment, Plan
from cfglint.review.state import FIXED_MARKER, State, Thread

API = "https://api.github.com"

THREADS_QUERY = """
query($owner: String!, $name: String!, $number: Int!, $cursor: String) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      reviewThreads(first: 100, after: $cursor) {
        pageInfo { hasNextPage endCursor }
        nodes {
          id isResolved isOutdated path
          comments(first: 50) { nodes { databaseId body } }
        }
      }
    }
  }
}"""
RESOLVE_MUTATION = """
mutation($id: ID!) {
  resolveReviewThread(input: {threadId: $id}) { thread { id isResolved } }
}"""


class ReadOnly(RuntimeError):
    """The token may not write to the pull request (fork pull requests, read-only tokens)."""


class PostError(RuntimeError):
    """The forge refused the plan for a reason other than permissions."""


@dataclass(frozen=True)
class GitHubTarget:
    """The pull request a review posts to on GitHub."""

    api: str
    graphql: str
    owner: str
    name: str
    number: int

    @classmethod
    def from_env(cls, repository: str | None, number: int | None) -> GitHubTarget:
        """The repository and pull request from flags, else the Actions environment."""
        api = os.environ.get("GITHUB_API_URL", API).rstrip("/")
        graphql = os.environ.get("GITHUB_GRAPHQL_URL") or (
            api[: -len("/v3")] + "/graphql" if api.endswith("/api/v3") else api + "/graphql")
        repository = repository or os.environ.get("GITHUB_REPOSITORY", "")
        if repository.count("/") != 1:
            raise PostError("no repository: pass --repo OWNER/NAME or set GITHUB_REPOSITORY")
        number = number or _pr_from_event()
        if not number:
            raise PostError("no pull request number: pass --pr N (or run on a pull_request "
                            "event)")
        owner, name = repository.split("/")
        return cls(api, graphql, owner, name, number)


def _pr_from_event() -> int | None:
    path = os.environ.get("GITHUB_EVENT_PATH")
    if path and os.path.isfile(path):
        with open(path, encoding="utf-8") as fh:
            event = json.load(fh)
        number = (event.get("pull_request") or {}).get("number") or event.get("number")
        if isinstance(number, int):
            return number
    ref = os.environ.get("GITHUB_REF", "")
    parts = ref.split("/")
    if len(parts) == 4 and parts[:2] == ["refs", "pull"] and parts[2].isdigit():
        return int(parts[2])
    return None


def client_for(target: GitHubTarget, token: str | None, **kwargs: Any) -> Client:
    headers = {"X-GitHub-Api-Version": "2022-11-28", "User-Agent": "cfglint-review"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return Client(target.api, headers, **kwargs)


class GitHubPoster:
    forge = "GitHub"

    def __init__(self, target: GitHubTarget, client: Client, token: str | None,
                 log: Callable[[str], None]) -> None:
        self.t = target
        self.client = client
        self.token = token
        self.log = log
        self._repo = f"/repos/{target.owner}/{target.name}"

    # --- reading ---------------------------------------------------------------------
    def head_sha(self) -> str:
        pull = self.client.get(f"{self._repo}/pulls/{self.t.number}") or {}
        return str((pull.get("head") or {}).get("sha", ""))

    def read_state(self) -> State:
        threads = self._threads()
        state = State(posted={t.fingerprint for t in threads}, threads=threads)
        for c in self.client.paginate(f"{self._repo}/issues/{self.t.number}/comments"):
            if is_summary(c.get("body") or ""):
                state.summary_id, state.summary_body = str(c["id"]), c["body"]
                break
        return state

    def _threads(self) -> list[Thread]:
        out: list[Thread] = []
        cursor: str | None = None
        while True:
            data = self._graphql(THREADS_QUERY, {"owner": self.t.owner, "name": self.t.name,
                                                 "number": self.t.number, "cursor": cursor})
            page = data["repository"]["pullRequest"]["reviewThreads"]
            for node in page["nodes"]:
                comments = node["comments"]["nodes"]
                fp = fingerprint_in(comments[0]["body"]) if comments else None
                if fp is not None:
                    out.append(Thread(fp, node.get("path") or "", bool(node["isResolved"]),
                                      node["id"], str(comments[0]["databaseId"]),
                                      any(FIXED_MARKER in (c["body"] or "") for c in comments)))
            if not page["pageInfo"]["hasNextPage"]:
                return out
            cursor = page["pageInfo"]["endCursor"]

    def _graphql(self, query: str, variables: dict[str, Any]) -> Any:
        resp = self.client.request("POST", self.t.graphql,
                                   {"query": query, "variables": variables},
                                   writes=query.lstrip().startswith("mutation"))
        body = resp.body if isinstance(resp.body, dict) else {}
        if body.get("errors"):
            first = body["errors"][0]
            raise HttpError("POST", self.t.graphql, 403 if first.get("type") == "FORBIDDEN"
                            else 422, str(first.get("message")), body)
        return body.get("data") or {}

    # --- writing ---------------------------------------------------------------------
    def post(self, plan: Plan, state: State) -> list[str]:
        """Carry out the plan; returns what was done, one line each."""
        if not self.token:
            raise ReadOnly("no GITHUB_TOKEN")
        done: list[str] = []
        summary = plan.summary
        try:
            if plan.comments:
                self._review(plan)
                done.append(f"posted a review with {len(plan.comments)} comment(s)")
        except HttpError as err:
            self._raise_if_read_only(err)
            if err.status != 422:
                raise
            done.append(f"GitHub refused the review ({err.message}); the findings are in the "
                        "summary")
            summary += ("\n\nThe inline comments could not be posted: GitHub refused the "
                        f"review ({err.message}).")
        done += self._resolve(plan, state)
        done.append(self._upsert_summary(summary, state))
        return done

    def _review(self, plan: Plan) -> None:
        body = (f"cfglint found {len(plan.comments)} new finding(s) on lines this change "
                "touches; the summary comment lists everything.")
        self.client.request("POST", f"{self._repo}/pulls/{self.t.number}/reviews", {
            "commit_id": plan.head, "event": "COMMENT", "body": body,
            "comments": [review_comment(c) for c in plan.comments]})

    def _resolve(self, plan: Plan, state: State) -> list[str]:
        done: list[str] = []
        refused = 0
        for thread in state.threads:
            if thread.fingerprint not in plan.resolve or thread.resolved:
                continue
            try:
                if not thread.replied:
                    self.client.request(
                        "POST", f"{self._repo}/pulls/{self.t.number}/comments/"
                        f"{thread.comment_id}/replies",
                        {"body": f"Fixed in {plan.head[:12]}: cfglint no longer finds this. "
                                 f"{FIXED_MARKER}"})
                self._graphql(RESOLVE_MUTATION, {"id": thread.thread_id})
                done.append(f"resolved the thread of {thread.fingerprint[:12]} ({thread.path})")
            except HttpError as err:
                if err.status != 403:
                    raise
                refused += 1
        if refused:
            done.append(f"could not resolve {refused} thread(s) of fixed findings: GitHub "
                        "resolves review threads only for tokens with `contents: write`; "
                        "they carry a \"fixed in\" reply instead")
        return done

    def _upsert_summary(self, summary: str, state: State) -> str:
        try:
            if state.summary_id is None:
                self.client.request("POST", f"{self._repo}/issues/{self.t.number}/comments",
                                    {"body": summary})
                return "posted the summary comment"
            if state.summary_body == summary:
                return "the summary comment is up to date"
            self.client.request("PATCH", f"{self._repo}/issues/comments/{state.summary_id}",
                                {"body": summary})
            return "updated the summary comment"
        except HttpError as err:
            self._raise_if_read_only(err)
            raise

    @staticmethod
    def _raise_if_read_only(err: HttpError) -> None:
        if err.status == 403:
            raise ReadOnly(f"HTTP 403: {err.message}") from None


def review_comment(c: Comment) -> dict[str, Any]:
    """A draft review comment: ``start_line`` only when it precedes ``line``."""
    item: dict[str, Any] = {"path": c.path, "line": c.line, "side": c.side, "body": c.body}
    if c.start_line is not None and c.start_line < c.line:
        item["start_line"] = c.start_line
        item["start_side"] = c.side
    return item
