"""Apply fixes: non-overlapping edits, re-parse, re-lint, repeat to a fixpoint.

Each round is verified before it is kept: the text must parse,
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

# passes that fix again a key a pass has fixed before, after which the loop is reported as
# not converging; a pass that fixes only keys not fixed yet does not count (fixes that move
# keys to one place each take a pass of their own), up to ruff's own limit of 100 passes
MAX_ROUNDS = 10
MAX_PASSES = 100

Linter = Callable[[Document], FileResult]


@dataclass
class FixOutcome:
    """What the fix loop ends with: the fixed text and the findings left on it."""

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


@dataclass
class _Fixing:
    """The state of one fix loop: the current text, its lint result, what was applied
    and which fixes failed verification (never tried again)."""

    current: Document
    result: FileResult
    lint: Linter
    unsafe: bool
    applied: int = 0
    rejected: set[tuple[str, str, int]] = field(default_factory=set)
    fixed: set[tuple[str, str]] = field(default_factory=set)  # (code, key) fixed so far
    again: bool = False  # this pass fixed a key a pass had fixed before

    def candidates(self) -> list[Finding]:
        return [f for f in _choose(self.result.findings, self.unsafe)
                if (f.code, f.key_text, f.span.start) not in self.rejected]

    def attempt(self, group: list[Finding]) -> bool:
        """Apply ``group`` together if it verifies; a lone fix that fails is rejected."""
        fixes = [f.fix for f in group if f.fix is not None]
        try:
            text = apply_edits(self.current.text, [e for fx in fixes for e in fx.edits])
        except EditError:
            return False
        if text == self.current.text:
            return False
        after = parse_text(self.current.path, text, self.current.format)
        after.bom = self.current.bom
        after_result = self.lint(after)
        reason = verify(self.current, after, self.result.family, fixes, after_result.family)
        if reason is None:
            self.current, self.result = after, after_result
            self.applied += len(group)
            done = {(f.code, f.key_text) for f in group}
            self.again = self.again or bool(done & self.fixed)
            self.fixed |= done
            return True
        if len(group) == 1:
            f = group[0]
            self.rejected.add((f.code, f.key_text, f.span.start))
        return False

    def one_at_a_time(self, budget: int) -> bool:
        """After a failed batch: one fix at a time, re-linting after each, so every fix is
        tried with edits made for the text as it then is (at most ``budget`` fixes)."""
        progress = False
        for _ in range(budget):
            if not any(self.attempt([f]) for f in self.candidates()):
                break
            progress = True
        return progress


def fix_text(doc: Document, lint: Linter, unsafe: bool = False) -> FixOutcome:
    """Fix ``doc`` to a fixpoint; returns the final text and its lint result. Each round
    tries every fix together; when that fails verification, one at a time."""
    state = _Fixing(doc, lint(doc), lint, unsafe)
    unconverged: list[str] = []
    again = 0  # passes that fixed a key fixed before
    for _ in range(MAX_PASSES):
        candidates = state.candidates()
        if not candidates:
            break
        if again == MAX_ROUNDS:  # fixes still apply to keys fixed again and again: stop
            unconverged = sorted({f.code for f in candidates})
            break
        state.again = False
        if not (state.attempt(candidates) or state.one_at_a_time(len(candidates))):
            break
        again += state.again
    else:
        unconverged = sorted({f.code for f in state.candidates()})
    state.result.fixes_applied = state.applied
    return FixOutcome(state.current.text, state.applied, state.result, unconverged)


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
