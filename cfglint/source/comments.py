"""Find ``#`` comments given the spans of every scalar.

A ``#`` starts a comment in YAML and TOML when it is outside every scalar and
(for YAML) at the start of a line or after whitespace. Knowing the scalar spans
makes this exact without re-implementing either scanner.
"""

from __future__ import annotations

import bisect
import re

from cfglint.source.document import Comment, Span

_HASH = re.compile(r"(?:(?<=^)|(?<=[ \t]))#", re.MULTILINE)
_ANY_HASH = re.compile(r"#")


def hash_comments(text: str, scalar_spans: list[Span], need_space: bool = True) -> list[Comment]:
    spans = sorted((s.start, s.end) for s in scalar_spans)
    starts = [s for s, _ in spans]
    comments: list[Comment] = []
    pattern = _HASH if need_space else _ANY_HASH
    pos = 0
    while True:
        m = pattern.search(text, pos)
        if not m:
            break
        i = m.start()
        k = bisect.bisect_right(starts, i) - 1
        if k >= 0 and spans[k][0] <= i < spans[k][1]:
            pos = spans[k][1]
            continue
        end = text.find("\n", i)
        if end == -1:
            end = len(text)
        if end > i and text[end - 1] == "\r":
            end -= 1
        line_start = text.rfind("\n", 0, i) + 1
        own_line = text[line_start:i].strip() == ""
        comments.append(Comment(Span(i, end), text[i + 1 : end], own_line))
        pos = end
    return comments
