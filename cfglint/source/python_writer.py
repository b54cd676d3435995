"""Python values rendered as Python literals, and code edits made with libcst.

An edit to Python code is made on the smallest expression or statement that holds it:
that text is parsed with libcst, changed as a tree (libcst keeps every space, comment
and quote of what it does not change), rendered back, and spliced over the original
span. Nothing outside the span moves. libcst is imported here only, when a fix for a
Python file is built.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from cfglint.findings import Edit
from cfglint.source.document import Document, Mapping, Scalar, Span
from cfglint.source.writing import EditError, indent_of


def float_text(v: float, like: str = "") -> str:
    """Shortest repr, with the exponent written as ``like`` writes it (``1e-4``, not ``1e-04``)."""
    if math.isnan(v) or math.isinf(v):
        return f'float("{v}")'
    text = repr(v)
    if "e" in text:
        mantissa, _, exp = text.partition("e")
        sign = "-" if exp.startswith("-") else ""
        text = f"{mantissa}e{sign}{exp.lstrip('+-').lstrip('0') or '0'}"
        if "E" in like:
            text = text.replace("e", "E")
    return text


def render(value: Any, like: Scalar | None = None) -> str:
    quote = "'" if like is not None and like.raw.startswith("'") else '"'
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, float):
        return float_text(value, like.raw if like is not None else "")
    if isinstance(value, int):
        return repr(value)
    if isinstance(value, str):
        body = value.replace("\\", "\\\\").replace(quote, "\\" + quote)
        return quote + body + quote
    if isinstance(value, list | tuple):
        return "[" + ", ".join(render(v, like) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{render(k, like)}: {render(v, like)}"
                               for k, v in value.items()) + "}"
    raise EditError(f"cannot write {type(value).__name__} as a Python literal")


def render_key(key: str, like: Scalar | None = None) -> str:
    return render(key, like)


def insert_key(doc: Document, mapping: Mapping, key: str, value: Any) -> Edit:
    """Add ``"key": value`` to a dict display, after its last entry."""
    rendered = f"{render_key(key)}: {render(value)}"
    if not mapping.entries:
        return Edit(mapping.span.start + 1, mapping.span.end - 1, rendered)
    last = mapping.entries[-1]
    same_line = doc.line_col(mapping.entries[0].key.span.start)[0] == doc.line_col(
        mapping.span.start)[0]
    if same_line:
        return Edit(last.value.span.end, last.value.span.end, ", " + rendered)
    indent = indent_of(doc, last.key.span.start)
    return Edit(last.value.span.end, last.value.span.end, "," + doc.newline + indent + rendered)


def rewrite_expression(doc: Document, span: Span, change: Callable[[Any], Any]) -> Edit:
    """Parse the expression at ``span`` with libcst, apply ``change`` to its tree, and
    return the edit that writes the result over the span (byte-faithful elsewhere)."""
    import libcst as cst

    source = doc.text[span.start : span.end]
    try:
        tree = cst.parse_expression(source)
    except cst.ParserSyntaxError as err:
        raise EditError(f"libcst cannot read `{source[:40]}`: {err.message}") from None
    new = change(tree)
    return Edit(span.start, span.end, cst.Module(body=[]).code_for_node(new))


def statement_text(source: str) -> str:
    """One statement checked by libcst (so an inserted guard is valid Python) and rendered."""
    import libcst as cst

    try:
        node = cst.parse_statement(source)
    except cst.ParserSyntaxError as err:
        raise EditError(f"not a statement: {err.message}") from None
    return cst.Module(body=[node]).code


def insert_statement_before(doc: Document, at: Span, source: str) -> Edit:
    """Insert a statement (one or more lines) before the statement that starts at ``at``,
    with that statement's indentation."""
    indent = indent_of(doc, at.start)
    line_start = doc.offset_of(doc.line_col(at.start)[0], 1)
    lines = statement_text(source).rstrip("\n").split("\n")
    body = "".join(indent + line + doc.newline for line in lines)
    return Edit(line_start, line_start, body)
