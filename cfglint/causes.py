"""One root cause, one finding; one key, one suggestion.

Several rules may fire for one cause: an LR too high for 8-bit Adam is also outside the
effective-LR band and is also "alpha = rank at a high LR", and each rule suggests its own
LR. Findings are grouped by the key they are about (the key their fix edits, else their
own key). In a group, a rule that ``supersedes`` another (declared in its rule file)
keeps the finding and carries the other as a related note; the suggested values that
remain for one key are merged into one, the most conservative (the one that satisfies
every rule: the lowest when all lower the value, the highest when all raise it), and the
finding is placed on the line its fix edits, where a reviewer can apply it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from cfglint.engine.catalog import Rule
from cfglint.findings import SEVERITY_RANK, Edit, Finding, Fix, Related, make_finding
from cfglint.source.document import Document, KeyPath, Span


def one_per_cause(doc: Document, findings: list[Finding],
                  rules: dict[str, Rule]) -> list[Finding]:
    groups: dict[KeyPath, list[Finding]] = {}
    for f in findings:
        groups.setdefault(_target(f), []).append(f)
    out: list[Finding] = []
    for key, group in groups.items():
        if len(group) == 1 or not key:
            out += group
            continue
        out += _merged(doc, key, group, rules)
    return out


def _target(f: Finding) -> KeyPath:
    """The key a finding is about: the key its value-changing fix edits, else its own."""
    if f.fix is not None and f.fix.safety != "safe" and f.fix.changes:
        return tuple(f.fix.changes[0])
    return tuple(f.key)


def _merged(doc: Document, key: KeyPath, group: list[Finding],
            rules: dict[str, Rule]) -> list[Finding]:
    # how many findings of the group supersede each code (a group can be thousands of
    # findings of one key set again and again: nothing here compares them pairwise)
    superseding = Counter(c for g in group for c in set(_supersedes(g, rules)))
    kept = [f for f in group
            if superseding[f.code] - (f.code in _supersedes(f, rules)) <= 0]
    notes: dict[int, list[Related]] = {id(f): [] for f in kept}
    for f in group:
        if id(f) in notes:
            continue
        owner = next((k for k in kept if f.code in _supersedes(k, rules)), kept[0])
        notes[id(owner)].append(Related(f.code, f.name, f.message, f.line))
    kept = [_placed_on(doc, key, replace(f, related=(*f.related, *notes[id(f)])))
            if notes[id(f)] else f for f in kept]
    return _one_suggestion(doc, key, kept)


def _supersedes(f: Finding, rules: dict[str, Rule]) -> list[str]:
    rule = rules.get(f.code)
    return rule.supersedes if rule is not None else []


def _one_suggestion(doc: Document, key: KeyPath, kept: list[Finding]) -> list[Finding]:
    """Several value suggestions for one key become one, on the finding ranked first."""
    suggesting = [f for f in kept if _value_edit(f) is not None]
    if len(suggesting) < 2:
        return kept
    edits = [e for f in suggesting if (e := _value_edit(f)) is not None]
    if len({(e.start, e.end) for e in edits}) != 1:
        return kept
    current = _number(doc.text[edits[0].start:edits[0].end])
    values = [_number(e.content) for e in edits]
    if current is None or any(v is None for v in values):
        return kept
    nums = [v for v in values if v is not None]
    if all(v < current for v in nums):
        best = min(range(len(nums)), key=lambda i: nums[i])
    elif all(v > current for v in nums):
        best = max(range(len(nums)), key=lambda i: nums[i])
    else:
        return kept  # the rules disagree on the direction: leave each its own suggestion
    order = {id(f): i for i, f in enumerate(kept)}
    primary = max(suggesting, key=lambda f: (SEVERITY_RANK[f.severity], -order[id(f)]))
    chosen = suggesting[best].fix
    assert chosen is not None and primary.fix is not None
    fix = Fix(primary.fix.safety if chosen is primary.fix else chosen.safety,
              chosen.message, chosen.edits, chosen.changes)
    out = []
    suggested = {id(f) for f in suggesting}
    for f in kept:
        if f is primary:
            out.append(_placed_on(doc, key, replace(f, fix=fix)))
        elif id(f) in suggested:
            out.append(replace(f, fix=None))
        else:
            out.append(f)
    return out


def _value_edit(f: Finding) -> Edit | None:
    if f.fix is None or f.fix.safety == "safe" or len(f.fix.edits) != 1:
        return None
    return f.fix.edits[0]


def _number(text: str) -> float | None:
    try:
        return float(text.strip().strip("\"'"))
    except ValueError:
        return None


def _placed_on(doc: Document, key: KeyPath, f: Finding) -> Finding:
    """Move the finding to the entry its fix edits, so the suggestion sits on its line."""
    entry = doc.find_entry(key)
    if entry is None or tuple(f.key) == key or f.fix is None or f.fix.safety == "safe":
        return f
    span = Span(entry.key.span.start, entry.value.span.end)
    moved = make_finding(doc, f.code, f.name, f.severity, f.message, f.family, span, key, f.fix)
    others = tuple(dict.fromkeys(k for k in (tuple(f.key), *f.depends_on) if k and k != key))
    return replace(moved, url=f.url, related=f.related, depends_on=others)
