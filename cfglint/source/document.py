"""The format-neutral tree every reader produces.

A Document keeps the original text and, for every node, the exact character span
it came from. Fixes are edits on those spans, so nothing outside an edit can move
(DESIGN §3.1). Readers for YAML, TOML, JSON and Python all produce this shape, so
rules and the fixer never care which format they are looking at.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

Format = Literal["yaml", "toml", "json", "python"]
KeyPart = str | int
KeyPath = tuple[KeyPart, ...]


@dataclass(frozen=True)
class Span:
    """Half-open character range [start, end) into Document.text."""

    start: int
    end: int


@dataclass
class Comment:
    span: Span
    text: str  # without the leading '#'
    own_line: bool  # True when nothing but whitespace precedes it on its line


@dataclass
class Scalar:
    """A leaf value.

    ``value`` is the reader's default view (YAML 1.2 core schema for YAML, the
    exact decoded value for TOML and JSON). ``raw`` is the source text of the
    value. For YAML, ``style`` is one of plain, single, double, literal, folded;
    ``tag`` is an explicit tag such as ``tag:yaml.org,2002:float`` or None.
    """

    span: Span
    path: KeyPath
    value: Any
    raw: str
    style: str = "plain"
    tag: str | None = None
    text: str = ""  # YAML: the decoded string content before typing
    kind: Literal["scalar"] = "scalar"


@dataclass
class Alias:
    """A YAML alias (``*name``); ``target`` is the anchored node it refers to."""

    span: Span
    path: KeyPath
    name: str
    target: Node | None
    kind: Literal["alias"] = "alias"


@dataclass
class Entry:
    """One key/value pair of a mapping; ``key`` is always a Scalar."""

    key: Scalar
    value: Node

    @property
    def name(self) -> str:
        return str(self.key.value)


@dataclass
class Mapping:
    span: Span
    path: KeyPath
    entries: list[Entry] = field(default_factory=list)
    flow: bool = False
    kind: Literal["mapping"] = "mapping"
    # TOML: the header span for [table] / [[array]] tables; None otherwise
    header: Span | None = None

    def get(self, key: str) -> Node | None:
        """Last value for ``key`` (what a loader that keeps the last duplicate sees)."""
        found: Node | None = None
        for e in self.entries:
            if e.name == key:
                found = e.value
        return found

    def entry(self, key: str) -> Entry | None:
        found: Entry | None = None
        for e in self.entries:
            if e.name == key:
                found = e
        return found

    def keys(self) -> list[str]:
        return [e.name for e in self.entries]


@dataclass
class Sequence:
    span: Span
    path: KeyPath
    items: list[Node] = field(default_factory=list)
    flow: bool = False
    kind: Literal["sequence"] = "sequence"


Node = Scalar | Mapping | Sequence | Alias


@dataclass
class ParseProblem:
    """Why a text could not be read, located where the user must look."""

    message: str
    offset: int
    end: int | None = None
    code: str = "CFG001"


@dataclass
class Document:
    path: str
    text: str
    format: Format
    root: Node | None
    comments: list[Comment] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)
    duplicates: list[tuple[Entry, Entry]] = field(default_factory=list)
    newline: str = "\n"
    bom: bool = False
    extra_roots: list[Node] = field(default_factory=list)  # later documents of a YAML stream
    # what a lenient reader accepted that a strict loader rejects (JSONC comments and
    # trailing commas); the pipeline decides per trainer whether it is an error
    lenient: list[ParseProblem] = field(default_factory=list)
    # the reader's own syntax tree where the Node tree is only a view of it (Python: the
    # ``ast.Module``), for analyses that need statements and expressions
    syntax: Any = field(default=None, repr=False)
    _line_starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        first_break = self.text.find("\n")
        if first_break > 0 and self.text[first_break - 1] == "\r":
            self.newline = "\r\n"
        starts = [0]
        text = self.text
        i = text.find("\n")
        while i != -1:
            starts.append(i + 1)
            i = text.find("\n", i + 1)
        self._line_starts = starts

    # --- positions -----------------------------------------------------------------
    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column (in characters) of a character offset."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return line + 1, offset - self._line_starts[line] + 1

    def offset_of(self, line: int, column: int) -> int:
        """Character offset of a 1-based line/column."""
        line = max(1, min(line, len(self._line_starts)))
        return min(self._line_starts[line - 1] + column - 1, len(self.text))

    def line_span(self, line: int) -> Span:
        """Span of a 1-based line without its line break."""
        start = self._line_starts[line - 1]
        end = self.text.find("\n", start)
        if end == -1:
            end = len(self.text)
        if end > start and self.text[end - 1] == "\r":
            end -= 1
        return Span(start, end)

    def line_text(self, line: int) -> str:
        sp = self.line_span(line)
        return self.text[sp.start : sp.end]

    @property
    def line_count(self) -> int:
        return len(self._line_starts)

    @property
    def ok(self) -> bool:
        return not self.problems

    def first_problem(self) -> str:
        """``path:line:col: message`` of the first problem (for one-line error reports)."""
        p = self.problems[0]
        line, col = self.line_col(p.offset)
        return f"{self.path}:{line}:{col}: {p.message}"

    # --- tree access -----------------------------------------------------------------
    def find(self, path: KeyPath) -> Node | None:
        """Node at a key path; str parts index mappings, int parts sequences."""
        node = self.root
        for part in path:
            node = resolve_alias(node)
            if isinstance(part, int) and isinstance(node, Sequence):
                if not 0 <= part < len(node.items):
                    return None
                node = node.items[part]
            elif isinstance(node, Mapping):
                node = node.get(str(part))
            else:
                return None
            if node is None:
                return None
        return node

    def find_entry(self, path: KeyPath) -> Entry | None:
        if not path:
            return None
        parent = resolve_alias(self.find(path[:-1]))
        if isinstance(parent, Mapping) and isinstance(path[-1], str):
            return parent.entry(path[-1])
        return None

    def walk(self) -> Iterator[Node]:
        """Every node once, in source order; aliases are yielded, not followed."""
        if self.root is None:
            return
        stack: list[Node] = [self.root]
        while stack:
            node = stack.pop()
            yield node
            if isinstance(node, Mapping):
                for e in reversed(node.entries):
                    stack.append(e.value)
            elif isinstance(node, Sequence):
                stack.extend(reversed(node.items))

    def scalars(self) -> Iterator[Scalar]:
        for node in self.walk():
            if isinstance(node, Scalar):
                yield node

def resolve_alias(node: Node | None, limit: int = 64) -> Node | None:
    """Follow alias chains to the anchored node."""
    while isinstance(node, Alias) and limit > 0:
        node = node.target
        limit -= 1
    return node


def format_path(path: KeyPath) -> str:
    """``a.b[0].c``: the key-path notation of messages and the JSON output."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            text = part if part and all(ch.isalnum() or ch in "_-" for ch in part) else repr(part)
            out += ("." if out else "") + text
    return out


def key_label(path: KeyPath) -> str:
    """The key as messages name it: the last key, with list indices after it."""
    out = ""
    for part in reversed(path):
        if isinstance(part, int):
            out = f"[{part}]" + out
        else:
            return part + out
    return out or "the document"


class ExpansionLimit(Exception):
    """Raised when turning a tree into Python values would exceed the node budget."""


def to_python(node: Node | None, budget: int = 1_000_000, view: Any = None) -> Any:
    """Plain Python value of a subtree (mappings keep the last duplicate, like loaders).

    ``view`` optionally maps a Scalar to the value a particular loader sees (the
    YAML 1.1 view for PyYAML-loaded trainers). Aliases are expanded within
    ``budget`` nodes so that an alias bomb fails fast instead of eating memory.
    """
    remaining = [budget]

    def conv(n: Node | None) -> Any:
        remaining[0] -= 1
        if remaining[0] < 0:
            raise ExpansionLimit(f"more than {budget} nodes after alias expansion")
        n = resolve_alias(n)
        if n is None:
            return None
        if isinstance(n, Scalar):
            return view(n) if view is not None else n.value
        if isinstance(n, Sequence):
            return [conv(i) for i in n.items]
        if isinstance(n, Mapping):
            out: dict[Any, Any] = {}
            for e in n.entries:
                if e.key.raw == "<<" and e.key.style == "plain":
                    merged = conv(e.value)
                    sources = merged if isinstance(merged, list) else [merged]
                    for src in sources:
                        if isinstance(src, dict):
                            for k, v in src.items():
                                out.setdefault(k, v)
                    continue
                key = view(e.key) if view is not None else e.key.value
                try:
                    hash(key)
                except TypeError:
                    key = e.key.raw
                out[key] = conv(e.value)
            return out
        return None

    return conv(node)
