"""Find ``#`` comments given the spans of every scalar.

A ``#`` starts a comment in YAML and TOML when it is outside every scalar and
(for YAML) at the start of a line or after whitespace. Knowing the scalar spans
makes this exact without re-implementing either scanner.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable

from cfglint.source.document import Comment, Span

_ANY_HASH = re.compile(r"#")


def hash_comments(text: str, scalar_spans: Callable[[], Iterable[Span]],
                  need_space: bool = True) -> list[Comment]:
    """The comments of ``text``. ``scalar_spans`` gives the (disjoint) spans of its
    scalars; it is called only when the text has a ``#`` at all, and its spans are
    streamed, not kept (a large file has a million scalars and few ``#``)."""
    hashes = [m.start() for m in _ANY_HASH.finditer(text)]  # a literal: found at memory speed
    if need_space:  # at the start of a line or after a blank
        hashes = [i for i in hashes if i == 0 or text[i - 1] in " \t\n"]
    if not hashes:
        return []
    quoted = bytearray(len(hashes))  # 1 where a '#' is inside a scalar
    for span in scalar_spans():
        k = bisect.bisect_left(hashes, span.start)
        while k < len(hashes) and hashes[k] < span.end:
            quoted[k] = 1
            k += 1
    comments: list[Comment] = []
    line_end = -1  # a comment runs to the end of its line
    for k, i in enumerate(hashes):
        if quoted[k] or i < line_end:
            continue
        end = text.find("\n", i)
        if end == -1:
            end = len(text)
        line_end = end
        if end > i and text[end - 1] == "\r":
            end -= 1
        line_start = text.rfind("\n", 0, i) + 1
        own_line = text[line_start:i].strip() == ""
        comments.append(Comment(Span(i, end), text[i + 1 : end], own_line))
    return comments
