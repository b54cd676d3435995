"""Hypothesis strategies for YAML texts in the many spellings real configs use: block and
flow collections, every scalar style, empty values, anchors and aliases, tags, comments,
explicit keys, several documents, CRLF line breaks, non-ASCII text."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

_WORDS = ["lr", "a", "b c", "1e-4", "0x1F", "1_000", "true", "~", "null", "no", "ü", "日本",
          "x: y", "#x", "a #b", "-", "?", "3.", ".inf", "2024-01-01", "'", '"', "\\", "@a",
          "*b", "&c", "!d", "{e}", "[f]", "%g", "", "  ", "<<", "=", "1:30", "%"]
_KEYS = ["a", "lr", "b c", "1", "true", "~", "ü", "'q'", '"d"', "<<", "k-1", "x.y", ""]


def _plain(word: str) -> str:
    return word


def _single(word: str) -> str:
    return "'" + word.replace("'", "''") + "'"


def _double(word: str) -> str:
    return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _escaped(word: str) -> str:
    return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '\\t\\u00e9\\n"'


_QUOTERS = [_plain, _single, _double, _escaped]


@st.composite
def _scalar(draw: Any, indent: int) -> str:
    word = draw(st.sampled_from(_WORDS))
    kind = draw(st.integers(0, 9))
    if kind == 0:  # a block scalar
        indicator = draw(st.sampled_from(["|", ">", "|-", ">+", "|2", ">-"]))
        pad = " " * (indent + 2)
        lines = draw(st.lists(st.sampled_from(["x", "y z", "", "  w", "# not a comment"]),
                              min_size=1, max_size=3))
        return indicator + "\n" + "\n".join(pad + ln if ln else "" for ln in lines)
    if kind == 1:
        return ""  # an empty value
    if kind == 2:
        return draw(st.sampled_from(["!!str 1", "!!float 1", "!!int '2'", "! x", "!custom y",
                                     "&anc 1", "*anc", "&anc2 !!str v"]))
    return draw(st.sampled_from(_QUOTERS))(word)


def _key(draw: Any) -> str:
    key = draw(st.sampled_from(_KEYS))
    return "? " + key if draw(st.integers(0, 15)) == 0 else key


def _comment(draw: Any) -> str:
    return draw(st.sampled_from(["", "", "", " # c", "  #: x", " #"]))


@st.composite
def _block(draw: Any, indent: int, depth: int) -> str:
    """A block mapping or sequence at ``indent``."""
    pad = " " * indent
    lines: list[str] = []
    seq = draw(st.booleans())
    for _ in range(draw(st.integers(1, 4))):
        head = f"{pad}- " if seq else f"{pad}{_key(draw)}:"
        if head.startswith(pad + "? "):
            head = f"{pad}{head.strip()}\n{pad}:"
        child = draw(st.integers(0, 4)) if depth < 3 else 0
        if child == 1:
            lines.append(head.rstrip() + _comment(draw))
            lines.append(draw(_block(indent + 2, depth + 1)))
        elif child == 2:
            lines.append(head + " " + draw(_flow(depth + 1)) + _comment(draw))
        elif child == 3 and not seq:  # an indentless sequence under a key
            lines.append(head)
            lines.append(f"{pad}- " + draw(_scalar(indent + 2)))
        else:
            value = draw(_scalar(indent))
            lines.append((head + " " + value).rstrip() + _comment(draw))
        if draw(st.integers(0, 6)) == 0:
            lines.append(draw(st.sampled_from(["", "# own line", pad + "# indented", "   "])))
    return "\n".join(lines)


@st.composite
def _flow(draw: Any, depth: int) -> str:
    n = draw(st.integers(0, 3))
    if draw(st.booleans()):
        parts = [draw(_flow(depth + 1)) if depth < 3 and draw(st.integers(0, 3)) == 0 else
                 draw(st.sampled_from([_plain, _single, _double]))(
                     draw(st.sampled_from(["a", "1", "x y", "é", "1e3", "null"])))
                 for _ in range(n)]
        return "[" + ", ".join(parts) + "]"
    parts = [f"{draw(st.sampled_from(['a', 'b', 'lr', 'é']))}: "
             f"{draw(st.sampled_from(['1', 'x', '[1, 2]', '{c: d}', '2.5']))}"
             for _ in range(n)]
    return "{" + ", ".join(parts) + "}"


@st.composite
def yaml_texts(draw: Any) -> str:
    """A YAML text (valid, mostly: libyaml and ruamel.yaml must agree either way)."""
    docs = [draw(_block(0, 0)) for _ in range(draw(st.integers(1, 2)))]
    text = "\n---\n".join(docs) + "\n"
    if draw(st.integers(0, 5)) == 0:
        text = "---\n" + text
    if draw(st.integers(0, 5)) == 0:
        text += "...\n"
    if draw(st.integers(0, 6)) == 0:
        text = text.replace("\n", "\r\n")
    if draw(st.integers(0, 6)) == 0:
        text = text.rstrip("\n")
    return text
