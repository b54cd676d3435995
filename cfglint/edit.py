"""Turn an intent ("set this key to that value") into Edits on the original text.

Nothing is re-serialised: a value is rendered in the file's own style (quote
style, ``True`` vs ``true``, ``~`` vs ``null``), and a missing key is inserted
with the indentation and newline style of its siblings, so every byte outside
the edit stays as it was (DESIGN §3.1).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from cfglint.findings import Edit
from cfglint.source.document import (
    Document,
    KeyPath,
    Mapping,
    Node,
    Scalar,
    Sequence,
    resolve_alias,
)
from cfglint.source.yaml_dialect import resolve_plain

_YAML_PLAIN_SAFE = re.compile(r"^[A-Za-z_./][A-Za-z0-9_./+-]*$")
_TOML_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


class EditError(ValueError):
    """The edit cannot be made without touching more than it should."""


def _float_text(v: float) -> str:
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    text = repr(v)
    if "e" in text or "E" in text:
        mantissa, _, exp = text.partition("e")
        if "." not in mantissa:
            mantissa += ".0"
        sign = "" if exp.startswith(("-", "+")) else "+"
        text = f"{mantissa}e{sign}{exp}"
    return text


def render_yaml(value: Any, like: Scalar | None = None) -> str:
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
        text = _float_text(value)
        return {"nan": ".nan", "inf": ".inf", "-inf": "-.inf"}.get(text, text)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(render_yaml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{render_key_yaml(str(k))}: {render_yaml(v)}"
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


def render_key_yaml(key: str) -> str:
    if _YAML_PLAIN_SAFE.match(key) and resolve_plain(key, "yaml11") == key:
        return key
    return json.dumps(key, ensure_ascii=False)


def render_toml(value: Any, like: Scalar | None = None) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(render_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{render_key_toml(str(k))} = {render_toml(v)}"
                                for k, v in value.items()) + " }"
    if value is None:
        raise EditError("TOML has no null value")
    text = str(value)
    if like is not None and like.raw.startswith("'") and "'" not in text and "\n" not in text:
        return "'" + text + "'"
    return json.dumps(text, ensure_ascii=False)


def render_key_toml(key: str) -> str:
    return key if _TOML_BARE_KEY.match(key) else json.dumps(key, ensure_ascii=False)


def render_json(value: Any, like: Scalar | None = None) -> str:
    if isinstance(value, float) and not math.isnan(value) and not math.isinf(value):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(render_json(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def render(doc: Document, value: Any, like: Scalar | None = None) -> str:
    if doc.format == "yaml":
        return render_yaml(value, like)
    if doc.format == "toml":
        return render_toml(value, like)
    return render_json(value, like)


def render_key(doc: Document, key: str, like: Scalar | None = None) -> str:
    if like is not None and doc.format == "yaml" and like.style in ("single", "double"):
        return render_yaml(key, like)
    if doc.format == "yaml":
        return render_key_yaml(key)
    if doc.format == "toml":
        if like is not None and like.raw[:1] in "\"'":
            return like.raw[0] + key + like.raw[0] if like.raw[0] not in key else json.dumps(key)
        return render_key_toml(key)
    return json.dumps(key, ensure_ascii=False)


# --- edits ----------------------------------------------------------------------------------


def replace_value(doc: Document, node: Node, value: Any) -> Edit:
    like = node if isinstance(node, Scalar) else None
    if like is not None and like.style in ("literal", "folded"):
        raise EditError("block scalars are replaced by hand")
    return Edit(node.span.start, node.span.end, render(doc, value, like))


def rename_key(doc: Document, key: Scalar, new: str) -> Edit:
    return Edit(key.span.start, key.span.end, render_key(doc, new, key))


def _line_end(text: str, pos: int) -> int:
    """Offset of the line break ending the line that contains ``pos`` (before any \\r)."""
    end = text.find("\n", pos)
    if end == -1:
        return len(text)
    if end > 0 and text[end - 1] == "\r":
        return end - 1
    return end


def _indent_of(doc: Document, offset: int) -> str:
    line = doc.line_col(offset)[0]
    text = doc.line_text(line)
    return text[: len(text) - len(text.lstrip(" \t"))]


def _last_line_end(doc: Document, end: int) -> int:
    text = doc.text
    if end > 0 and text[end - 1] == "\n":  # block scalar spans include their line break
        end -= 1
        if end > 0 and text[end - 1] == "\r":
            end -= 1
        return end
    return _line_end(text, end)


def insert_key(doc: Document, mapping: Mapping, key: str, value: Any) -> Edit:
    """Insert ``key: value`` as the last entry of ``mapping`` in the file's style."""
    nl = doc.newline
    text = doc.text
    if doc.format == "yaml":
        rendered = f"{render_key_yaml(key)}: {render_yaml(value)}"
        if mapping.flow:
            close = mapping.span.end - 1
            sep = ", " if mapping.entries else ""
            return Edit(close, close, sep + rendered)
        if not mapping.entries:
            raise EditError("cannot insert into an empty block mapping")
        indent = _indent_of(doc, mapping.entries[0].key.span.start)
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
        pos = _last_line_end(doc, mapping.span.end)
        return Edit(pos, pos, nl + indent + rendered)
    if doc.format == "toml":
        rendered = f"{render_key_toml(key)} = {render_toml(value)}"
        if mapping.flow:
            close = mapping.span.end - 1
            sep = ", " if mapping.entries else " "
            return Edit(close, close, sep + rendered + " ")
        plain = [e for e in mapping.entries
                 if not (isinstance(resolve_alias(e.value), Mapping | Sequence)
                         and not getattr(resolve_alias(e.value), "flow", True))]
        if plain:
            indent = _indent_of(doc, plain[0].key.span.start)
            pos = _last_line_end(doc, plain[-1].value.span.end)
            return Edit(pos, pos, nl + indent + rendered)
        if mapping.header is not None:
            pos = _line_end(text, mapping.header.end)
            return Edit(pos, pos, nl + rendered)
        if mapping.path:
            # an implicit table (only ever named by deeper headers): a dotted key at the root
            if not all(isinstance(p, str) for p in mapping.path):
                raise EditError("cannot address this implicit table")
            dotted = ".".join(render_key_toml(str(p)) for p in mapping.path)
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
    # JSON
    rendered = f"{json.dumps(key, ensure_ascii=False)}: {render_json(value)}"
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
    indent = _indent_of(doc, last_entry.key.span.start)
    return Edit(end, end, "," + nl + indent + rendered)


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
