"""YAML → Document, built from parse events: libyaml's where it reads the text exactly as
ruamel.yaml does, ruamel.yaml's everywhere else.

Events (not the composed tree) are used because they carry the exact marks of
every scalar and alias and never expand aliases, so an alias bomb costs no more
than its text. Duplicate keys are recorded, not silently merged.

ruamel.yaml's parser is pure Python (about 70 KB a second) and importing ruamel.yaml costs
about as much as importing PyYAML: where PyYAML's libyaml is installed it makes the events
(``cfglint.source.yaml_fast``) and a file it reads never imports ruamel.yaml; ruamel.yaml
makes them for the texts libyaml would read differently or rejects (its messages are the
ones users see).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from itertools import chain, islice
from types import ModuleType
from typing import Any, NamedTuple

from cfglint.findings import MAX_PROBLEMS
from cfglint.source.comments import hash_comments
from cfglint.source.document import (
    PLAIN_FORM,
    QUOTED_FORMS,
    Alias,
    Document,
    Duplicates,
    Entry,
    Form,
    KeyPart,
    KeyPath,
    Mapping,
    Node,
    ParseProblem,
    Scalar,
    Sequence,
    Source,
    Span,
    building,
    pack,
    stored_entry,
    stored_scalar,
)
from cfglint.source.limits import (
    MAX_DEPTH,
    MAX_NODES,
    digit_count,
    long_int_message,
    too_deep_message,
    too_many_message,
)
from cfglint.source.yaml_dialect import (
    NUMBER_STARTS,
    WORDS_12,
    Dialect,
    resolve_plain,
    resolve_tagged,
)

MAX_EVENTS = 2_000_000

_STYLES = {None: "plain", "'": "single", '"': "double", "|": "literal", ">": "folded"}
_PROP = re.compile(r"(?:![^\s]*|&[^\s,\[\]{}]+)\s*")


def _bare_start(text: str, start: int, end: int) -> int:
    """Skip a tag and/or anchor that precede a node's own text."""
    i = start
    while i < end and text[i] in "!&":
        m = _PROP.match(text, i)
        if not m or m.end() == i:
            break
        i = m.end()
    return i


def scalar_view(s: Scalar, dialect: Dialect) -> Any:
    """The value a loader of ``dialect`` gives this scalar."""
    if s.tag and s.tag != "!":
        return resolve_tagged(s.text, s.tag, dialect)
    if s.style != "plain" or s.tag == "!":
        return s.text
    return resolve_plain(s.text, dialect)


class _Parser(NamedTuple):
    """One parser's events, their kinds, where it puts an empty mapping value
    (``empty_value(text, index, flow)``: the offset ruamel.yaml gives it), the errors
    that are the text's problems (libyaml's: none, its errors decline the text), and what
    checks the name of an anchor or alias (``check_name(text, event)``, raising Declined)."""

    events: Iterator[Any]
    kinds: dict[type, str]
    empty_value: Callable[[str, int, bool], int]
    errors: tuple[type[Exception], ...] = ()
    check_name: Callable[[str, Any], None] | None = None


def _plain_text(value: str, text: str, start: int, end: int) -> bool:
    """Whether a plain scalar's text is its source, and its value that same string
    (the YAML 1.2 core schema reads it as no null, bool or number)."""
    return (end - start == len(value) and text.startswith(value, start) and value[-1:] != "\n"
            and value[:1] not in NUMBER_STARTS and value not in WORDS_12)


def _quoted_text(value: str, text: str, start: int, end: int, quote: str) -> bool:
    """Whether a quoted scalar's source is its value between quotes (no escapes)."""
    return (end - start == len(value) + 2 and text.startswith(value, start + 1)
            and text[start] == quote == text[end - 1])


class _Builder:
    """Nodes from events. Most scalars are plain or simply quoted, with no tag or anchor:
    those are made here from their event's fields directly (``stored_scalar``,
    ``stored_entry``); every other event goes through ``node`` and ``scalar``."""

    def __init__(self, text: str, parser: _Parser) -> None:
        self.text = text
        self.kinds = parser.kinds
        self.empty_value = parser.empty_value
        self.check_name = parser.check_name
        self.source = Source(text)
        self.anchors: dict[str, Node] = {}
        self.duplicates = Duplicates(MAX_PROBLEMS)
        self.scalar_event: Any = next(t for t, kind in parser.kinds.items() if kind == "scalar")
        self.budget = MAX_NODES  # values left to build (see limits.MAX_NODES)

    def scalar(self, ev: Any, base: KeyPath, part: KeyPart | None,
               at: int | None = None) -> Scalar:
        if at is None:
            start = _bare_start(self.text, ev.start_mark.index, ev.end_mark.index)
            end = ev.end_mark.index
        else:
            start = end = at
        style = _STYLES.get(ev.style, "plain")
        tag = ev.tag if isinstance(ev.tag, str) else (str(ev.tag) if ev.tag else None)
        node = Scalar(Span(start, end), base, None, self.text[start:end], style, tag,
                      ev.value, part=part, source=self.source)
        try:
            node.value = scalar_view(node, "yaml12")
        except ValueError:  # an integer past Python's conversion limit: loaders fail here
            raise _Refused(long_int_message(digit_count(node.raw)), node.span, "CFG001"
                           ) from None
        return node

    def leaf(self, ev: Any, base: KeyPath, part: KeyPart) -> Scalar | None:
        """The plain or simply quoted scalar ``ev`` (with no tag or anchor) made directly;
        None for any other, and for one nested past MAX_DEPTH (``node`` refuses it)."""
        if ev.tag is not None or ev.anchor is not None or len(base) + 1 >= MAX_DEPTH:
            return None
        value, style = ev.value, ev.style
        text = self.text
        start, end = ev.start_mark.index, ev.end_mark.index
        if not style:  # plain: None from ruamel.yaml, '' from libyaml
            if end - start != len(value) or not text.startswith(value, start):
                return None
            self.spend(start)
            try:
                typed = resolve_plain(value, "yaml12")
            except ValueError:  # an integer past Python's conversion limit
                raise _Refused(long_int_message(digit_count(value)), Span(start, end),
                               "CFG001") from None
            at = pack(start, end)
            keep: str | Source = self.source if (
                typed is not value and value and isinstance(at, int)) else value
            return stored_scalar(at, base, part, typed, PLAIN_FORM, keep)
        if (style == '"' or style == "'") and _quoted_text(value, text, start, end, style):
            self.spend(start)
            return stored_scalar(pack(start, end), base, part, value, QUOTED_FORMS[style],
                                 value)
        return None

    def spend(self, start: int) -> None:
        """Count a value made at ``start``; refuse the file past MAX_NODES."""
        self.budget -= 1
        if self.budget < 0:
            raise _Refused(too_many_message(), Span(start, start + 1), "CFG004")

    def node(self, events: Iterator[Any], ev: Any, kind: str, base: KeyPath,
             part: KeyPart | None) -> Node:
        """The node ``ev`` starts, at key path ``base`` plus ``part`` (if any)."""
        if self.check_name is not None and getattr(ev, "anchor", None) is not None:
            self.check_name(self.text, ev)
        if len(base) + (part is not None) >= MAX_DEPTH:
            start = ev.start_mark.index
            raise _Refused(too_deep_message(), Span(start, start + 1), "CFG004")
        self.spend(ev.start_mark.index)
        if kind == "scalar":
            n: Node = self.scalar(ev, base, part)
        elif kind == "alias":
            target = self.anchors.get(ev.anchor)
            n = Alias(Span(ev.start_mark.index, ev.end_mark.index), base, ev.anchor, target,
                      part=part)
        elif kind == "sequence-start":
            return self.sequence(events, ev, base if part is None else (*base, part))
        elif kind == "mapping-start":
            return self.mapping(events, ev, base if part is None else (*base, part))
        else:  # pragma: no cover - parser guarantees the event kinds above
            raise _Refused(f"unexpected YAML event {kind}", Span(0, 0), "CFG004")
        if ev.anchor and kind != "alias":
            self.anchors[ev.anchor] = n
        return n

    def start_of(self, ev: Any) -> int:
        """Where a collection's own text starts (after its tag and anchor)."""
        text = self.text
        start: int = ev.start_mark.index
        return _bare_start(text, start, len(text)) if text.startswith(("!", "&"), start) \
            else start

    def sequence(self, events: Iterator[Any], ev: Any, path: KeyPath) -> Sequence:
        start = self.start_of(ev)
        seq = Sequence(Span(start, start), path, flow=bool(ev.flow_style))
        if ev.anchor:
            self.anchors[ev.anchor] = seq
        items = seq.items
        scalar_event, kinds = self.scalar_event, self.kinds
        while True:
            child = next(events)
            item = self.leaf(child, path, len(items)) if type(child) is scalar_event else None
            if item is not None:
                items.append(item)
                continue
            kind = kinds[type(child)]
            if kind == "sequence-end":
                end = child.end_mark.index if seq.flow else _last_end(items, start)
                seq.span = Span(start, end)
                return seq
            items.append(self.node(events, child, kind, path, len(items)))

    def mapping(self, events: Iterator[Any], ev: Any, path: KeyPath) -> Mapping:
        start = self.start_of(ev)
        mp = Mapping(Span(start, start), path, flow=bool(ev.flow_style))
        if ev.anchor:
            self.anchors[ev.anchor] = mp
        entries = mp.entries
        seen: dict[str, Entry] = {}
        scalar_event, kinds = self.scalar_event, self.kinds
        while True:
            kev = next(events)
            plain = self.plain_key(kev) if type(kev) is scalar_event else None
            if plain is not None:
                name, key_start, key_end, form = plain
                entry = stored_entry(name, key_start, key_end, form,
                                     self.value(events, path, name, mp.flow))
                merge = name == "<<" and form is PLAIN_FORM
            else:
                kind = kinds[type(kev)]
                if kind == "mapping-end":
                    end = kev.end_mark.index if mp.flow else _last_end(
                        [e.value for e in entries[-1:]], start)
                    mp.span = Span(start, end)
                    return mp
                key = self.node(events, kev, kind, path, None)
                if not isinstance(key, Scalar):
                    # complex keys are legal YAML but no trainer uses them; keep their text
                    key = Scalar(key.span, path, self.text[key.span.start : key.span.end],
                                 self.text[key.span.start : key.span.end], text="?")
                elif type(key.value) is str and key.value == key.text:
                    # a big file repeats a few key names many times: keep one copy of each
                    key.value = key.text = sys.intern(key.value)
                name = str(key.value)
                value = self.value(events, path, name, mp.flow)
                key.share_path(value)  # one key path for the key and its value
                entry = Entry(key, value)
                merge = key.raw == "<<" and key.style == "plain"
            if name in seen and not merge:
                self.duplicates.add(seen[name], entry)
            seen[name] = entry
            entries.append(entry)

    def plain_key(self, ev: Any) -> tuple[str, int, int, Form] | None:
        """A key that is a string spelled as itself (plain) or simply quoted, with no tag
        or anchor: its name (interned: a big file repeats a few names many times), start,
        end and form; None for any other key."""
        if ev.tag is not None or ev.anchor is not None:
            return None
        value, style = ev.value, ev.style
        start, end = ev.start_mark.index, ev.end_mark.index
        if not style:  # plain: None from ruamel.yaml, '' from libyaml
            if not _plain_text(value, self.text, start, end):
                return None
            form = PLAIN_FORM
        elif style == '"' or style == "'":
            if not _quoted_text(value, self.text, start, end, style):
                return None
            form = QUOTED_FORMS[style]
        else:
            return None
        return sys.intern(value), start, end, form

    def value(self, events: Iterator[Any], path: KeyPath, name: str, flow: bool) -> Node:
        """A mapping's value for the key ``name``."""
        vev: Any = next(events)
        if type(vev) is self.scalar_event:
            if _empty(vev):
                at = self.empty_value(self.text, vev.start_mark.index, flow)
                return self.scalar(vev, path, name, at)
            leaf = self.leaf(vev, path, name)
            if leaf is not None:
                return leaf
        return self.node(events, vev, self.kinds[type(vev)], path, name)


def _empty(ev: Any) -> bool:
    """An empty value with no anchor or tag: the parser made it up where no node was."""
    return (not ev.value and not ev.anchor and not ev.tag and not ev.style
            and ev.start_mark.index == ev.end_mark.index)


def _last_end(children: list[Node], default: int) -> int:
    return children[-1].span.end if children else default


def _problem_from(err: Any, text: str) -> ParseProblem:
    """Point where the user must look: the start of an unterminated construct, not EOF."""
    problem = err.problem_mark
    context = err.context_mark
    context_text = str(err.context or "")
    use_context = context is not None and (
        "quoted scalar" in context_text
        or "block scalar" in context_text
        or problem is None
        or problem.index >= len(text.rstrip())
    )
    mark = context if use_context else problem
    offset = mark.index if mark is not None else 0
    parts = [p for p in (err.context, err.problem) if p]
    message = "; ".join(str(p) for p in parts) or "invalid YAML"
    if use_context and context is not None and problem is not None and problem is not context:
        message += f" (reached line {problem.line + 1})"
    return ParseProblem(message=message, offset=min(offset, len(text)))


def _runaway_quote(text: str, problem: ParseProblem) -> ParseProblem:
    """A quoted scalar that swallowed line breaks right before an error is almost
    always a missing closing quote: point at where that string starts."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.tokens import ScalarToken

    last: Any = None
    try:
        for tok in YAML(typ="safe", pure=True).scan(text):
            if tok.start_mark.index >= problem.offset:
                break
            if isinstance(tok, ScalarToken):
                last = tok
    except YAMLError:
        pass
    if (
        last is not None
        and getattr(last, "style", None) in ('"', "'")
        and last.end_mark.line > last.start_mark.line
        and text.count("\n", last.end_mark.index, problem.offset) <= 1
    ):
        line = text.count("\n", 0, problem.offset) + 1
        return ParseProblem(
            f"quoted string is not closed on its line; it runs on to line "
            f"{last.end_mark.line + 1}, where parsing fails ({problem.message}) at line {line}",
            last.start_mark.index,
        )
    return problem


def read_yaml(path: str, text: str, fast: bool = True) -> Document:
    """Parse ``text``; on error return a Document with a located ParseProblem.

    ``fast``: libyaml's events where it can read the text exactly (True), else ruamel.yaml's.
    """
    doc = read_yaml_fast(path, text) if fast else None
    if doc is None:
        from ruamel.yaml.error import YAMLError

        doc = _read(path, text, _Parser(_ruamel_events(text), _ruamel_kinds(), _as_is,
                                        (YAMLError,)))
    return doc


def read_yaml_fast(path: str, text: str) -> Document | None:
    """``text`` read from libyaml's events, or None where libyaml is absent or cannot read
    it exactly as ruamel.yaml does (ruamel.yaml then says what is wrong, in its words)."""
    from cfglint.source import yaml_fast

    if not yaml_fast.usable(text):
        return None
    try:
        from yaml import events  # usable(): PyYAML with libyaml is there

        doc = _read(path, text, _Parser(yaml_fast.events(text), _kinds_of(events),
                                        yaml_fast.empty_value, check_name=yaml_fast.check_name))
    except yaml_fast.Declined:
        return None
    except yaml_fast.errors():  # libyaml stopped: ruamel.yaml says why, in its words
        return None
    roots = [r for r in (doc.root, *doc.extra_roots) if r is not None]
    if not yaml_fast.tabs_as_ruamel(text, lambda: _scalar_spans(roots, plain=False),
                                    doc.comments):
        return None
    return doc


def _as_is(text: str, index: int, flow: bool) -> int:
    return index


def _ruamel_events(text: str) -> Iterator[Any]:
    from ruamel.yaml import YAML

    return iter(YAML(typ="safe", pure=True).parse(text))


# event class names, the same in ruamel.yaml and PyYAML, by the kind the parser dispatches on
_EVENT_KINDS = {
    "StreamStartEvent": "stream-start", "StreamEndEvent": "stream-end",
    "DocumentStartEvent": "document-start", "DocumentEndEvent": "document-end",
    "ScalarEvent": "scalar", "AliasEvent": "alias",
    "SequenceStartEvent": "sequence-start", "SequenceEndEvent": "sequence-end",
    "MappingStartEvent": "mapping-start", "MappingEndEvent": "mapping-end",
}


def _kinds_of(events: ModuleType) -> dict[type, str]:
    """A YAML library's event classes by kind (``events`` is its ``events`` module)."""
    return {getattr(events, name): kind for name, kind in _EVENT_KINDS.items()}


def _ruamel_kinds() -> dict[type, str]:
    from ruamel.yaml import events

    return _kinds_of(events)


def _read(path: str, text: str, parser: _Parser) -> Document:
    with building():
        return _build(path, text, parser)


def _build(path: str, text: str, parser: _Parser) -> Document:
    builder = _Builder(text, parser)
    events = chain(islice(parser.events, MAX_EVENTS), _too_many())
    kinds = parser.kinds
    roots: list[Node] = []
    problems: list[ParseProblem] = []
    try:
        while True:
            kind = kinds[type(next(events))]
            if kind == "stream-end":
                break
            if kind != "document-start":
                continue
            first = next(events)
            first_kind = kinds[type(first)]
            if first_kind == "stream-end":
                break
            if first_kind == "document-end":
                continue
            roots.append(builder.node(events, first, first_kind, (), None))
        for _ in parser.events:  # none after the stream's end: the parser lets go of the
            pass  # text it keeps (libyaml a copy) before the Document is made
    except StopIteration:
        pass
    except parser.errors as err:
        problems.append(_parser_problem(err, text))
    except _Refused as err:
        problems.append(ParseProblem(err.message, err.span.start, err.span.end, code=err.code))
    except _TooBig:
        problems.append(ParseProblem("more than 2,000,000 YAML events; refusing to lint", 0,
                                     code="CFG004"))
    except RecursionError:
        problems.append(ParseProblem("nesting too deep to lint", 0, code="CFG004"))
    root = roots[0] if roots and not problems else None
    doc = Document(
        path=path,
        text=text,
        format="yaml",
        root=root,
        problems=problems,
        duplicates=builder.duplicates.pairs if not problems else [],
        more_duplicates=builder.duplicates.more if not problems else 0,
    )
    if not problems:
        doc.comments = hash_comments(text, lambda: _scalar_spans(roots))
    if len(roots) > 1:
        doc.extra_roots = roots[1:]
    return doc


def _parser_problem(err: Exception, text: str) -> ParseProblem:
    """ruamel.yaml's error as a problem, located where its marks say."""
    from ruamel.yaml.error import MarkedYAMLError

    if isinstance(err, MarkedYAMLError):
        return _runaway_quote(text, _problem_from(err, text))
    return ParseProblem(str(err).splitlines()[0] if str(err) else "invalid YAML", 0)


class _TooBig(Exception):
    pass


def _too_many() -> Iterator[Any]:
    """What follows the first MAX_EVENTS events."""
    raise _TooBig()
    yield  # a generator, so that it raises when the event after the last allowed is asked for


class _Refused(Exception):
    """Input the reader will not build a tree for, located."""

    def __init__(self, message: str, span: Span, code: str) -> None:
        super().__init__(message)
        self.message, self.span, self.code = message, span, code


def _scalar_spans(roots: list[Node], plain: bool = True) -> Iterator[Span]:
    """The spans of every scalar, keys included (in no particular order); of the plain
    ones too only with ``plain``. A plain key's Scalar is not made for it."""
    stack: list[Node] = list(roots)
    while stack:
        n = stack.pop()
        if isinstance(n, Scalar):
            if plain or n.style != "plain":
                yield n.span
        elif isinstance(n, Mapping):
            for e in n.entries:
                if plain or e.key_style != "plain":
                    yield e.key_span
                stack.append(e.value)
        elif isinstance(n, Sequence):
            stack.extend(n.items)
