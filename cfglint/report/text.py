"""Human output in the shape ruff users know: a location line, a code frame, a fix hint.

Code frames expand tabs and count East Asian wide characters as two cells so that
the ``^~~~`` marker sits under the value on any terminal; control characters
from a config never reach the terminal raw.
"""

from __future__ import annotations

import unicodedata
from collections import Counter

from cfglint.engine.catalog import Rule
from cfglint.findings import FileResult, Finding
from cfglint.report.common import RenderOptions, clean, ordered, plural
from cfglint.source.document import Document

TAB_SIZE = 4
# the characters of a long line a code frame shows, from this many before the finding on
MAX_SHOWN = 160
_SHOWN_BEFORE = 60

_RESET = "\x1b[0m"
_BOLD = "1"
_SEVERITY_STYLE = {"error": "1;31", "warning": "1;33", "info": "1;36"}
_GUTTER = "34"
_FIX = "32"


def _paint(text: str, style: str, color: bool) -> str:
    return f"\x1b[{style}m{text}{_RESET}" if color and text else text


def _width(text: str) -> int:
    """Terminal cells ``text`` takes: wide characters two, combining marks none."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _display(line: str) -> str:
    return clean(line.expandtabs(TAB_SIZE))


def headline(result: FileResult, f: Finding, color: bool) -> str:
    """``path:line:col: CODE [severity] message`` (the --quiet form)."""
    where = _paint(f"{result.path}:{f.line}:{f.column}:", _BOLD, color)
    sev_style = _SEVERITY_STYLE.get(f.severity, _BOLD)
    code = _paint(f.code, sev_style, color)
    sev = _paint(f"[{f.severity}]", sev_style, color)
    message = clean(f.message).replace("\n", " ")
    return f"{where} {code} {sev} {message}"


def _window(line: str, start: int) -> tuple[int, int]:
    """The part of a line a frame shows: all of it, or for a long line (minified JSON is
    one line of megabytes) MAX_SHOWN characters around ``start``."""
    if len(line) <= MAX_SHOWN:
        return 0, len(line)
    lo = max(0, min(start - _SHOWN_BEFORE, len(line) - MAX_SHOWN))
    return lo, lo + MAX_SHOWN


def _clipped(line: str, lo: int, hi: int) -> str:
    """``line[lo:hi]``, with an ellipsis where the line goes on."""
    return ("…" if lo > 0 else "") + line[lo:hi] + ("…" if hi < len(line) else "")


def code_frame(doc: Document, f: Finding, color: bool) -> list[str]:
    """The finding's line and one line before it, with a marker under the span."""
    if not doc.text or not 1 <= f.line <= doc.line_count:
        return []
    first = max(1, f.line - 1)
    gutter_w = len(str(f.line))
    bar = _paint(" " * gutter_w + " |", _GUTTER, color)
    out = [bar]
    raw = doc.line_text(f.line)
    start = min(max(f.column - 1, 0), len(raw))
    lo, hi = _window(raw, start)
    for n in range(first, f.line + 1):
        line = raw if n == f.line else doc.line_text(n)
        if len(line) > MAX_SHOWN:  # the same columns as the finding's line
            line = _clipped(line, lo, min(hi, len(line)))
        text = _display(line).rstrip()
        num = _paint(f"{n:>{gutter_w}} |", _GUTTER, color)
        out.append(f"{num} {text}" if text else num)
    end = min(f.end_column - 1, len(raw)) if f.end_line == f.line else len(raw)
    end = min(max(end, start), hi)
    shown = _clipped(raw, lo, hi)[:start - lo + (lo > 0)]  # what is left of the span
    pad = _width(shown.expandtabs(TAB_SIZE))
    length = max(1, _width((shown + raw[start:end]).expandtabs(TAB_SIZE)) - pad)
    marker = _paint("^" + "~" * (length - 1), _SEVERITY_STYLE.get(f.severity, _BOLD), color)
    out.append(f"{bar} {' ' * pad}{marker}")
    return out


def _finding_block(result: FileResult, f: Finding, options: RenderOptions) -> list[str]:
    lines = [headline(result, f, options.color)]
    lines += code_frame(result.doc, f, options.color)
    if f.fix is not None and options.show_fixes:
        hint = clean(f.fix.message).replace("\n", " ")
        lines.append(_paint(f"  fix ({f.fix.safety}): {hint}", _FIX, options.color))
    for r in f.related:
        lines.append(f"  also {r.code} (line {r.line}): {clean(r.message)}")
    return lines


def summary_lines(results: list[FileResult], pairs: list[tuple[FileResult, Finding]]) -> list[str]:
    fixed = sum(r.fixes_applied for r in results)
    if not pairs:
        return ([f"Fixed {plural(fixed, 'finding')}."] if fixed else []) + ["All checks passed!"]
    sev = Counter(f.severity for _, f in pairs)
    files = len({r.path for r, _ in pairs})
    out = [f"Found {plural(len(pairs), 'finding')} ({plural(sev['error'], 'error')}, "
           f"{plural(sev['warning'], 'warning')}, {sev['info']} info) "
           f"in {plural(files, 'file')}."]
    if fixed:
        out.append(f"Fixed {plural(fixed, 'finding')}.")
    safe = sum(1 for _, f in pairs if f.fix is not None and f.fix.safety == "safe")
    unsafe = sum(1 for _, f in pairs if f.fix is not None and f.fix.safety == "unsafe")
    if safe and unsafe:
        out.append(f"{safe} fixable with --fix ({unsafe} more with --unsafe-fixes).")
    elif safe:
        out.append(f"{safe} fixable with --fix.")
    elif unsafe:
        out.append(f"{unsafe} fixable with --fix --unsafe-fixes.")
    return out


def render(results: list[FileResult], rules: dict[str, Rule], options: RenderOptions) -> str:
    """All findings, then a summary (``--quiet``: one line per finding, no summary)."""
    pairs = ordered(results)
    lines: list[str] = []
    if options.quiet:
        lines = [headline(r, f, options.color) for r, f in pairs]
    else:
        for r, f in pairs:
            lines += _finding_block(r, f, options)
            lines.append("")
        lines += summary_lines(results, pairs)
    return "".join(line + "\n" for line in lines)
