"""What a review comment says: the finding, why it is on this line, and the fix.

Every comment ends with a hidden marker holding the finding's fingerprint; the next
run reads markers to post nothing twice and to resolve what was fixed. Markdown is the
subset GitHub and GitLab both render.
"""

from __future__ import annotations

import re

from cfglint.findings import Finding
from cfglint.review.anchor import Anchor
from cfglint.review.classify import Tracked
from cfglint.review.suggest import apply_command, fence, patch, replacement, suggestion_block
from cfglint.source.document import format_path

FP_MARKER = "<!-- cfglint:fp={} -->"
SUMMARY_MARKER = "<!-- cfglint:summary -->"
_FP = re.compile(r"<!-- cfglint:fp=([0-9a-f]{32}(?::\d+)?) -->")

ICONS = {"error": "🛑", "warning": "⚠️", "info": "ℹ️"}
SAFETY_NOTES = {
    "safe": "safe: nothing else about the run changes",
    "unsafe": "unsafe: it changes how the run trains",
    "suggest": "a suggestion: cfglint never applies it by itself",
}


def fingerprint_in(body: str) -> str | None:
    """The fingerprint a comment body carries, if cfglint wrote it: the last marker, the
    one cfglint appends (a config value quoted in the message cannot stand in for it)."""
    found = _FP.findall(body or "")
    return str(found[-1]) if found else None


def is_summary(body: str) -> bool:
    """cfglint's summary starts with its marker (a message may quote the marker)."""
    return (body or "").startswith(SUMMARY_MARKER)


def headline(f: Finding) -> str:
    return f"{ICONS.get(f.severity, '')} **{f.code}** `{f.name}` ({f.severity})".strip()


def comment_body(t: Tracked, where: Anchor, suggestion: str | None) -> str:
    """The comment for a new finding anchored at ``where``; ``suggestion`` is the
    replacement of the anchored lines when the fix is offered as one."""
    f = t.finding
    parts = [headline(f), "", one_line(f.message)]
    if where.via is not None:
        parts += ["", _why_here(t, where)]
    if f.related:
        parts += ["", "Same cause, also reported by:"]
        parts += [f"- **{r.code}** `{r.name}` (line {r.line}): {one_line(r.message)}"
                  for r in f.related]
    if f.fix is not None and f.fix.edits:
        parts += ["", _fix_text(t, suggestion)]
    parts += ["", f"<sub>`cfglint rule {f.code}` explains this rule.</sub>",
              FP_MARKER.format(t.fingerprint)]
    return "\n".join(parts)


def planned_suggestion(t: Tracked, where: Anchor, unsafe: bool) -> str | None:
    """The anchored lines' replacement when the fix may be a suggestion there."""
    if where.via is not None:
        return None
    return replacement(t.side.doc, t.finding, where.start_line, where.line, unsafe)


def _why_here(t: Tracked, where: Anchor) -> str:
    f = t.finding
    own = f"`{f.key_text}`" if f.key else "this file"
    via = format_path(where.via or ())
    return (f"> The finding is on {own} (line {f.line}), which this change does not touch; "
            f"the change to `{via}` on this line is what makes it true.")


def _fix_text(t: Tracked, suggestion: str | None) -> str:
    f = t.finding
    assert f.fix is not None
    head = f"**Fix** ({SAFETY_NOTES[f.fix.safety]}): {one_line(f.fix.message)}"
    if suggestion is not None:
        return f"{head}\n\n{suggestion_block(suggestion)}"
    diff = patch(t.side.doc, f, t.path)
    command = apply_command(f, t.path)
    how = (f"`{command}` applies it, with the file's other fixes of this kind."
           if command else "Apply the patch by hand (`git apply`) if it is what you want.")
    marks = fence(diff)
    return (f"{head}\n\n<details><summary>Patch</summary>\n\n{marks}diff\n{diff.rstrip()}\n"
            f"{marks}\n\n</details>\n\n{how}")


def one_line(text: str) -> str:
    return " ".join(text.split())
