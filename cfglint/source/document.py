"""The format-neutral tree every reader produces.

A Document keeps the original text and, for every node, the exact character span
it came from. Fixes are edits on those spans, so nothing outside an edit can move.
Readers for YAML, TOML, JSON and Python all produce this shape, so
rules and the fixer never care which format they are looking at.
"""

from __future__ import annotations

import bisect
import gc
import re
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, NamedTuple

_LINE_BREAK = re.compile("\n")

Format = Literal["yaml", "toml", "json", "python"]
KeyPart = str | int
KeyPath = tuple[KeyPart, ...]


class Span(NamedTuple):
    """Half-open character range [start, end) into Document.text."""

    start: int
    end: int


class Comment(NamedTuple):
    """A comment of the source, located."""

    span: Span
    text: str  # without the leading '#'
    own_line: bool  # True when nothing but whitespace precedes it on its line


# Nodes are compact: a 10 MB config has over a million of them, and the bound is
# 300 MiB. A node keeps its span packed into one int (start << 32 | end) instead of a Span
# and two ints; a leaf keeps its parent's key path (shared by its siblings) and its own
# part instead of a tuple of its own; a scalar whose text or raw text is a slice of the
# file keeps the file's Source instead of a copy; an entry with a simple key keeps only
# the key's position and name, and makes the key's Scalar when it is asked for. Spans,
# paths and texts are computed on access and equal what was given.
_SHIFT = 32
_LOW = (1 << _SHIFT) - 1


def _pack(span: Span) -> int | Span:
    start, end = span
    if 0 <= start <= _LOW and 0 <= end <= _LOW:
        return start << _SHIFT | end
    return Span(start, end)  # offsets no reader produces: kept as they are


def _unpack(at: int | Span) -> Span:
    return Span(at >> _SHIFT, at & _LOW) if isinstance(at, int) else at


class Source:
    """The text a reader reads, shared by the scalars whose text is a slice of it."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class _Node:
    """What every node has: a span (stored packed)."""

    __slots__ = ("_at",)
    _at: int | Span
    _repr_fields: ClassVar[tuple[str, ...]] = ("span", "path")

    @property
    def span(self) -> Span:
        return _unpack(self._at)

    @span.setter
    def span(self, span: Span) -> None:
        self._at = _pack(span)

    @property
    def start(self) -> int:
        """``span.start``, without making the Span."""
        at = self._at
        return at >> _SHIFT if isinstance(at, int) else at.start

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._repr_fields)
        return f"{type(self).__name__}({fields})"


class _Leaf(_Node):
    """A scalar or alias: its key path is ``_base`` plus ``_part`` (``_base`` alone when
    ``_part`` is None), so that siblings share their parent's path tuple."""

    __slots__ = ("_base", "_part")
    _base: KeyPath
    _part: KeyPart | None

    @property
    def path(self) -> KeyPath:
        part = self._part
        return self._base if part is None else (*self._base, part)

    @path.setter
    def path(self, path: KeyPath) -> None:
        self._base, self._part = path, None

    def share_path(self, node: Node) -> None:
        """Take ``node``'s key path, sharing its storage (a key and its value)."""
        if isinstance(node, _Leaf):
            self._base, self._part = node._base, node._part
        else:
            self._base, self._part = node.path, None


# Scalar: how raw relates to text, so that the common cases store no second string
_SAME = 0  # raw is text
_QUOTED = 1  # raw is text between the quote of its style (no escapes in it)
_QUOTES = {"double": '"', "single": "'"}
Form = tuple[int | str, str, str | None]  # (_SAME, _QUOTED or raw itself; style; tag)
_FORMS: dict[tuple[int, str, str | None], Form] = {}


def _form(raw: str, style: str, tag: str | None, text: str) -> Form:
    """The (raw, style, tag) of a Scalar, one tuple shared between all scalars whose raw
    follows from their text (the plain scalars and simple quoted strings of a file)."""
    quote = _QUOTES.get(style)
    if raw is text or raw == text:
        how = _SAME
    elif quote and len(raw) == len(text) + 2 and raw[0] == raw[-1] == quote and \
            raw[1:-1] == text:
        how = _QUOTED
    else:
        return (raw, style, tag)
    key = (how, style, tag)
    shared = _FORMS.get(key)
    if shared is None:
        shared = key
        if len(_FORMS) < 256:  # tags are the user's: keep the table small
            _FORMS[key] = shared
    return shared


class Scalar(_Leaf):
    """A leaf value.

    ``value`` is the reader's default view (YAML 1.2 core schema for YAML, the
    exact decoded value for TOML and JSON). ``raw`` is the source text of the
    value. For YAML, ``style`` is one of plain, single, double, literal, folded;
    ``tag`` is an explicit tag such as ``tag:yaml.org,2002:float`` or None.
    ``text`` is, for YAML, the decoded string content before typing.

    Readers may pass the parent's path with ``part`` (the path is then ``(*path, part)``)
    and the file's ``source`` (a text that is a slice of it is then not kept twice).
    """

    __slots__ = ("_form", "_text", "value")
    kind: ClassVar[Literal["scalar"]] = "scalar"
    _repr_fields = ("span", "path", "value", "raw", "style", "tag", "text")
    value: Any
    _text: str | Source
    _form: Form

    def __init__(self, span: Span, path: KeyPath, value: Any, raw: str, style: str = "plain",
                 tag: str | None = None, text: str = "", *, part: KeyPart | None = None,
                 source: Source | None = None) -> None:
        self._at = at = _pack(span)
        self._base = path
        self._part = part
        self.value = value
        self._form = form = _form(raw, style, tag, text)
        self._text = text
        if source is not None and value is not text and isinstance(at, int) and text:
            start, end = at >> _SHIFT, at & _LOW
            if form[0] == _QUOTED:
                start, end = start + 1, end - 1
            if form[0] in (_SAME, _QUOTED) and source.text[start:end] == text:
                self._text = source

    @property
    def text(self) -> str:
        text = self._text
        if isinstance(text, str):
            return text
        at = self._at
        assert isinstance(at, int)
        start, end = at >> _SHIFT, at & _LOW
        if self._form[0] == _QUOTED:
            return text.text[start + 1:end - 1]
        return text.text[start:end]

    @text.setter
    def text(self, text: str) -> None:
        self._text = text

    @property
    def raw(self) -> str:
        how = self._form[0]
        if how == _SAME:
            return self.text
        if how == _QUOTED:
            quote = _QUOTES[self._form[1]]
            return quote + self.text + quote
        return how  # type: ignore[return-value]

    @property
    def style(self) -> str:
        return self._form[1]

    @property
    def tag(self) -> str | None:
        return self._form[2]


# The forms of the common scalars, for readers that make them without Scalar.__init__.
PLAIN_FORM = _form("", "plain", None, "")  # a plain scalar spelled as its text
QUOTED_FORMS = {'"': _form('""', "double", None, ""),  # a quoted string without escapes
                "'": _form("''", "single", None, "")}
KEY_FORM = _form("", "key", None, "")  # a TOML bare key
STRING_FORM = _form("", "string", None, "")  # a TOML string (its text is its raw text)


def pack(start: int, end: int) -> int | Span:
    """A span as nodes store it (what ``_pack`` gives, without making the Span first: the
    readers pack a million spans of a large file)."""
    if 0 <= start <= _LOW and 0 <= end <= _LOW:
        return start << _SHIFT | end
    return Span(start, end)


def stored_scalar(at: int | Span, base: KeyPath, part: KeyPart | None, value: Any, form: Form,
                  text: str | Source) -> Scalar:
    """A Scalar from what it stores, for a reader that has checked what ``Scalar.__init__``
    would (``form`` follows from the raw and decoded texts; ``text`` is the file's Source
    exactly where ``__init__`` would keep it): a large file makes a million of them, and the
    checks of ``__init__`` cost more than the rest of reading a scalar."""
    node = _new_scalar(Scalar)
    node._at = at
    node._base = base
    node._part = part
    node.value = value
    node._form = form
    node._text = text
    return node


class Alias(_Leaf):
    """A YAML alias (``*name``); ``target`` is the anchored node it refers to."""

    __slots__ = ("name", "target")
    kind: ClassVar[Literal["alias"]] = "alias"
    _repr_fields = ("span", "path", "name")
    name: str
    target: Node | None

    def __init__(self, span: Span, path: KeyPath, name: str, target: Node | None, *,
                 part: KeyPart | None = None) -> None:
        self._at = _pack(span)
        self._base = path
        self._part = part
        self.name = name
        self.target = target


class Entry:
    """One key/value pair of a mapping; ``key`` is always a Scalar, and ``name`` is
    ``str(key.value)``.

    A plain key (a string, spelled as itself or simply quoted, with its value's path) is
    kept as its position, name and form; its Scalar is made, once, when asked for. Readers
    that make entries with ``stored_entry`` keep a key's position as its distance before its
    value's start where that is small (CPython shares small ints: no object per key).
    """

    __slots__ = ("_at", "_key", "name", "value")
    name: str
    value: Node

    def __init__(self, key: Scalar, value: Node) -> None:
        self.value = value
        self.name = name = str(key.value)
        self._key: Scalar | Form | _Near = key
        self._at: int | Span = 0
        form = key._form
        if (isinstance(form[0], int) and form[2] is None and key.value is name
                and key.text is name and _same_path(key, value)):
            self._key, self._at = form, key._at

    @property
    def key(self) -> Scalar:
        key = self._key
        if isinstance(key, Scalar):
            return key
        scalar = Scalar.__new__(Scalar)
        scalar._at = _pack(self.key_span) if isinstance(key, _Near) else self._at
        scalar.value = scalar._text = self.name
        scalar._form = key.form if isinstance(key, _Near) else key
        value = self.value
        if isinstance(value, _Leaf):
            scalar._base, scalar._part = value._base, value._part
        else:
            scalar._base, scalar._part = value.path, None
        self._key = scalar
        return scalar

    @key.setter
    def key(self, key: Scalar) -> None:
        self._key = key
        self.name = str(key.value)

    @property
    def key_span(self) -> Span:
        """The key's span, without making its Scalar."""
        key = self._key
        if isinstance(key, Scalar):
            return key.span
        if isinstance(key, _Near):
            gap = self._at
            assert isinstance(gap, int)
            start = self.value.start - gap
            return Span(start, start + len(self.name) + key.quotes)
        return _unpack(self._at)

    @property
    def key_style(self) -> str:
        """The key's style, without making its Scalar."""
        key = self._key
        if isinstance(key, Scalar):
            return key.style
        return key.form[1] if isinstance(key, _Near) else key[1]

    def __repr__(self) -> str:
        return f"Entry(key={self.key!r}, value={self.value!r})"


class _Near:
    """The form of a plain key whose ``Entry._at`` is how far before its value's start the
    key starts; ``quotes``: what its source has around its name."""

    __slots__ = ("form", "quotes")

    def __init__(self, form: Form) -> None:
        self.form = form
        self.quotes = 2 if form[0] == _QUOTED else 0


_NEARS = {form: _Near(form) for form in (PLAIN_FORM, KEY_FORM, *QUOTED_FORMS.values())}
_SHARED_INTS = 256  # CPython keeps one object of each int up to this


def stored_entry(name: str, start: int, end: int, key_form: Form, value: Node) -> Entry:
    """An Entry with a plain key (see ``Entry``) from what it stores, for a reader that has
    checked what ``Entry.__init__`` would: the key's value and text are ``name``, its path
    is its value's, and it spans ``start`` to ``end``."""
    entry = _new_entry(Entry)
    entry.value = value
    entry.name = name
    near = _NEARS.get(key_form)
    gap = value.start - start
    if near is not None and 0 <= gap <= _SHARED_INTS and end - start == len(name) + near.quotes:
        entry._key = near
        entry._at = gap
    else:
        entry._key = key_form
        entry._at = _pack(Span(start, end))
    return entry


def _same_path(key: Scalar, value: Node) -> bool:
    if isinstance(value, _Leaf):
        return key._base is value._base and key._part == value._part
    return key._part is None and key._base is value.path


_new_scalar = Scalar.__new__
_new_entry = Entry.__new__

# a mapping with more entries than this answers get() from an index built on first use
_INDEX_FROM = 12


class _MappingExtra:
    """What few mappings have: a TOML table header (packed, like spans), an index of many
    entries (made on the first look-up that needs one)."""

    __slots__ = ("header", "index", "indexed")

    def __init__(self, header: Span | None) -> None:
        self.header: int | Span | None = None if header is None else _pack(header)
        self.index: dict[str, Entry] | None = None  # made on the first look-up
        self.indexed = 0


class Mapping(_Node):
    """Entries in source order. ``header`` is the span of a TOML ``[table]`` or
    ``[[array]]`` header, None otherwise. Readers only ever append to ``entries``."""

    __slots__ = ("_extra", "entries", "flow", "path")
    kind: ClassVar[Literal["mapping"]] = "mapping"
    _repr_fields = ("span", "path", "entries", "flow", "header")
    path: KeyPath
    entries: list[Entry]
    flow: bool

    def __init__(self, span: Span, path: KeyPath, entries: list[Entry] | None = None,
                 flow: bool = False, header: Span | None = None) -> None:
        self._at = _pack(span)
        self.path = path
        self.entries = [] if entries is None else entries
        self.flow = flow
        self._extra: _MappingExtra | None = None if header is None else _MappingExtra(header)

    @property
    def header(self) -> Span | None:
        header = None if self._extra is None else self._extra.header
        return None if header is None else _unpack(header)

    @header.setter
    def header(self, header: Span | None) -> None:
        if self._extra is None:
            self._extra = _MappingExtra(header)
        else:
            self._extra.header = None if header is None else _pack(header)

    def get(self, key: str) -> Node | None:
        """Last value for ``key`` (what a loader that keeps the last duplicate sees)."""
        found = self.entry(key)
        return None if found is None else found.value

    def entry(self, key: str) -> Entry | None:
        entries = self.entries
        if len(entries) <= _INDEX_FROM:
            found: Entry | None = None
            for e in entries:
                if e.name == key:
                    found = e
            return found
        if self._extra is None:
            self._extra = _MappingExtra(None)
        extra = self._extra
        index = extra.index
        if index is None or extra.indexed > len(entries):
            extra.index = index = {}
            extra.indexed = 0
        if extra.indexed < len(entries):
            for e in entries[extra.indexed:]:
                index[e.name] = e  # the last duplicate wins
            extra.indexed = len(entries)
        return index.get(key)

    def keys(self) -> list[str]:
        return [e.name for e in self.entries]


class Sequence(_Node):
    __slots__ = ("flow", "items", "path")
    kind: ClassVar[Literal["sequence"]] = "sequence"
    _repr_fields = ("span", "path", "items", "flow")
    path: KeyPath
    items: list[Node]
    flow: bool

    def __init__(self, span: Span, path: KeyPath, items: list[Node] | None = None,
                 flow: bool = False) -> None:
        self._at = _pack(span)
        self.path = path
        self.items = [] if items is None else items
        self.flow = flow


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
    """A parsed file: its text, tree of nodes with exact spans, comments and problems."""

    path: str
    text: str
    format: Format
    root: Node | None
    comments: list[Comment] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)
    duplicates: list[tuple[Entry, Entry]] = field(default_factory=list)
    # keys set twice past the MAX_PROBLEMS in ``duplicates``: counted, not kept
    more_duplicates: int = 0
    newline: str = "\n"
    bom: bool = False
    extra_roots: list[Node] = field(default_factory=list)  # later documents of a YAML stream
    # what a lenient reader accepted that a strict loader rejects (JSONC comments and
    # trailing commas); the pipeline decides per trainer whether it is an error
    lenient: list[ParseProblem] = field(default_factory=list)
    # the reader's own syntax tree where the Node tree is only a view of it (Python: the
    # ``ast.Module``), for analyses that need statements and expressions
    syntax: Any = field(default=None, repr=False)
    # offsets where lines start: an array of machine ints, not a list of int objects (a
    # 10 MB config has 600,000 lines)
    _line_starts: array[int] = field(default_factory=lambda: array("q"), repr=False)

    def __post_init__(self) -> None:
        first_break = self.text.find("\n")
        if first_break > 0 and self.text[first_break - 1] == "\r":
            self.newline = "\r\n"
        starts = array("q", [0])
        starts.extend(m.end() for m in _LINE_BREAK.finditer(self.text))
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


class Duplicates:
    """The keys a reader finds set twice in a file, as (first, second) entries: the first
    ``keep`` kept, the rest counted (a damaged file sets one key a million times, and each
    pair kept is memory)."""

    __slots__ = ("keep", "more", "pairs")

    def __init__(self, keep: int) -> None:
        self.keep = keep
        self.pairs: list[tuple[Entry, Entry]] = []
        self.more = 0

    def add(self, first: Entry, second: Entry) -> None:
        if len(self.pairs) < self.keep:
            self.pairs.append((first, second))
        else:
            self.more += 1


@contextmanager
def building() -> Iterator[None]:
    """While a reader builds a tree: the cyclic garbage collector paused. A tree has no
    cycles to collect until it is done, and a large one (a million nodes) would otherwise be
    scanned again and again as it grows, for a sixth of the time it takes to read."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


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
