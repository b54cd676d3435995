"""A fake of the GitHub API endpoints ``cfglint review --post github`` uses: reviews,
review-comment replies, issue comments and GraphQL review threads (query and
``resolveReviewThread``). Each review request is validated against GitHub's published
request schema when ../shared/specs holds it, and against the pull request's diff."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fake_forge import READ_ONLY_TOKEN, FakeServer, Reply, Request, diff_lines, page

SPECS = Path(__file__).resolve().parents[2] / "shared" / "specs"
REVIEW_SCHEMA = SPECS / "github-pr-review-request.schema.json"
PAGE = 2  # small pages, so cfglint's pagination is exercised
OWNER, NAME, NUMBER = "octo", "configs", 7


def review_request_validator() -> Any:
    """The request schema of pulls/create-review, or None when ../shared is absent."""
    if not REVIEW_SCHEMA.is_file():
        return None
    import jsonschema

    doc = json.loads(REVIEW_SCHEMA.read_text(encoding="utf-8"))
    pointer = doc["x-source"]["request_schema_pointers"]["pulls/create-review"]
    node: Any = doc
    for part in pointer.lstrip("/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return jsonschema.Draft4Validator(node)


@dataclass
class ThreadRecord:
    id: str
    path: str
    line: int
    commit: str
    comments: list[dict[str, Any]] = field(default_factory=list)
    resolved: bool = False


class FakeGitHub(FakeServer):
    def __init__(self, repo: Path) -> None:
        super().__init__()
        self.repo = repo
        self.base = self.head = ""
        self.threads: list[ThreadRecord] = []
        self.issue_comments: list[dict[str, Any]] = []
        self.reviews: list[dict[str, Any]] = []
        self.schema_errors: list[str] = []
        self.validator = review_request_validator()
        self.can_resolve = True
        self._ids = 100
        pr = rf"/repos/{OWNER}/{NAME}"
        self.route("GET", rf"{pr}/pulls/{NUMBER}", self._pull)
        self.route("POST", rf"{pr}/pulls/{NUMBER}/reviews", self._review)
        self.route("POST", rf"{pr}/pulls/{NUMBER}/comments/(\d+)/replies", self._reply)
        self.route("GET", rf"{pr}/issues/{NUMBER}/comments", self._list_issue_comments)
        self.route("POST", rf"{pr}/issues/{NUMBER}/comments", self._add_issue_comment)
        self.route("PATCH", rf"{pr}/issues/comments/(\d+)", self._edit_issue_comment)
        self.route("POST", r"/graphql", self._graphql)

    def push(self, base: str, head: str) -> None:
        """The pull request now compares ``base``...``head`` (a push, rebase or force-push)."""
        self.base, self.head = base, head
        self._commentable = diff_lines(self.repo, base, head, context=3)

    def env(self, token: str = "write-token") -> dict[str, str]:
        return {"GITHUB_API_URL": self.url, "GITHUB_GRAPHQL_URL": self.url + "/graphql",
                "GITHUB_REPOSITORY": f"{OWNER}/{NAME}", "GITHUB_TOKEN": token}

    def _next(self) -> int:
        self._ids += 1
        return self._ids

    def _denied(self, req: Request) -> Reply | None:
        if req.headers.get("authorization") == f"Bearer {READ_ONLY_TOKEN}":
            return Reply(403, {"message": "Resource not accessible by integration",
                               "documentation_url": "https://docs.github.com/rest"})
        return None

    def _pull(self, req: Request) -> Reply:
        return Reply(200, {"number": NUMBER, "head": {"sha": self.head},
                           "base": {"sha": self.base}})

    # --- reviews -----------------------------------------------------------------------
    def _review(self, req: Request) -> Reply:
        denied = self._denied(req)
        if denied:
            return denied
        body = req.body or {}
        if self.validator is not None:
            self.schema_errors += [e.message for e in self.validator.iter_errors(body)]
        problem = self._check_review(body)
        if problem:
            return Reply(422, {"message": "Unprocessable Entity", "errors": [problem],
                               "documentation_url": "https://docs.github.com/rest/pulls/reviews"})
        review = {"id": self._next(), "body": body.get("body"), "commit_id": body["commit_id"],
                  "comments": body.get("comments", [])}
        self.reviews.append(review)
        for c in body.get("comments", []):
            cid = self._next()
            self.threads.append(ThreadRecord(f"PRRT_{cid}", c["path"], c["line"],
                                             body["commit_id"],
                                             [{"databaseId": cid, "body": c["body"]}]))
        return Reply(200, {"id": review["id"], "state": "COMMENTED"})

    def _check_review(self, body: dict[str, Any]) -> str | None:
        """What GitHub's own validation refuses (the schema does not say it)."""
        if body.get("event") in ("COMMENT", "REQUEST_CHANGES") and not body.get("body"):
            return "Body is required for this event"
        if body.get("commit_id") != self.head:
            return "commit_id is not the head of the pull request"
        for c in body.get("comments", []):
            lines = self._commentable.get(c["path"])
            if lines is None:
                return "Pull request review thread path is invalid"
            if c.get("side", "RIGHT") != "RIGHT" or c["line"] not in lines:
                return "Pull request review thread line must be part of the diff"
            start = c.get("start_line")
            if start is not None:
                if start >= c["line"]:
                    return "Pull request review thread start line must precede the end line."
                if not set(range(start, c["line"] + 1)) <= lines:
                    return ("Pull request review thread start line must be part of the same "
                            "hunk as the line.")
        return None

    def _reply(self, req: Request, comment_id: str) -> Reply:
        denied = self._denied(req)
        if denied:
            return denied
        for t in self.threads:
            if t.comments[0]["databaseId"] == int(comment_id):
                t.comments.append({"databaseId": self._next(), "body": req.body["body"]})
                return Reply(201, {"id": t.comments[-1]["databaseId"]})
        return Reply(404, {"message": "Not Found"})

    # --- issue comments ------------------------------------------------------------------
    def _list_issue_comments(self, req: Request) -> Reply:
        chunk, nxt = page(self.issue_comments, req, PAGE)
        headers = {}
        if nxt:
            headers["Link"] = (f'<{self.url}{req.path}?per_page=100&page={nxt}>; rel="next"')
        return Reply(200, chunk, headers)

    def _add_issue_comment(self, req: Request) -> Reply:
        denied = self._denied(req)
        if denied:
            return denied
        comment = {"id": self._next(), "body": req.body["body"]}
        self.issue_comments.append(comment)
        return Reply(201, comment)

    def _edit_issue_comment(self, req: Request, comment_id: str) -> Reply:
        denied = self._denied(req)
        if denied:
            return denied
        for c in self.issue_comments:
            if c["id"] == int(comment_id):
                c["body"] = req.body["body"]
                return Reply(200, c)
        return Reply(404, {"message": "Not Found"})

    # --- GraphQL -------------------------------------------------------------------------
    def _graphql(self, req: Request) -> Reply:
        query = req.body["query"]
        variables = req.body.get("variables") or {}
        if "resolveReviewThread" in query:
            if self._denied(req) or not self.can_resolve:
                return Reply(200, {"data": {"resolveReviewThread": None}, "errors": [
                    {"type": "FORBIDDEN", "message": "Resource not accessible by integration"}]})
            for t in self.threads:
                if t.id == variables["id"]:
                    t.resolved = True
                    return Reply(200, {"data": {"resolveReviewThread": {
                        "thread": {"id": t.id, "isResolved": True}}}})
            return Reply(200, {"errors": [{"type": "NOT_FOUND", "message": "no thread"}]})
        if "reviewThreads" in query:
            start = int(variables.get("cursor") or 0)
            chunk = self.threads[start:start + PAGE]
            more = start + PAGE < len(self.threads)
            nodes = [{"id": t.id, "isResolved": t.resolved, "isOutdated": t.commit != self.head,
                      "path": t.path, "comments": {"nodes": t.comments}} for t in chunk]
            return Reply(200, {"data": {"repository": {"pullRequest": {"reviewThreads": {
                "pageInfo": {"hasNextPage": more, "endCursor": str(start + PAGE)},
                "nodes": nodes}}}}})
        return Reply(200, {"errors": [{"type": "UNKNOWN", "message": "unsupported query"}]})

    # --- what tests look at --------------------------------------------------------------
    def summaries(self) -> list[dict[str, Any]]:
        return [c for c in self.issue_comments if "<!-- cfglint:summary -->" in c["body"]]

    def fingerprints(self) -> list[str]:
        import re

        return [m.group(1) for t in self.threads
                if (m := re.search(r"cfglint:fp=([0-9a-f:]+)", t.comments[0]["body"]))]
