"""The review as data: what to comment, what to resolve, and the
summary. ``--dry-run --format json`` prints it; a poster carries it out, and a plan saved
by an untrusted job can be posted later by a trusted one (``--plan FILE``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Comment:
    """One inline comment; ``start_line`` is set only for a multi-line comment."""

    path: str
    line: int
    start_line: int | None
    body: str
    fingerprint: str
    code: str
    side: str = "RIGHT"
    # not in the contract: the finding's severity and message (annotations when the token
    # may not comment), and the path at base (GitLab positions on renamed files)
    severity: str = "warning"
    message: str = ""
    old_path: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "start_line": self.start_line,
                "side": self.side, "body": self.body, "fingerprint": self.fingerprint,
                "code": self.code}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Comment:
        body = str(data["body"])
        lines = body.split("\n")
        return cls(path=str(data["path"]), line=int(data["line"]),
                   start_line=None if data.get("start_line") is None else int(data["start_line"]),
                   body=body, fingerprint=str(data["fingerprint"]), code=str(data["code"]),
                   side=str(data.get("side") or "RIGHT"),
                   message=lines[2] if len(lines) > 2 else "")  # body: headline, blank, message


@dataclass
class Plan:
    """What a review will do, before it posts anything (--plan output)."""

    base: str
    head: str
    new: int
    fixed: int
    existing: int
    comments: list[Comment]
    resolve: list[str]
    summary: str
    # fingerprints of every finding at head in ``linted`` paths: a thread on one of those
    # paths whose fingerprint is not here was fixed. None for a plan read from JSON.
    present: frozenset[str] | None = None
    linted: frozenset[str] = field(default_factory=frozenset)
    failing: int = 0  # new findings at or above the fail level (the exit code)

    def to_json(self) -> dict[str, Any]:
        return {"base": self.base, "head": self.head, "new": self.new, "fixed": self.fixed,
                "existing": self.existing, "comments": [c.to_json() for c in self.comments],
                "resolve": list(self.resolve), "summary": self.summary}

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def loads(cls, text: str) -> Plan:
        data = json.loads(text)
        missing = {"base", "head", "new", "fixed", "existing", "comments", "resolve",
                   "summary"} - set(data)
        if missing:
            raise ValueError(f"not a review plan: no {', '.join(sorted(missing))}")
        return cls(base=str(data["base"]), head=str(data["head"]), new=int(data["new"]),
                   fixed=int(data["fixed"]), existing=int(data["existing"]),
                   comments=[Comment.from_json(c) for c in data["comments"]],
                   resolve=[str(r) for r in data["resolve"]], summary=str(data["summary"]))
