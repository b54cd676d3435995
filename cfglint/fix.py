"""Apply fixes: non-overlapping edits, re-parse, re-lint, repeat to a fixpoint.

Each round is verified before it is kept (DESIGN §3.2): the text must parse,
the family must not change, and the trainer's view of the tree may differ from
the previous one only at the key paths the applied fixes declare. A fix that
fails verification is dropped, never written; ``cfglint.write`` writes the result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cfglint.edit import EditError, apply_edits
from cfglint.families import get_family
from cfglint.findings import SAFETY_RANK, FileResult, Finding, Fix
from cfglint.source.document import Document, ExpansionLimit, KeyPath
from cfglint.source.read import parse_text

MAX_ROUNDS = 10

Linter = Callable[[Document], FileResult]


@dataclass
class FixOutcome:
    text: str
    applied: int
    result: FileResult  # the lint result of the final text
    # rules whose fixes still applied after MAX_ROUNDS passes (the loop did not converge)
    unconverged: list[str] = field(default_factory=list)


def allowed(fix: Fix | None, unsafe: bool) -> bool:
    if fix is None or not fix.edits:
        return False
    return SAFETY_RANK[fix.safety] <= (1 if unsafe else 0)


def _view(doc: Document, family: str) -> Any:
    return get_family(family).view(doc)


def _diff_paths(a: Any, b: Any, path: KeyPath = ()) -> list[KeyPath]:
    if isinstance(a, dict) and isinstance(b, dict):
        out: list[KeyPath] = []
        for k in sorted(set(a) | set(b), key=str):
            if k not in a and isinstance(b[k], dict) and b[k]:
                # a mapping created by an insertion: report its leaves, so a fix that
                # declares ``a.b.c`` may create the missing ``a.b`` around it
                out += _diff_paths({}, b[k], (*path, str(k)))
            elif k not in a or k not in b:
                out.append((*path, str(k)))
            else:
                out += _diff_paths(a[k], b[k], (*path, str(k)))
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        out = []
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            out += _diff_paths(x, y, (*path, i))
        return out
    if a == b and type(a) is type(b):
        return []
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return []
    return [path]


def _covered(path: KeyPath, allowed_paths: list[KeyPath]) -> bool:
    return any(path[: len(p)] == p for p in allowed_paths)


def _choose(findings: list[Finding], unsafe: bool) -> list[Finding]:
    """Fixable findings whose edits do not overlap each other (first wins)."""
    chosen: list[Finding] = []
    taken: list[tuple[int, int]] = []
    for f in findings:
        if not allowed(f.fix, unsafe):
            continue
        assert f.fix is not None
        spans = [(e.start, e.end) for e in f.fix.edits]
        clash = any((s < te and ts < e) or (s == e == ts == te) for s, e in spans
                    for ts, te in taken)
        if clash:
            continue
        chosen.append(f)
        taken += spans
    return chosen


def verify(before: Document, after: Document, family: str, fixes: list[Fix],
           lint_family: str) -> str | None:
    """Why ``after`` must not be kept, or None when it is a faithful fix of ``before``."""
    if after.problems:
        return f"the fixed text does not parse: {after.problems[0].message}"
    if lint_family != family:
        return f"the fixed text is detected as {lint_family}, not {family}"
    try:
        old, new = _view(before, family), _view(after, family)
    except ExpansionLimit:
        return "the file expands past the alias budget"
    changed = _diff_paths(old, new)
    declared = [p for fix in fixes for p in fix.changes]
    stray = [p for p in changed if not _covered(p, declared)]
    if stray:
        return "the fix would change " + ", ".join(".".join(map(str, p)) for p in stray[:3])
    return None


def fix_text(doc: Document, lint: Linter, unsafe: bool = False) -> FixOutcome:
    """Fix ``doc`` to a fixpoint; returns the final text and its lint result."""
    result = lint(doc)
    family = result.family
    applied = 0
    current = doc
    rejected: set[tuple[str, str, int]] = set()
    unconverged: list[str] = []
    for round_no in range(MAX_ROUNDS + 1):
        candidates = [f for f in _choose(result.findings, unsafe)
                      if (f.code, f.key_text, f.span.start) not in rejected]
        if not candidates:
            break
        if round_no == MAX_ROUNDS:  # fixes still apply after the last pass: report, stop
            unconverged = sorted({f.code for f in candidates})
            break
        progress = False
        # try all together; on a verification failure fall back to one at a time
        for batch in ([candidates], [[c] for c in candidates]):
            for group in batch:
                fixes = [f.fix for f in group if f.fix is not None]
                try:
                    text = apply_edits(current.text, [e for fx in fixes for e in fx.edits])
                except EditError:
                    continue
                if text == current.text:
                    continue
                after = parse_text(current.path, text, current.format)
                after.bom = current.bom
                after_result = lint(after)
                reason = verify(current, after, family, fixes, after_result.family)
                if reason is None:
                    current, result = after, after_result
                    applied += len(group)
                    progress = True
                    # the other candidates' edits were made for the text before this fix:
                    # the next round lints again and tries them at their new places
                    break
                elif len(group) == 1:
                    f = group[0]
                    rejected.add((f.code, f.key_text, f.span.start))
            if progress:
                break
        if not progress:
            break
    result.fixes_applied = applied
    return FixOutcome(current.text, applied, result, unconverged)


def encode(text: str, bom: bool) -> bytes:
    data = text.encode("utf-8")
    return b"\xef\xbb\xbf" + data if bom else data


def unified_diff(path: str, before: str, after: str) -> str:
    import difflib

    if before == after:
        return ""
    lines = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                 fromfile=f"a/{path}", tofile=f"b/{path}")
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)
