"""A small JSON-over-HTTPS client (standard library only) that is polite to rate limits.

* ``Retry-After`` is honoured; a spent quota (``X-RateLimit-Remaining: 0``, or GitLab's
  ``RateLimit-*``) waits until its reset time; a secondary limit without either header
  waits a minute, doubling on each retry, as GitHub's documentation asks.
* Requests that create content are spaced (``write_interval``, one second by default),
  which keeps a run under GitHub's content-creation limit (80 a minute).
* ``sleep`` and ``clock`` are injected, so tests never wait.
"""

from __future__ import annotations

import json
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
_NEXT = re.compile(r'<([^>]+)>;\s*rel="next"')
SECONDARY = ("secondary rate limit", "abuse detection", "exceeded a secondary")


class HttpError(RuntimeError):
    def __init__(self, method: str, url: str, status: int, message: str,
                 body: Any = None) -> None:
        super().__init__(f"{method} {url}: HTTP {status}: {message}")
        self.status = status
        self.message = message
        self.body = body


@dataclass
class Response:
    """An HTTP response, decoded: what the review clients need of it."""

    status: int
    headers: dict[str, str]  # names lower-cased
    body: Any


Transport = Callable[[urllib.request.Request, float], Response]


def urllib_transport(request: urllib.request.Request, timeout: float) -> Response:
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            return Response(resp.status, _headers(resp.headers.items()), _decode(resp.read()))
    except urllib.error.HTTPError as err:
        return Response(err.code, _headers(err.headers.items()), _decode(err.read()))


def _headers(items: Any) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in items}


def _decode(data: bytes) -> Any:
    if not data:
        return None
    try:
        return json.loads(data)
    except ValueError:
        return data.decode("utf-8", "replace")


@dataclass
class Client:
    """A small HTTP client for review APIs, with retries and rate-limit waits."""

    base_url: str
    headers: dict[str, str]
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time
    transport: Transport = urllib_transport
    write_interval: float = 1.0
    max_wait: float = 900.0
    attempts: int = 6
    timeout: float = 30.0
    log: Callable[[str], None] = field(default=lambda m: print(m, file=sys.stderr))
    _last_write: float | None = None

    def url(self, path: str, params: dict[str, Any] | None = None) -> str:
        url = path if path.startswith(("http://", "https://")) else self.base_url.rstrip("/") + path
        if params:
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode(params)
        return url

    def request(self, method: str, path: str, body: Any = None,
                params: dict[str, Any] | None = None, writes: bool | None = None) -> Response:
        """``writes``: whether the request creates content (paced); by default every
        method but GET (a GraphQL query is a POST that only reads)."""
        url = self.url(path, params)
        data = None if body is None else json.dumps(body).encode("utf-8")
        writes = method in WRITE_METHODS if writes is None else writes
        for attempt in range(self.attempts):
            if writes:
                self._pace()
            req = urllib.request.Request(url, data=data, method=method,
                                         headers={**self.headers, "Accept": "application/json",
                                                  **({"Content-Type": "application/json"}
                                                     if data is not None else {})})
            try:
                resp = self.transport(req, self.timeout)
            except (urllib.error.URLError, OSError) as err:
                if attempt + 1 >= self.attempts:
                    raise HttpError(method, url, 0, f"network error: {err}") from None
                self.sleep(2.0 ** attempt)
                continue
            if 200 <= resp.status < 300:
                return resp
            wait = self.wait_for(resp, attempt)
            if wait is None or attempt + 1 >= self.attempts:
                raise HttpError(method, url, resp.status, message_of(resp.body), resp.body)
            if wait > self.max_wait:
                raise HttpError(method, url, resp.status,
                                f"rate limited for {wait:.0f} s, longer than cfglint waits",
                                resp.body)
            self.log(f"cfglint: HTTP {resp.status} from {urllib.parse.urlsplit(url).path}: "
                     f"waiting {wait:.0f} s before retrying")
            self.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def wait_for(self, resp: Response, attempt: int) -> float | None:
        """Seconds to wait before retrying, or None when retrying cannot help."""
        h = resp.headers
        limited = resp.status == 429 or (resp.status == 403 and (
            "retry-after" in h or h.get("x-ratelimit-remaining") == "0"
            or any(s in message_of(resp.body).lower() for s in SECONDARY)))
        if limited:
            if "retry-after" in h:
                return _seconds(h["retry-after"], self.clock())
            reset = h.get("x-ratelimit-reset") or h.get("ratelimit-reset")
            remaining = h.get("x-ratelimit-remaining") or h.get("ratelimit-remaining")
            if reset and remaining == "0":
                return max(0.0, float(reset) - self.clock()) + 1.0
            return 60.0 * 2.0 ** attempt
        if resp.status in (500, 502, 503, 504) and attempt < 2:
            return 2.0 ** attempt
        return None

    def _pace(self) -> None:
        now = self.clock()
        if self._last_write is not None and now - self._last_write < self.write_interval:
            self.sleep(self.write_interval - (now - self._last_write))
            now = self.clock()
        self._last_write = now

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.request("GET", path, params=params).body

    def paginate(self, path: str, params: dict[str, Any] | None = None,
                 limit: int = 50) -> list[Any]:
        """Every item of a list endpoint, following ``Link: rel=next`` (GitHub) or
        ``X-Next-Page`` (GitLab), at most ``limit`` pages."""
        items: list[Any] = []
        url: str | None = self.url(path, {"per_page": 100, **(params or {})})
        for _ in range(limit):
            if url is None:
                break
            resp = self.request("GET", url)
            items += resp.body if isinstance(resp.body, list) else []
            url = _next_url(resp, url)
        return items


def _next_url(resp: Response, url: str) -> str | None:
    m = _NEXT.search(resp.headers.get("link", ""))
    if m:
        return m.group(1)
    page = resp.headers.get("x-next-page", "")
    if page:
        parts = urllib.parse.urlsplit(url)
        query = dict(urllib.parse.parse_qsl(parts.query))
        query["page"] = page
        return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))
    return None


def _seconds(value: str, now: float) -> float:
    """A Retry-After value: seconds, or an HTTP date."""
    try:
        return max(0.0, float(value))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - now)
        except (TypeError, ValueError):
            return 60.0


def message_of(body: Any) -> str:
    if isinstance(body, dict):
        return str(body.get("message") or body.get("error") or body)
    return str(body or "")[:300]
