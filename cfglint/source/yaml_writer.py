"""YAML values and keys rendered in the file's own style, and entries inserted with the
indentation of their siblings (block or flow mappings)."""

from __future__ import annotations

import json
import re
from typing import Any

from cfglint.findings import Edit
from cfglint.source.document import Document, Mapping, Scalar, resolve_alias
from cfglint.source.writing import EditError, float_text, indent_of, last_line_end
from cfglint.source.yaml_dialect import resolve_plain

_YAML_PLAIN_SAFE = re.compile(r"^[A-Za-z_./][A-Za-z0-9_./+-]*$")


def render(value: Any, like: Scalar | None = None) -> str:
    if isinstance(value, bool):
        text = "true" if value else "false"
        if like is not None and like.style == "plain" and like.raw[:1].isupper():
            text = text.capitalize() if like.raw[1:2].islower() else text.upper()
        return text
    if value is None:
        if like is not None and like.style == "plain" and like.raw in ("~", "Null", "NULL", ""):
            return like.raw or "null"
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = float_text(value)
        return {"nan": ".nan", "inf": ".inf", "-inf": "-.inf"}.get(text, text)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(render(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{render_plain_key(str(k))}: {render(v)}"
                               for k, v in value.items()) + "}"
    text = str(value)
    style = like.style if like is not None else "plain"
    if style == "single" and "\n" not in text:
        return "'" + text.replace("'", "''") + "'"
    if style == "double" or style in ("literal", "folded"):
        return json.dumps(text, ensure_ascii=False)
    if (_YAML_PLAIN_SAFE.match(text) and resolve_plain(text, "yaml11") == text
            and resolve_plain(text, "yaml12") == text):
        return text
    return json.dumps(text, ensure_ascii=False)


def render_plain_key(key: str) -> str:
    if _YAML_PLAIN_SAFE.match(key) and resolve_plain(key, "yaml11") == key:
        return key
    return json.dumps(key, ensure_ascii=False)




def render_key(key: str, like: Scalar | None = None) -> str:
    if like is not None and like.style in ("single", "double"):
        return render(key, like)
    return render_plain_key(key)


def insert_key(doc: Document, mapping: Mapping, key: str, value: Any) -> Edit:
    """Insert ``key: value`` as the last entry of ``mapping`` in the file's style."""
    nl = doc.newline
    text = doc.text
    rendered = f"{render_plain_key(key)}: {render(value)}"
    if mapping.flow:
        close = mapping.span.end - 1
        sep = ", " if mapping.entries else ""
        return Edit(close, close, sep + rendered)
    if not mapping.entries:
        raise EditError("cannot insert into an empty block mapping")
    indent = indent_of(doc, mapping.entries[0].key.span.start)
    first_key = mapping.entries[0].key.span.start
    line_start = text.rfind("\n", 0, first_key) + 1
    if text[line_start:first_key].strip(" \t") not in ("",):
        # first key shares its line with a '- ' sequence indicator
        indent = " " * (first_key - line_start)
    tail = resolve_alias(mapping.entries[-1].value)
    if (isinstance(tail, Scalar) and tail.style in ("literal", "folded")
            and not text[: tail.span.end].endswith("\n")):
        # a block scalar ending the file without a line break would gain one (its value
        # changes): put the new key on its own line before that last entry instead
        key_start = mapping.entries[-1].key.span.start
        line_start = text.rfind("\n", 0, key_start) + 1
        if text[line_start:key_start].strip():
            raise EditError("cannot insert before an entry that shares its line")
        return Edit(line_start, line_start, indent + rendered + nl)
    pos = last_line_end(doc, mapping.span.end)
    return Edit(pos, pos, nl + indent + rendered)
