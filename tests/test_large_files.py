"""What keeps large files linear gives the answers the simple ways give: Mapping.get by
index, the alias-expansion count without expanding, comments scanned in one pass."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st
from yaml_texts import yaml_texts

from cfglint.source.document import Alias, Entry, Mapping, Node, Scalar, Sequence, Span
from cfglint.source.read import _expanded_size
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
