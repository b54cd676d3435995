"""A smaller fake of the GitLab merge-request API that ``cfglint review --post gitlab``
uses: the merge request's diff refs, discussions (list, create on a diff line, reply,
resolve) and notes (the summary). Positions outside the diff are refused with 400."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fake_forge import READ_ONLY_TOKEN, FakeServer, Reply, Request, diff_lines, page

PROJECT, IID = "42", 3
PAGE = 2


class FakeGitLab(FakeServer):
    def __init__(self, repo: Path) -> None:
        super().__init__()
        self.repo = repo
        self.base = self.head = ""
        self.discussions: list[dict[str, Any]] = []
        self._ids = 500
        mr = rf"/api/v4/projects/{PROJECT}/merge_requests/{IID}"
        self.route("GET", mr, self._mr)
        self.route("GET", rf"{mr}/discussions", self._list)
        self.route("POST", rf"{mr}/discussions", self._discuss)
        self.route("POST", rf"{mr}/discussions/(\w+)/notes", self._reply)
        self.route("PUT", rf"{mr}/discussions/(\w+)", self._resolve)
        self.route("POST", rf"{mr}/notes", self._note)
        self.route("PUT", rf"{mr}/notes/(\d+)", self._edit_note)

    def push(self, base: str, head: str) -> None:
        self.base, self.head = base, head
        self._added = diff_lines(self.repo, base, head, context=0)

    def env(self, token: str = "write-token") -> dict[str, str]:
        return {"CI_API_V4_URL": self.url + "/api/v4", "CI_PROJECT_ID": PROJECT,
                "CI_MERGE_REQUEST_IID": str(IID), "GITLAB_TOKEN": token}

    def _next(self) -> int:
        self._ids += 1
        return self._ids

    def _denied(self, req: Request) -> Reply | None:
        if req.headers.get("private-token") == READ_ONLY_TOKEN:
            return Reply(403, {"message": "403 Forbidden"})
        return None

    def _mr(self, req: Request) -> Reply:
        return Reply(200, {"iid": IID, "diff_refs": {"base_sha": self.base,
                                                     "start_sha": self.base,
                                                     "head_sha": self.head}})

    def _list(self, req: Request) -> Reply:
        chunk, nxt = page(self.discussions, req, PAGE)
        return Reply(200, chunk, {"X-Next-Page": str(nxt) if nxt else ""})

    def _discuss(self, req: Request) -> Reply:
        denied = self._denied(req)
        if denied:
            return denied
        pos = req.body["position"]
        if (pos.get("head_sha") != self.head or pos.get("position_type") != "text"
                or pos["new_line"] not in self._added.get(pos["new_path"], set())):
            return Reply(400, {"message": "400 Bad request - Note {:line_code=>[\"can't be "
                                          "blank\", \"must be a valid line code\"]}"})
        note = {"id": self._next(), "body": req.body["body"], "resolvable": True,
                "resolved": False, "position": pos}
        discussion = {"id": f"d{note['id']}", "individual_note": False, "notes": [note]}
        self.discussions.append(discussion)
        return Reply(201, discussion)

    def _find(self, discussion_id: str) -> dict[str, Any] | None:
        return next((d for d in self.discussions if d["id"] == discussion_id), None)

    def _reply(self, req: Request, discussion_id: str) -> Reply:
        d = self._find(discussion_id)
        if d is None:
            return Reply(404, {"message": "404 Not found"})
        d["notes"].append({"id": self._next(), "body": req.body["body"], "resolvable": True,
                           "resolved": False})
        return Reply(201, d["notes"][-1])

    def _resolve(self, req: Request, discussion_id: str) -> Reply:
        d = self._find(discussion_id)
        if d is None:
            return Reply(404, {"message": "404 Not found"})
        for n in d["notes"]:
            n["resolved"] = req.query.get("resolved") == "true"
        return Reply(200, d)

    def _note(self, req: Request) -> Reply:
        denied = self._denied(req)
        if denied:
            return denied
        note = {"id": self._next(), "body": req.body["body"], "resolvable": False}
        self.discussions.append({"id": f"d{note['id']}", "individual_note": True,
                                 "notes": [note]})
        return Reply(201, note)

    def _edit_note(self, req: Request, note_id: str) -> Reply:
        for d in self.discussions:
            for n in d["notes"]:
                if n["id"] == int(note_id):
                    n["body"] = req.body["body"]
                    return Reply(200, n)
        return Reply(404, {"message": "404 Not found"})

    # --- what tests look at --------------------------------------------------------------
    def threads(self) -> list[dict[str, Any]]:
        return [d for d in self.discussions if not d["individual_note"]]

    def summaries(self) -> list[dict[str, Any]]:
        return [d["notes"][0] for d in self.discussions
                if "<!-- cfglint:summary -->" in d["notes"][0]["body"]]

    def fingerprints(self) -> list[str]:
        return [m.group(1) for d in self.threads()
                if (m := re.search(r"cfglint:fp=([0-9a-f:]+)", d["notes"][0]["body"]))]
