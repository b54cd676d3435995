"""YAML → Document, built from ruamel.yaml's parse events.

Events (not the composed tree) are used because they carry the exact marks of
every scalar and alias and never expand aliases, so an alias bomb costs no more
than its text. Duplicate keys are recorded, not silently merged.
"""

from __future__ import annotations

import re
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from cfglint.source.comments import hash_comments
from cfglint.source.document import (
    Alias,
    Document,
    Entry,
    KeyPath,
    Mapping,
    Node,
    ParseProblem,
    Scalar,
    Sequence,
    Span,
)
from cfglint.source.limits import MAX_DEPTH, digit_count, long_int_message, too_deep_message
from cfglint.source.yaml_dialect import Dialect, resolve_plain, resolve_tagged

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


class _Builder:
    def __init__(self, text: str) -> None:
        self.text = text
        self.anchors: dict[str, Node] = {}
        self.duplicates: list[tuple[Entry, Entry]] = []

    def scalar(self, ev: ScalarEvent, path: KeyPath) -> Scalar:
        start = _bare_start(self.text, ev.start_mark.index, ev.end_mark.index)
        end = ev.end_mark.index
        style = _STYLES.get(ev.style, "plain")
        tag = ev.tag if isinstance(ev.tag, str) else (str(ev.tag) if ev.tag else None)
        node = Scalar(
            span=Span(start, end),
            path=path,
            value=None,
            raw=self.text[start:end],
            style=style,
            tag=tag,
            text=ev.value,
        )
        try:
            node.value = scalar_view(node, "yaml12")
        except ValueError:  # an integer past Python's conversion limit: loaders fail here
            raise _Refused(long_int_message(digit_count(node.raw)), node.span, "CFG001"
                           ) from None
        return node

    def node(self, events: Any, ev: Any, path: KeyPath) -> Node:
        if len(path) >= MAX_DEPTH:
            start = ev.start_mark.index
            raise _Refused(too_deep_message(), Span(start, start + 1), "CFG004")
        if isinstance(ev, ScalarEvent):
            n: Node = self.scalar(ev, path)
        elif isinstance(ev, AliasEvent):
            target = self.anchors.get(ev.anchor)
            n = Alias(Span(ev.start_mark.index, ev.end_mark.index), path, ev.anchor, target)
        elif isinstance(ev, SequenceStartEvent):
            start = _bare_start(self.text, ev.start_mark.index, len(self.text))
            seq = Sequence(Span(start, start), path, flow=bool(ev.flow_style))
            if ev.anchor:
                self.anchors[ev.anchor] = seq
            while True:
                child = next(events)
                if isinstance(child, SequenceEndEvent):
                    end = child.end_mark.index if seq.flow else _last_end(seq.items, start)
                    seq.span = Span(start, end)
                    break
                seq.items.append(self.node(events, child, (*path, len(seq.items))))
            return seq
        elif isinstance(ev, MappingStartEvent):
            start = _bare_start(self.text, ev.start_mark.index, len(self.text))
            mp = Mapping(Span(start, start), path, flow=bool(ev.flow_style))
            if ev.anchor:
                self.anchors[ev.anchor] = mp
            seen: dict[str, Entry] = {}
            while True:
                kev = next(events)
                if isinstance(kev, MappingEndEvent):
                    end = kev.end_mark.index if mp.flow else _last_end(
                        [e.value for e in mp.entries], start
                    )
                    mp.span = Span(start, end)
                    break
                key = self.node(events, kev, path)
                if not isinstance(key, Scalar):
                    # complex keys are legal YAML but no trainer uses them; keep their text
                    key = Scalar(key.span, path, self.text[key.span.start : key.span.end],
                                 self.text[key.span.start : key.span.end], text="?")
                name = str(key.value)
                value = self.node(events, next(events), (*path, name))
                key.path = (*path, name)
                entry = Entry(key, value)
                if name in seen and not (key.raw == "<<" and key.style == "plain"):
                    self.duplicates.append((seen[name], entry))
                seen[name] = entry
                mp.entries.append(entry)
            return mp
        else:  # pragma: no cover - parser guarantees the event kinds above
            raise YAMLError(f"unexpected event {type(ev).__name__}")
        if getattr(ev, "anchor", None) and not isinstance(ev, AliasEvent):
            self.anchors[ev.anchor] = n
        return n


def _last_end(children: list[Node], default: int) -> int:
    return children[-1].span.end if children else default


def _problem_from(err: MarkedYAMLError, text: str) -> ParseProblem:
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


def read_yaml(path: str, text: str) -> Document:
    """Parse ``text``; on error return a Document with a located ParseProblem."""
    yaml = YAML(typ="safe", pure=True)
    builder = _Builder(text)
    roots: list[Node] = []
    problems: list[ParseProblem] = []
    count = 0
    try:
        events = iter(yaml.parse(text))
        for ev in events:
            count += 1
            if count > MAX_EVENTS:
                raise _TooBig()
            if isinstance(ev, DocumentStartEvent):
                first = next(events)
                if isinstance(first, StreamEndEvent):
                    break
                from ruamel.yaml.events import DocumentEndEvent

                if isinstance(first, DocumentEndEvent):
                    continue
                roots.append(builder.node(events, first, ()))
    except MarkedYAMLError as err:
        problems.append(_runaway_quote(text, _problem_from(err, text)))
    except _Refused as err:
        problems.append(ParseProblem(err.message, err.span.start, err.span.end, code=err.code))
    except _TooBig:
        problems.append(ParseProblem("more than 2,000,000 YAML events; refusing to lint", 0,
                                     code="CFG004"))
    except YAMLError as err:
        problems.append(ParseProblem(str(err).splitlines()[0] if str(err) else "invalid YAML", 0))
    except RecursionError:
        problems.append(ParseProblem("nesting too deep to lint", 0, code="CFG004"))
    root = roots[0] if roots and not problems else None
    spans = [s.span for s in _scalars(roots)] if not problems else []
    doc = Document(
        path=path,
        text=text,
        format="yaml",
        root=root,
        problems=problems,
        duplicates=builder.duplicates if not problems else [],
    )
    doc.comments = hash_comments(text, spans) if not problems else []
    if len(roots) > 1:
        doc.extra_roots = roots[1:]
    return doc


class _TooBig(Exception):
    pass


class _Refused(Exception):
    """Input the reader will not build a tree for, located."""

    def __init__(self, message: str, span: Span, code: str) -> None:
        super().__init__(message)
        self.message, self.span, self.code = message, span, code


def _scalars(roots: list[Node]) -> list[Scalar]:
    out: list[Scalar] = []
    stack: list[Node] = list(roots)
    while stack:
        n = stack.pop()
        if isinstance(n, Scalar):
            out.append(n)
        elif isinstance(n, Mapping):
            for e in n.entries:
                out.append(e.key)
                stack.append(e.value)
        elif isinstance(n, Sequence):
            stack.extend(n.items)
    return out
