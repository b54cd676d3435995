"""Hypothesis-generated documents: the fixer's invariants beyond what the corpus shows.

Generated YAML mixes block and flow collections, comments (after spaces and tabs),
quoted/plain/block scalars, anchors and aliases, unicode, CRLF and a BOM; TOML and JSON
get tabs, CRLF and odd spacing. For each document every exercised scalar is edited
and a key inserted into every mapping: only that value or key may change.
"""

from __future__ import annotations

import json
from typing import Any

from exerciser import check_edits, insert_edit, insertable, value_edit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cfglint.source.document import Alias
from cfglint.source.read import read_bytes

KEYS = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn", "Co")),
               min_size=1, max_size=12)
SCALARS = st.one_of(st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False,
                                                          width=32),
                    st.booleans(), TEXT, st.none())


def _yaml_scalar(value: Any, draw: Any) -> str:
    if isinstance(value, str):
        style = draw(st.sampled_from(["double", "single", "plain"]))
        if style == "single":
            return "'" + value.replace("'", "''") + "'"
        special = ("yes", "no", "on", "off", "true", "false", "null", "y", "n")
        if (style == "plain" and value.isalnum() and value.isascii() and not value[0].isdigit()
                and value.lower() not in special):
            return value
        return json.dumps(value, ensure_ascii=False)  # YAML has no surrogate-pair escapes
    if isinstance(value, bool):
        return draw(st.sampled_from(["true", "True"])) if value else "false"
    if value is None:
        return draw(st.sampled_from(["null", "~"]))
    if isinstance(value, float):
        text = repr(value)
        return text if "." in text or "e" in text else text + ".0"
    return str(value)


@st.composite
def yaml_docs(draw: Any) -> str:
    nl = draw(st.sampled_from(["\n", "\r\n"]))
    lines: list[str] = []
    if draw(st.booleans()):
        lines.append("# generated" + nl.strip("\n"))
    anchored = False
    for key in draw(st.lists(KEYS, min_size=1, max_size=6, unique=True)):
        kind = draw(st.sampled_from(["scalar", "block", "flowseq", "flowmap", "blockscalar",
                                     "seq"]))
        # (a tab right before '#' after a plain scalar is a scanner error in PyYAML and
        # ruamel alike: see test_tab_before_comment_is_reported_as_the_trainers_loader_sees_it)
        comment = draw(st.sampled_from(["", "  # note", "  #\ttab inside", "  # ünï ✓"]))
        if kind == "scalar":
            value = _yaml_scalar(draw(SCALARS), draw)
            if not anchored and draw(st.booleans()):
                value = "&anc " + value
                anchored = True
            lines.append(f"{key}: {value}{comment}")
        elif kind == "block":
            lines.append(f"{key}:{comment}")
            for sub in draw(st.lists(KEYS, min_size=1, max_size=4, unique=True)):
                lines.append(f"  {sub}: {_yaml_scalar(draw(SCALARS), draw)}")
            if anchored and draw(st.booleans()):
                lines.append("  aliased: *anc")
        elif kind == "flowseq":
            items = [_yaml_scalar(v, draw) for v in draw(st.lists(
                st.integers(0, 99) | st.booleans(), min_size=0, max_size=4))]
            pad = draw(st.sampled_from(["", " "]))
            lines.append(f"{key}: [{pad}{', '.join(items)}{pad}]{comment}")
        elif kind == "flowmap":
            pairs = [f"{k}: {v}" for k, v in zip(
                draw(st.lists(KEYS, min_size=1, max_size=3, unique=True)),
                draw(st.lists(st.integers(0, 9), min_size=3, max_size=3)), strict=False)]
            lines.append(f"{key}: {{{', '.join(pairs)}}}{comment}")
        elif kind == "blockscalar":
            lines.append(f"{key}: |{comment}")
            lines.append("  line one")
            lines.append("  line two ✓")
        else:
            lines.append(f"{key}:{comment}")
            indent = draw(st.sampled_from(["", "  "]))
            for v in draw(st.lists(st.integers(0, 99), min_size=1, max_size=3)):
                lines.append(f"{indent}- {v}")
    return nl.join(lines) + (nl if draw(st.booleans()) else "")


@st.composite
def toml_docs(draw: Any) -> str:
    nl = draw(st.sampled_from(["\n", "\r\n"]))
    sep = draw(st.sampled_from([" = ", "=", "\t=\t", "    = "]))
    lines = []
    for key in draw(st.lists(KEYS, min_size=1, max_size=4, unique=True)):
        v = draw(st.one_of(st.integers(-999, 999), st.booleans(), TEXT,
                           st.floats(allow_nan=False, allow_infinity=False, width=32)))
        text = repr(v) if isinstance(v, float) else json.dumps(v, ensure_ascii=False)
        lines.append(f"{key}{sep}{text}" + draw(st.sampled_from(["", "\t# c", "  # ü"])))
    for table in draw(st.lists(KEYS, min_size=0, max_size=2, unique=True)):
        lines.append(f"{draw(st.sampled_from(['', '  ']))}[tbl_{table}]")
        lines.append(f"x{sep}{draw(st.integers(0, 9))}")
        lines.append(f"arr{sep}[ 1, 2,]")
    return nl.join(lines) + nl


@st.composite
def json_docs(draw: Any) -> str:
    nl = draw(st.sampled_from(["\n", "\r\n"]))
    indent = draw(st.sampled_from(["  ", "    ", "\t"]))
    obj = draw(st.dictionaries(KEYS, st.one_of(st.integers(-999, 999), st.booleans(), TEXT,
                                                st.none(), st.lists(st.integers(0, 9),
                                                                    max_size=3)),
                               min_size=1, max_size=5))
    body = ("," + nl).join(f"{indent}{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}"
                           for k, v in obj.items())
    return "{" + nl + body + nl + "}" + (nl if draw(st.booleans()) else "")


def _exercise(data: bytes, fmt: str) -> None:
    doc = read_bytes(f"gen.{fmt}", data, fmt)  # type: ignore[arg-type]
    assert not doc.problems, (doc.problems[0].message, data)
    for s in list(doc.scalars()):
        e = value_edit(doc, s)
        if e is not None and not any(isinstance(n, Alias) for n in doc.walk()):
            check_edits(doc, [(s.path, e)])
    for mp in insertable(doc):
        pe = insert_edit(doc, mp)
        if pe is not None:
            check_edits(doc, [pe])


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(yaml_docs(), st.booleans())
def test_generated_yaml_edits_touch_only_their_key(text: str, bom: bool) -> None:
    _exercise((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"), "yaml")


@SETTINGS
@given(toml_docs())
def test_generated_toml_edits_touch_only_their_key(text: str) -> None:
    _exercise(text.encode("utf-8"), "toml")


@SETTINGS
@given(json_docs())
def test_generated_json_edits_touch_only_their_key(text: str) -> None:
    _exercise(text.encode("utf-8"), "json")


def test_tab_before_comment_is_reported_as_the_trainers_loader_sees_it() -> None:
    import yaml

    text = "a: 0\t# comment\n"
    try:
        yaml.safe_load(text)
        pyyaml_fails = False
    except yaml.YAMLError:
        pyyaml_fails = True
    doc = read_bytes("tab.yaml", text.encode(), "yaml")
    assert pyyaml_fails and [p.code for p in doc.problems] == ["CFG001"]
    assert doc.line_col(doc.problems[0].offset) == (1, 5)
