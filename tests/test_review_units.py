"""The small parts of ``cfglint review``: diff parsing, rate-limit waits, the refined plan,
suggestion fences, GitLab's suggestion form, fingerprint numbering."""

from __future__ import annotations

import urllib.request
from datetime import datetime, timezone
from email.utils import format_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cfglint.edit import apply_edits
from cfglint.findings import Edit, Fix, make_finding
from cfglint.fingerprint import numbered
from cfglint.review.body import fingerprint_in, is_summary
from cfglint.review.git import Hunk, _path, parse_diff
from cfglint.review.gitlab import gitlab_body
from cfglint.review.http import Client, HttpError, Response
from cfglint.review.plan import Comment, Plan
from cfglint.review.state import State, Thread, refine
from cfglint.review.suggest import fence, replacement
from cfglint.source.document import Span
from cfglint.source.read import parse_text

DIFF = b"""diff --git a/a.yml b/a.yml
index 1..2 100644
--- a/a.yml
+++ b/a.yml
@@ -3 +3 @@ x
-old
+new
@@ -9,2 +8,0 @@ y
-gone
-gone
@@ -20,0 +19,3 @@
+one
+two
+three
diff --git "a/we\\"ird \\303\\251.toml" "b/we\\"ird \\303\\251.toml"
--- "a/we\\"ird \\303\\251.toml"
+++ "b/we\\"ird \\303\\251.toml"
@@ -1 +1 @@
-a
+b
diff --git a/deleted.yml b/deleted.yml
--- a/deleted.yml
+++ /dev/null
@@ -1 +0,0 @@
-x
"""


def test_a_zero_context_diff_gives_the_added_lines_per_head_path() -> None:
    files = parse_diff(DIFF)
    assert set(files) == {"a.yml", 'we"ird é.toml'}
    assert files["a.yml"].hunks == [Hunk(3, 3), Hunk(19, 21)]
    assert files["a.yml"].hunk_of(20) == 1 and not files["a.yml"].changed(8)


def _c_quote(path: str) -> str:
    out = []
    for byte in path.encode("utf-8"):
        ch = chr(byte)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif byte < 0x20 or byte >= 0x7f:
            out.append(f"\\{byte:03o}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30))
def test_git_quoted_paths_read_back_exactly(path: str) -> None:
    assert _path(_c_quote(path).encode("utf-8")) == path


def _client(responses: list[Response], sleeps: list[float], now: float = 1000.0) -> Client:
    def transport(request: urllib.request.Request, timeout: float) -> Response:
        return responses.pop(0)

    return Client("http://example.invalid", {}, sleep=sleeps.append, clock=lambda: now,
                  transport=transport, log=lambda m: None)


def test_retry_after_may_be_an_http_date() -> None:
    sleeps: list[float] = []
    when = format_datetime(datetime.fromtimestamp(1030, tz=timezone.utc), usegmt=True)
    client = _client([Response(429, {"retry-after": when}, None), Response(200, {}, [])],
                     sleeps)
    client.get("/x")
    assert sleeps == [30.0]


def test_server_errors_are_retried_briefly_and_other_errors_not_at_all() -> None:
    sleeps: list[float] = []
    client = _client([Response(502, {}, None), Response(200, {}, {"ok": 1})], sleeps)
    assert client.get("/x") == {"ok": 1} and sleeps == [1.0]
    client = _client([Response(404, {}, {"message": "Not Found"})], sleeps)
    with pytest.raises(HttpError, match="HTTP 404: Not Found"):
        client.get("/x")


def test_a_wait_longer_than_the_limit_is_an_error_not_a_hang() -> None:
    sleeps: list[float] = []
    client = _client([Response(403, {"x-ratelimit-remaining": "0",
                                     "x-ratelimit-reset": "999999"}, {"message": "limit"})],
                     sleeps)
    with pytest.raises(HttpError, match="longer than cfglint waits"):
        client.get("/x")
    assert sleeps == []


def _plan(comments: int, resolve: list[str] | None = None) -> Plan:
    items = [Comment("a.yml", i + 1, None, f"body {i}", f"{i:032x}", "CFG705")
             for i in range(comments)]
    return Plan("b" * 40, "h" * 40, comments, 0, 0, items, resolve or [], "summary",
                present=frozenset(c.fingerprint for c in items), linted=frozenset({"a.yml"}))


def test_refine_skips_what_was_posted_caps_the_rest_and_resolves_what_is_gone() -> None:
    state = State(posted={f"{0:032x}", "f" * 32},
                  threads=[Thread(f"{0:032x}", "a.yml", False, "T0", "1"),
                           Thread("f" * 32, "a.yml", False, "T1", "2"),
                           Thread("e" * 32, "other.yml", False, "T2", "3"),
                           Thread("d" * 32, "a.yml", True, "T3", "4")])
    refined = refine(_plan(5), state, max_comments=3)
    assert [c.line for c in refined.comments] == [2, 3, 4]
    assert "1 more new finding(s)" in refined.summary
    assert refined.resolve == ["f" * 32]  # gone, open, on a linted path


def test_a_plan_read_back_from_json_resolves_only_what_it_lists() -> None:
    plan = Plan.loads(_plan(1, resolve=["f" * 32]).dumps())
    state = State(threads=[Thread("f" * 32, "a.yml", False, "T", "1"),
                           Thread("e" * 32, "a.yml", False, "U", "2")])
    assert refine(plan, state, 30).resolve == ["f" * 32]
    assert plan.comments[0].to_json() == _plan(1).comments[0].to_json()


def test_markers_quoted_in_a_message_do_not_stand_in_for_cfglints_own() -> None:
    spoof = f"value `<!-- cfglint:fp={'a' * 32} -->` <!-- cfglint:summary -->"
    body = f"headline\n\n{spoof}\n<!-- cfglint:fp={'b' * 32} -->"
    assert fingerprint_in(body) == "b" * 32
    assert not is_summary(body) and is_summary("<!-- cfglint:summary -->\n### cfglint")


def test_a_fence_is_longer_than_any_backtick_run_that_starts_a_line() -> None:
    assert fence("a: 1") == "```"
    assert fence("x\n````\ny") == "`````"


def test_gitlab_counts_the_lines_a_suggestion_replaces_above_its_line() -> None:
    c = Comment("a.yml", 7, 5, "text\n```suggestion\nx\n```\n", "0" * 32, "CFG1")
    assert "```suggestion:-2+0\nx\n```" in gitlab_body(c)


@given(st.lists(st.text(alphabet="abc: -", max_size=8), min_size=1, max_size=6),
       st.data())
def test_a_one_line_suggestion_replaces_its_line_as_the_edit_would(lines: list[str],
                                                                    data: st.DataObject) -> None:
    text = "\n".join(f"k{i}: {v}" for i, v in enumerate(lines)) + "\n"
    doc = parse_text("x.yml", text, "yaml")
    line = data.draw(st.integers(1, len(lines)))
    span = doc.line_span(line)
    start = data.draw(st.integers(span.start, span.end))
    end = data.draw(st.integers(start, span.end))
    edit = Edit(start, end, data.draw(st.text(alphabet="xyz", min_size=1, max_size=4)))
    f = make_finding(doc, "CFG705", "n", "error", "m", "generic", Span(start, end),
                     fix=Fix("safe", "t", [edit]))
    new = replacement(doc, f, line, line, unsafe=False)
    assert new is not None
    lines_after = text.split("\n")
    lines_after[line - 1:line] = new.split("\n")
    assert "\n".join(lines_after) == apply_edits(text, [edit])


@given(st.lists(st.sampled_from(["a" * 32, "b" * 32, "c" * 32]), max_size=12))
def test_numbered_fingerprints_are_unique_and_keep_first_occurrences(digests: list[str]) -> None:
    out = numbered(digests)
    assert len(set(out)) == len(out)
    assert [o.split(":")[0] for o in out] == digests
