"""A Document's nodes as plain data, for tests that compare two readings of one text."""

from __future__ import annotations

from typing import Any

from cfglint.source.document import Alias, Mapping, Node, Scalar, Sequence


def node_data(n: Node | None) -> Any:
    """Everything a rule, a fix or a report can read of a node, as plain data."""
    if n is None:
        return None
    if isinstance(n, Scalar):
        return ("scalar", n.span, n.path, repr(n.value), type(n.value), n.raw, n.style, n.tag,
                n.text)
    if isinstance(n, Alias):
        return ("alias", n.span, n.path, n.name, None if n.target is None else n.target.span)
    if isinstance(n, Mapping):
        return ("mapping", n.span, n.path, n.flow, n.header,
                [(node_data(e.key), e.name, e.key_span, node_data(e.value)) for e in n.entries])
    assert isinstance(n, Sequence)
    return ("sequence", n.span, n.path, n.flow, [node_data(i) for i in n.items])
