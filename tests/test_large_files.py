"""What keeps large files linear gives the answers the simple ways give: Mapping.get by
index, the alias-expansion count without expanding, comments scanned in one pass, the depth
bound checked a level at a time, plain scalars typed without a regular expression."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st
from yaml_texts import yaml_texts

from cfglint.source.comments import hash_comments
from cfglint.source.document import Alias, Document, Entry, Mapping, Node, Scalar, Sequence, Span
from cfglint.source.limits import deepest
from cfglint.source.read import _expanded_size
from cfglint.source.yaml_dialect import Dialect, _resolve, resolve_plain
from cfglint.source.yaml_reader import read_yaml


def _scalar(name: str, at: int) -> Scalar:
    return Scalar(Span(at, at + 1), (name,), name, name, text=name)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from("abcdefghijklmnopq"), max_size=40), st.data())
def test_mapping_get_answers_as_a_scan_for_the_last_duplicate(names: list[str],
                                                              data: st.DataObject) -> None:
    mp = Mapping(Span(0, 0), ())
    for i, name in enumerate(names):
        mp.entries.append(Entry(_scalar(name, 2 * i), _scalar(name, 2 * i + 1)))
        probe = data.draw(st.sampled_from("abcdefghijklmnopqz"))
        last = [e for e in mp.entries if e.name == probe]
        assert mp.entry(probe) is (last[-1] if last else None)


def _expanded(node: Node | None, depth: int = 0) -> tuple[int, int]:
    """Node count and depth by really expanding (small inputs only)."""
    assert depth < 50
    if isinstance(node, Alias):
        size, deep = _expanded(node.target, depth + 1) if node.target is not None else (0, 0)
        return 1 + size, deep
    if isinstance(node, Mapping):
        parts = [_expanded(x, depth + 1) for e in node.entries for x in (e.key, e.value)]
    elif isinstance(node, Sequence):
        parts = [_expanded(x, depth + 1) for x in node.items]
    else:
        return (1, 1) if node is not None else (0, 0)
    return 1 + sum(s for s, _ in parts), 1 + max((d for _, d in parts), default=0)


@settings(max_examples=150, deadline=None)
@given(yaml_texts())
@example("a:\n  b: *missing\nc: &x 1\nd: *x\n")  # an alias with no target under a key
def test_expansion_count_equals_a_real_expansion_where_there_are_aliases(text: str) -> None:
    doc = read_yaml("x.yaml", text, fast=False)
    if doc.problems:
        return
    roots = [doc.root, *doc.extra_roots]
    expanded = [_expanded(r) for r in roots]
    has_alias = any(isinstance(n, Alias) for n in _nodes(roots))
    want = (sum(s for s, _ in expanded), max(d for _, d in expanded)) if has_alias else (0, 0)
    assert _expanded_size(doc) == want


def _nodes(roots: list[Node | None]) -> list[Node]:
    out: list[Node] = []
    stack = [r for r in roots if r is not None]
    while stack:
        n = stack.pop()
        out.append(n)
        if isinstance(n, Mapping):
            stack += [x for e in n.entries for x in (e.key, e.value)]
        elif isinstance(n, Sequence):
            stack += n.items
    return out


def _depth(node: Node | None) -> int:
    """Levels below and including ``node``, aliases not followed (small inputs only)."""
    if isinstance(node, Mapping):
        return 1 + max((_depth(e.value) for e in node.entries), default=0)
    if isinstance(node, Sequence):
        return 1 + max((_depth(i) for i in node.items), default=0)
    return 0 if node is None else 1


@settings(max_examples=100, deadline=None)
@given(yaml_texts(), st.integers(1, 6))
def test_the_deepest_node_is_found_exactly_where_a_tree_is_deeper_than_the_limit(
        text: str, limit: int) -> None:
    doc = read_yaml("x.yaml", text, fast=False)
    if doc.problems or isinstance(doc.root, Alias):
        return
    found = deepest(doc.root, limit)
    assert (found is not None) == (_depth(doc.root) > limit)


_PLAIN = st.text(st.sampled_from("0123456789+-._:eExXoObBinfaINFNtTrueFlsyYoO~ \n"), max_size=8)


@settings(max_examples=400, deadline=None)
@given(st.one_of(_PLAIN, st.sampled_from(["null", "~", "", "yes", "Off", ".inf", "-.Inf", ".NaN",
                                            "0x1F", "0o17", "1:30", "1_000", "1e4", "TRUE",
                                            "null\n", "true\n", "on\n"])),
       st.sampled_from(["yaml11", "yaml11-float", "yaml12"]))
def test_plain_scalars_are_typed_as_the_resolvers_regular_expressions_type_them(
        text: str, dialect: Dialect) -> None:
    want, got = _resolve(text, dialect), resolve_plain(text, dialect)
    assert (type(got), repr(got)) == (type(want), repr(want))


_HASH = re.compile(r"(?:(?<=^)|(?<=[ \t]))#", re.MULTILINE)


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from("a #\t\n\r'\""), max_size=40))
def test_comments_start_where_a_hash_follows_a_line_start_or_a_blank(text: str) -> None:
    starts = [c.span.start for c in hash_comments(text, list)]
    want: list[int] = []
    line_end = -1
    for m in _HASH.finditer(text):  # with no scalars: each comment runs to its line's end
        if m.start() > line_end:
            want.append(m.start())
            line_end = text.find("\n", m.start()) % (len(text) + 1)
    assert starts == want


@settings(max_examples=150, deadline=None)
@given(yaml_texts(), st.sampled_from(["", "\n# " + "x" * 300, " " * 300]))
def test_a_key_is_where_its_text_is_whether_kept_near_its_value_or_not(text: str,
                                                                       gap: str) -> None:
    text = text.replace(":\n", ":" + gap + "\n", 1)  # one key far from its value
    for fast in (True, False):
        doc = read_yaml("x.yaml", text, fast=fast)
        for e in _entries(doc):
            span, style = e.key_span, e.key_style
            assert (span, style) == (e.key.span, e.key.style)
            assert doc.text[span.start:span.end] == e.key.raw


def _entries(doc: Document) -> list[Entry]:
    return [e for n in _nodes([doc.root, *doc.extra_roots]) if isinstance(n, Mapping)
            for e in n.entries]
