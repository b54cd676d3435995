"""A fix as a GitHub/GitLab suggestion, or as a patch with the command that applies it.

A suggestion replaces whole lines, the lines the comment sits on. So a fix becomes one
only when cfglint would apply it (safe, or unsafe with ``--unsafe-fixes``), and the lines
its edits touch are exactly the comment's lines; anything else is shown as a patch.
"""

from __future__ import annotations

import re

from cfglint.edit import apply_edits
from cfglint.findings import Edit, Finding
from cfglint.fix import allowed, unified_diff
from cfglint.source.document import Document

_FENCE_RUN = re.compile(r"^(`{3,})", re.MULTILINE)


def edit_lines(doc: Document, edits: list[Edit]) -> tuple[int, int]:
    """First and last line the edits touch (an edit ending at a line break ends there)."""
    lo = min(e.start for e in edits)
    hi = max(e.end for e in edits)
    last = hi - 1 if hi > lo and doc.text[hi - 1: hi] == "\n" else hi
    return doc.line_col(lo)[0], doc.line_col(last)[0]


def replacement(doc: Document, f: Finding, start_line: int, line: int,
                unsafe: bool) -> str | None:
    """The new text of lines start_line..line when the fix is a valid suggestion there."""
    if f.fix is None or not allowed(f.fix, unsafe):
        return None
    if edit_lines(doc, f.fix.edits) != (start_line, line):
        return None
    lo, hi = doc.line_span(start_line).start, doc.line_span(line).end
    if any(e.start < lo or e.end > hi for e in f.fix.edits):
        return None  # an edit reaches into the line break or past it
    region = doc.text[lo:hi]
    shifted = [Edit(e.start - lo, e.end - lo, e.content) for e in f.fix.edits]
    new = apply_edits(region, shifted)
    return new.replace("\r\n", "\n")


def fence(text: str) -> str:
    """Three backticks, or one more than the longest run that starts a line of ``text``."""
    longest = max((len(m.group(1)) for m in _FENCE_RUN.finditer(text)), default=2)
    return "`" * max(3, longest + 1)


def suggestion_block(text: str, lines_above: int | None = None) -> str:
    """A ```suggestion block; GitLab counts the lines it replaces above the comment."""
    tag = "suggestion" if lines_above is None else f"suggestion:-{lines_above}+0"
    marks = fence(text)
    return f"{marks}{tag}\n{text}\n{marks}"


def patch(doc: Document, f: Finding, path: str) -> str:
    """The fix alone as a unified diff of the file (paths a/ and b/ as git writes them)."""
    assert f.fix is not None
    return unified_diff(path, doc.text, apply_edits(doc.text, list(f.fix.edits)))


def apply_command(f: Finding, path: str) -> str | None:
    """The cfglint command that applies this fix, or None when cfglint never applies it."""
    if f.fix is None:
        return None
    if f.fix.safety == "safe":
        return f"cfglint --fix {_quote(path)}"
    if f.fix.safety == "unsafe":
        return f"cfglint --fix --unsafe-fixes {_quote(path)}"
    return None


def _quote(path: str) -> str:
    import shlex

    return shlex.quote(path)
