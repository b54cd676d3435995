"""TOML values and keys rendered in the file's own style, and keys inserted after their
table's last plain key (or as a dotted key for a table only named by deeper headers)."""

from __future__ import annotations

import json
import re
from typing import Any

from cfglint.findings import Edit
from cfglint.source.document import Document, Entry, Mapping, Scalar, Sequence, resolve_alias
from cfglint.source.writing import EditError, float_text, indent_of, last_line_end, line_end

_TOML_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def render(value: Any, like: Scalar | None = None) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return float_text(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(render(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{render_bare_key(str(k))} = {render(v)}"
                                for k, v in value.items()) + " }"
    if value is None:
        raise EditError("TOML has no null value")
    text = str(value)
    if like is not None and like.raw.startswith("'") and "'" not in text and "\n" not in text:
        return "'" + text + "'"
    return json.dumps(text, ensure_ascii=False)


def render_bare_key(key: str) -> str:
    return key if _TOML_BARE_KEY.match(key) else json.dumps(key, ensure_ascii=False)




def render_key(key: str, like: Scalar | None = None) -> str:
    if like is not None and like.raw[:1] in "\"'":
        return like.raw[0] + key + like.raw[0] if like.raw[0] not in key else json.dumps(key)
    return render_bare_key(key)


def insert_key(doc: Document, mapping: Mapping, key: str, value: Any) -> Edit:
    """Insert ``key = value`` into ``mapping`` in the file's style."""
    return _insertion(doc, mapping, f"{render_bare_key(key)} = {render(value)}")


def move_entry(doc: Document, entry: Entry, source: Mapping, target: Mapping) -> list[Edit]:
    """Move a ``key = value`` line of ``source``, with a comment after it, into the table
    ``target``: its line goes, and the same text (key, value and comment as written) is
    inserted there."""
    text = doc.text
    if source.flow or target.flow:
        raise EditError("inline tables are edited by hand")
    start = text.rfind("\n", 0, entry.key.span.start) + 1
    end = line_end(text, entry.value.span.end)
    after = text[entry.value.span.end:end].strip()
    if text[start:entry.key.span.start].strip() or (after and not after.startswith("#")):
        raise EditError("the key shares its line with other text")
    moved = text[entry.key.span.start:end]
    if "\n" in moved:
        raise EditError("multi-line values are moved by hand")
    removal = Edit(start, min(len(text), end + len(doc.newline)), "")
    insertion = _insertion(doc, target, moved)
    if removal.start < insertion.start < removal.end:
        raise EditError("the target table is on the moved line")
    return [removal, insertion]


def _insertion(doc: Document, mapping: Mapping, rendered: str) -> Edit:
    """Where ``rendered`` (one ``key = value`` line) goes in ``mapping``, in the file's style."""
    nl = doc.newline
    text = doc.text
    if mapping.flow:
        close = mapping.span.end - 1
        sep = ", " if mapping.entries else " "
        return Edit(close, close, sep + rendered + " ")
    plain = [e for e in mapping.entries
             if not (isinstance(resolve_alias(e.value), Mapping | Sequence)
                     and not getattr(resolve_alias(e.value), "flow", True))]
    if plain:
        indent = indent_of(doc, plain[0].key.span.start)
        pos = last_line_end(doc, plain[-1].value.span.end)
        return Edit(pos, pos, nl + indent + rendered)
    if mapping.header is not None:
        pos = line_end(text, mapping.header.end)
        return Edit(pos, pos, nl + rendered)
    if mapping.path:
        # an implicit table (only ever named by deeper headers): a dotted key at the root
        if not all(isinstance(p, str) for p in mapping.path):
            raise EditError("cannot address this implicit table")
        dotted = ".".join(render_bare_key(str(p)) for p in mapping.path)
        rendered = f"{dotted}.{rendered}"
        root = resolve_alias(doc.root)
        assert isinstance(root, Mapping)
        mapping = root
    # root table without plain keys: insert before the first table header
    first_key = min((e.key.span.start for e in mapping.entries), default=len(text))
    header_start = text.rfind("\n", 0, first_key) + 1
    if mapping.entries:
        return Edit(header_start, header_start, rendered + nl + nl)
    if text and not text.endswith("\n"):
        return Edit(len(text), len(text), nl + rendered + nl)
    return Edit(len(text), len(text), rendered + nl)
