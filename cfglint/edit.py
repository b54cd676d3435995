"""Turn an intent ("set this key to that value") into Edits on the original text.

Nothing is re-serialised: a value is rendered in the file's own style (quote style,
``True`` vs ``true``, ``~`` vs ``null``), and a missing key is inserted with the
indentation and newline style of its siblings, so every byte outside the edit stays as
it was. The format-specific work is the writer's (``cfglint.source.formats``); this
module only decides where an edit goes.
"""

from __future__ import annotations

from typing import Any

from cfglint.findings import Edit
from cfglint.source.document import (
    Document,
    Entry,
    KeyPath,
    Mapping,
    Node,
    Scalar,
    resolve_alias,
)
from cfglint.source.formats import writer_for
from cfglint.source.writing import EditError

__all__ = ["EditError", "apply_edits", "insert_key", "move_entry", "rename_key", "render",
           "render_key", "replace_value", "set_path"]


def render(doc: Document, value: Any, like: Scalar | None = None) -> str:
    text: str = writer_for(doc.format).render(value, like)
    return text


def render_key(doc: Document, key: str, like: Scalar | None = None) -> str:
    text: str = writer_for(doc.format).render_key(key, like)
    return text


def replace_value(doc: Document, node: Node, value: Any) -> Edit:
    like = node if isinstance(node, Scalar) else None
    if like is not None and like.style in ("literal", "folded"):
        raise EditError("block scalars are replaced by hand")
    return Edit(node.span.start, node.span.end, render(doc, value, like))


def rename_key(doc: Document, key: Scalar, new: str) -> Edit:
    return Edit(key.span.start, key.span.end, render_key(doc, new, key))


def insert_key(doc: Document, mapping: Mapping, key: str, value: Any) -> Edit:
    """Insert ``key`` with ``value`` as the last entry of ``mapping`` in the file's style."""
    edit: Edit = writer_for(doc.format).insert_key(doc, mapping, key, value)
    return edit


def move_entry(doc: Document, entry: Entry, source: Mapping, target: Mapping) -> list[Edit]:
    """Move ``entry`` of ``source``, as written, into the mapping ``target`` (formats whose
    writer can: TOML)."""
    writer = writer_for(doc.format)
    if not hasattr(writer, "move_entry"):
        raise EditError(f"moving a key is not supported in {doc.format} files")
    edits: list[Edit] = writer.move_entry(doc, entry, source, target)
    return edits


def set_path(doc: Document, path: KeyPath, value: Any) -> Edit:
    """Set the value at ``path``: replace it where it exists, else insert the missing key
    into the deepest existing mapping (creating one nested level inline when needed)."""
    node = doc.find(path)
    if node is not None:
        return replace_value(doc, resolve_alias(node) or node, value)
    # find the deepest existing mapping ancestor
    for depth in range(len(path) - 1, -1, -1):
        parent = resolve_alias(doc.find(path[:depth]))
        if isinstance(parent, Mapping):
            rest = path[depth:]
            if not all(isinstance(p, str) for p in rest):
                break
            nested: Any = value
            for part in reversed(rest[1:]):
                nested = {part: nested}
            return insert_key(doc, parent, str(rest[0]), nested)
        if parent is not None:
            break
    raise EditError(f"cannot place {'.'.join(map(str, path))} in this file")


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Apply non-overlapping edits (sorted here); overlapping edits are a bug of the caller."""
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    out: list[str] = []
    pos = 0
    for e in ordered:
        if e.start < pos:
            raise EditError("overlapping edits")
        out.append(text[pos : e.start])
        out.append(e.content)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)
