"""JSON values rendered as JSON (floats keep Python's shortest repr), and keys inserted
after the last entry with its indentation, or inline when the object is on one line."""

from __future__ import annotations

import json
import math
from typing import Any

from cfglint.findings import Edit
from cfglint.source.document import Document, Mapping, Scalar
from cfglint.source.writing import indent_of


def render(value: Any, like: Scalar | None = None) -> str:
    if isinstance(value, float) and not math.isnan(value) and not math.isinf(value):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(render(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)




def render_key(key: str, like: Scalar | None = None) -> str:
    return json.dumps(key, ensure_ascii=False)


def insert_key(doc: Document, mapping: Mapping, key: str, value: Any) -> Edit:
    """Insert ``"key": value`` as the last entry of ``mapping``."""
    nl = doc.newline
    rendered = f"{json.dumps(key, ensure_ascii=False)}: {render(value)}"
    if not mapping.entries:
        open_brace = mapping.span.start + 1
        return Edit(open_brace, mapping.span.end - 1, rendered)
    last_entry = mapping.entries[-1]
    first_entry = mapping.entries[0]
    same_line = (doc.line_col(first_entry.key.span.start)[0]
                 == doc.line_col(mapping.span.start)[0])
    end = last_entry.value.span.end
    if same_line:
        return Edit(end, end, ", " + rendered)
    indent = indent_of(doc, last_entry.key.span.start)
    return Edit(end, end, "," + nl + indent + rendered)
