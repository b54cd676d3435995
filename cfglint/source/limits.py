"""Bounds every reader enforces, so that no input can exhaust the stack, memory or time.

Real training configs nest a dozen levels at most; a tree deeper than ``MAX_DEPTH`` is
refused (CFG004) before any recursive stage (schema validation, tree views, facts) sees it.
An integer literal longer than Python's int/str conversion limit is rejected by every
loader a trainer uses (PyYAML, ruamel.yaml, json, tomllib and toml all call ``int()``), so
it is a parse error of the file (CFG001), located at the literal.
"""

from __future__ import annotations

import re
from operator import attrgetter

from cfglint.source.document import Mapping, Node, Sequence, Span, resolve_alias

MAX_DEPTH = 100
# values a JSON or TOML reader builds before it refuses the file (CFG004): a node takes
# about 160 bytes, and 10 MB of `1,` is five million of them (over 800 MB); the largest
# generated sweeps measured hold under a million, and YAML's event bound is of this size
MAX_NODES = 1_200_000
# Python's default limit for int <-> str conversion (sys.get_int_max_str_digits()); the
# trainers run with the default, so their loaders fail past it
MAX_INT_DIGITS = 4300
_LONG_DIGITS = re.compile(rf"[0-9][0-9_]{{{MAX_INT_DIGITS},}}")


def too_deep_message(depth: int = MAX_DEPTH) -> str:
    return (f"nesting deeper than {depth} levels; no training config nests like this, so "
            "cfglint refuses to lint it")


def too_many_message() -> str:
    return (f"more than {MAX_NODES:,} values; no training config holds this many, so cfglint "
            "refuses to lint it")


def long_int_message(digits: int) -> str:
    return (f"an integer of {digits:,} digits: Python's int() refuses more than "
            f"{MAX_INT_DIGITS:,} digits, so the trainer's loader (PyYAML, json, tomllib) "
            "fails on this file")


def long_int_span(text: str) -> Span | None:
    """Where the first run of more than MAX_INT_DIGITS digits is (for loaders that do not
    say where they gave up)."""
    m = _LONG_DIGITS.search(text)
    return Span(m.start(), m.end()) if m else None


def digit_count(lexeme: str) -> int:
    return sum(ch.isdigit() for ch in lexeme)


def deepest(root: Node | None, limit: int = MAX_DEPTH) -> Node | None:
    """The first node found deeper than ``limit`` levels, or None (iterative; aliases are
    not followed, since their targets are counted where they are defined)."""
    if root is None or _within(root, limit):
        return None
    stack: list[tuple[Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return node
        if depth == 1:
            node = resolve_alias(node) or node
        if isinstance(node, Mapping):
            stack.extend((e.value, depth + 1) for e in node.entries)
        elif isinstance(node, Sequence):
            stack.extend((i, depth + 1) for i in node.items)
    return None


_value = attrgetter("value")


def _within(root: Node, limit: int) -> bool:
    """Whether no node is deeper than ``limit`` levels: one level at a time, with no pair
    made per node (a large file has a million nodes, and no deep one)."""
    level: list[Node] = [resolve_alias(root) or root]
    for _ in range(limit):
        below: list[Node] = []
        for node in level:
            if isinstance(node, Mapping):
                below.extend(map(_value, node.entries))
            elif isinstance(node, Sequence):
                below.extend(node.items)
        if not below:
            return True
        level = below
    return False
