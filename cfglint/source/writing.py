"""What the three writers share: the edit error, float spelling, and where lines and
indentation are in the original text, so an insertion copies the file's own style."""

from __future__ import annotations

import math

from cfglint.source.document import Document


class EditError(ValueError):
    """The edit cannot be made without touching more than it should."""


def float_text(v: float) -> str:
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


def line_end(text: str, pos: int) -> int:
    """Offset of the line break ending the line that contains ``pos`` (before any \\r)."""
    end = text.find("\n", pos)
    if end == -1:
        return len(text)
    if end > 0 and text[end - 1] == "\r":
        return end - 1
    return end


def indent_of(doc: Document, offset: int) -> str:
    line = doc.line_col(offset)[0]
    text = doc.line_text(line)
    return text[: len(text) - len(text.lstrip(" \t"))]


def last_line_end(doc: Document, end: int) -> int:
    text = doc.text
    if end > 0 and text[end - 1] == "\n":  # block scalar spans include their line break
        end -= 1
        if end > 0 and text[end - 1] == "\r":
            end -= 1
        return end
    return line_end(text, end)
