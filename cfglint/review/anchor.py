"""Where a new finding is commented: on a line the change touched, or nowhere.

1. Its own lines, where the change touched them (the changed part within one hunk).
2. Else the line of a key it depends on that the change touched: raising
   ``max_train_steps`` makes an unchanged warmup line wrong, so the comment sits on
   ``max_train_steps`` and names the warmup key.
3. Else no inline comment: the finding is listed in the summary ("hold the line").
"""

from __future__ import annotations

from dataclasses import dataclass

from cfglint.review.classify import Tracked
from cfglint.review.git import FileDiff
from cfglint.source.document import KeyPath


@dataclass(frozen=True)
class Anchor:
    """The lines a review comment is attached to."""

    start_line: int
    line: int  # the last line (GitHub's ``line`` of a multi-line comment)
    via: KeyPath | None = None  # the changed key it depends on, when not on its own lines


def anchor(t: Tracked, diff: FileDiff | None) -> Anchor | None:
    if diff is None or not diff.hunks:
        return None
    f = t.finding
    own = _changed_part(diff, f.line, max(f.end_line, f.line))
    if own is not None:
        return Anchor(*own)
    for key in f.depends_on:
        lines = t.side.key_lines.get(key)
        if lines is None:
            continue
        part = _changed_part(diff, *lines)
        if part is not None:
            return Anchor(part[0], part[0], key)  # one line: the key's own
    return None


def _changed_part(diff: FileDiff, first: int, last: int) -> tuple[int, int] | None:
    """The first run of changed lines within first..last that one hunk holds."""
    for line in range(first, last + 1):
        hunk = diff.hunk_of(line)
        if hunk is not None:
            end = min(last, diff.hunks[hunk].end)
            return line, end
    return None
