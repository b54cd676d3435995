"""Safe means the run is unchanged: a `safe` fix is checked against the facts it would give.

A fix declares the key paths it changes. After applying a safe fix to the text, the facts
are built again; when any fact other than those read from the declared keys (or derived
from them) comes out different — steps, epochs, schedule, warmup, batch, precision, EMA,
LR — the fix changes the run beyond what it says, and it is demoted to `unsafe` with a
note naming what would change. Fixes that are already unsafe or suggestions are left as
they are: only the promise of `safe` is checked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from cfglint.facts.model import Fact, Facts, Unknown
from cfglint.facts.names import RESTATED
from cfglint.findings import Finding, Fix
from cfglint.source.document import Document, KeyPath

# the facts stage for a document of the same file (cfglint.pipeline.build_facts, bound)
FactsOf = Callable[[Document], Facts]

# facts that hold a file's identity rather than a training value, and facts that only
# restate others for messages (those others are compared)
_IGNORED = frozenset({"dataset.config"}) | RESTATED
_SHOWN = 3


def check_safe_fixes(doc: Document, facts: Facts, facts_of: FactsOf,
                     findings: list[Finding]) -> list[Finding]:
    """The findings, with every safe fix that would change another fact made unsafe.

    The safe fixes are first tried together, as ``--fix`` applies them (two fixes of one
    value written twice only agree when both are made); only when the batch changes an
    undeclared fact is each fix judged alone.
    """
    safe = [f.fix for f in findings if f.fix is not None and f.fix.safety == "safe"
            and f.fix.edits]
    if not safe:
        return findings
    batch = Fix("safe", "", [e for fx in safe for e in fx.edits],
                [c for fx in safe for c in fx.changes])
    if len(safe) > 1 and not _changed_facts(doc, facts, facts_of, batch):
        return findings
    return [_checked(doc, facts, facts_of, f) for f in findings]


def _checked(doc: Document, facts: Facts, facts_of: FactsOf, finding: Finding) -> Finding:
    fix = finding.fix
    if fix is None or fix.safety != "safe" or not fix.edits:
        return finding
    changed = _changed_facts(doc, facts, facts_of, fix)
    if not changed:
        return finding
    note = "; ".join(changed[:_SHOWN]) + ("; …" if len(changed) > _SHOWN else "")
    demoted = Fix("unsafe", f"{fix.message} (not safe: it would also change {note})",
                  fix.edits, fix.changes)
    return replace(finding, fix=demoted)


def _changed_facts(doc: Document, before: Facts, facts_of: FactsOf, fix: Fix) -> list[str]:
    from cfglint.edit import EditError, apply_edits
    from cfglint.source.read import parse_text

    try:
        text = apply_edits(doc.text, fix.edits)
    except EditError:
        return ["the file (its edits overlap)"]
    after_doc = parse_text(doc.path, text, doc.format)
    if after_doc.problems or after_doc.root is None:
        return ["the file (it would no longer parse)"]
    after = facts_of(after_doc)
    out = []
    for name in sorted(set(before.items) | set(after.items)):
        old, new = before.get(name), after.get(name)
        if name in _IGNORED or _only_declared(old, new, fix.changes):
            continue
        if not _same(old, new):
            out.append(f"{name} ({_show(old)} → {_show(new)})")
    return out


def _only_declared(old: Fact | None, new: Fact | None, changes: list[KeyPath]) -> bool:
    """Before and after, the fact is read from (or derived from) keys the fix says it
    changes: it is the declared change, not a side effect."""
    return all(f is None or _declared(f, changes) for f in (old, new)) and (
        old is not None or new is not None)


def _declared(fact: Fact, changes: list[KeyPath]) -> bool:
    if not fact.key:
        return False
    key = tuple(fact.key)
    return any(key[: len(c)] == tuple(c) or tuple(c)[: len(key)] == key for c in changes)


def _value(fact: Fact | None) -> Any:
    if fact is None:
        return None
    return ("unknown",) if isinstance(fact.value, Unknown) else fact.value


def _same(a: Fact | None, b: Fact | None) -> bool:
    va, vb = _value(a), _value(b)
    return bool(va == vb and type(va) is type(vb))


def _show(fact: Fact | None) -> str:
    if fact is None:
        return "unset"
    if isinstance(fact.value, Unknown):
        return "unknown"
    return repr(fact.value) if isinstance(fact.value, str) else f"{fact.value}"
