"""A threaded HTTP server on 127.0.0.1 and what the GitHub and GitLab fakes share:
routing, recorded requests, injected failures, and the lines a diff lets one comment on.

The fakes keep their state across runs (a pull request lives as long as the fixture) and
answer like the real services where cfglint depends on it: pagination, 403 for a
read-only token, 422/400 for a comment outside the diff, 429 and secondary limits.
"""

from __future__ import annotations

import json
import re
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

READ_ONLY_TOKEN = "read-only-token"


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


@dataclass
class Fault:
    method: str
    pattern: str
    reply: Reply
    times: int = 1


Route = tuple[str, re.Pattern[str], Callable[..., Reply]]


class FakeServer:
    """Routes ``(method, regex) → handler(request, *groups)``; faults answer first."""

    def __init__(self) -> None:
        self.routes: list[Route] = []
        self.requests: list[Request] = []
        self.faults: list[Fault] = []
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                req = Request(self.command, parts.path, dict(parse_qsl(parts.query)),
                              {k.lower(): v for k, v in self.headers.items()},
                              json.loads(raw) if raw else None)
                with fake.lock:
                    reply = fake.dispatch(req)
                data = b"" if reply.body is None else json.dumps(reply.body).encode()
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def route(self, method: str, pattern: str, handler: Callable[..., Reply]) -> None:
        self.routes.append((method, re.compile(pattern + "$"), handler))

    def fail(self, method: str, pattern: str, reply: Reply, times: int = 1) -> None:
        self.faults.append(Fault(method, pattern, reply, times))

    def dispatch(self, req: Request) -> Reply:
        self.requests.append(req)
        for fault in self.faults:
            if fault.times and fault.method == req.method and re.search(fault.pattern,
                                                                        req.path):
                fault.times -= 1
                return fault.reply
        for method, pattern, handler in self.routes:
            m = pattern.match(req.path)
            if m and method == req.method:
                return handler(req, *m.groups())
        return Reply(404, {"message": "Not Found"})

    def writes(self) -> list[Request]:
        return [r for r in self.requests if r.method != "GET" and not _is_query(r)]


def _is_query(req: Request) -> bool:
    """A GraphQL request that only reads."""
    return req.path.endswith("/graphql") and "mutation" not in str((req.body or {}).get("query"))


_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


def diff_lines(repo: Path, base: str, head: str, context: int) -> dict[str, set[int]]:
    """Head-side lines of each file that a diff with ``context`` lines shows (added lines
    and, with context, the unchanged lines around them), by head path."""
    out = subprocess.run(["git", "-C", str(repo), "diff", f"-U{context}", "-M", base, head],
                         capture_output=True, text=True, check=True).stdout
    lines: dict[str, set[int]] = {}
    path = ""
    for line in out.splitlines():
        if line.startswith("+++ "):
            path = line[6:] if line.startswith("+++ b/") else ""
            lines.setdefault(path, set())
        m = _HUNK.match(line)
        if m and path:
            start, count = int(m.group(1)), int(m.group(2) or 1)
            lines[path].update(range(start, start + count))
    return lines


def page(items: list[Any], req: Request, size: int) -> tuple[list[Any], int | None]:
    """One page of ``items`` (1-based ``page`` query) and the next page number."""
    number = int(req.query.get("page", "1"))
    chunk = items[(number - 1) * size: number * size]
    return chunk, (number + 1 if number * size < len(items) else None)
