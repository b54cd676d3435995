"""Shared machinery of the fixer exerciser: edit values and insert keys, then check
that only the intended key changed and every other byte stayed put."""

from __future__ import annotations

import math
from typing import Any

from cfglint.edit import EditError, apply_edits, insert_key, replace_value
from cfglint.findings import Edit
from cfglint.fix import _diff_paths
from cfglint.source.document import Document, KeyPath, Mapping, Scalar, to_python
from cfglint.source.read import parse_text


def other_value(s: Scalar) -> Any | None:
    """Another value of the same type, or None when the scalar is not exercised."""
    v = s.value
    if s.style in ("literal", "folded", "datetime") or s.tag not in (None,):
        return None
    if isinstance(v, bool):
        return not v
    if isinstance(v, int):
        return v + 1
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            return None
        return v * 2 + 1 if v != -1.0 else 0.5  # -1.0 is the fixed point of 2v + 1
    if isinstance(v, str):
        return v + "_x"
    return None


def value_edit(doc: Document, s: Scalar) -> Edit | None:
    new = other_value(s)
    if new is None:
        return None
    try:
        return replace_value(doc, s, new)
    except EditError:
        return None


def check_edits(doc: Document, edits: list[tuple[KeyPath, Edit]]) -> Document:
    """Apply edits; assert bytes outside them are unchanged, the text re-parses, and the
    parsed tree changed exactly at the edited paths."""
    new_text = apply_edits(doc.text, [e for _, e in edits])
    # bytes outside the edits are unchanged
    pos_old = 0
    pos_new = 0
    for _, e in sorted(edits, key=lambda pe: pe[1].start):
        gap = e.start - pos_old
        assert new_text[pos_new : pos_new + gap] == doc.text[pos_old : e.start]
        pos_new += gap + len(e.content)
        pos_old = e.end
    assert new_text[pos_new:] == doc.text[pos_old:]
    after = parse_text(doc.path, new_text, doc.format)
    assert not after.problems, (doc.path, after.problems[0].message, edits[:3])
    changed = set(_diff_paths(to_python(doc.root), to_python(after.root)))
    expected = {p for p, _ in edits}
    assert changed == expected, (doc.path, sorted(changed ^ expected, key=str)[:5])
    return after


def insertable(doc: Document) -> list[Mapping]:
    out = []
    for node in doc.walk():
        if isinstance(node, Mapping) and node.entries and "cfglint_new_key" not in node.keys():
            out.append(node)
    return out


def insert_edit(doc: Document, mp: Mapping) -> tuple[KeyPath, Edit] | None:
    try:
        return (*mp.path, "cfglint_new_key"), insert_key(doc, mp, "cfglint_new_key", 7)
    except EditError:
        return None
