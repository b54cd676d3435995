"""libyaml's parse events: ruamel.yaml's pure-Python parser reads about 70 KB a second,
libyaml about 2 MB, and a file libyaml reads needs no import of ruamel.yaml.

The YAML reader builds its tree from parse events: the same events, with the same
character offsets, whichever parser made them (tests compare the two readers' Documents on
every corpus file and on generated YAML). Where libyaml reads a text differently from
ruamel.yaml, this module declines and the reader uses ruamel.yaml:

- line breaks YAML 1.2 no longer has (NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR: libyaml,
  a YAML 1.1 parser, breaks lines there);
- directives (``%YAML``, ``%TAG``), which the two parsers handle by different versions,
  and a byte order mark after the start;
- an anchor or alias name followed by anything but a blank or a flow indicator: ruamel.yaml
  (YAML 1.2) takes ``*a:`` as the alias ``a:``, libyaml as ``a`` and a colon;
- a tab outside a quoted or block scalar or a comment, which ruamel.yaml rejects
  wherever it is (``key:\t1``, ``a b\tc``) and libyaml accepts between tokens and in plain
  scalars (checked once the events are read, where the file has a tab at all);
- an empty value in a flow mapping (``{a: , b: 1}``), which libyaml places after the
  blanks that follow the colon and ruamel.yaml before them;
- any text libyaml rejects: ruamel.yaml's message and location are the ones users see.

An empty value in a block mapping (``key:`` and nothing) is placed where ruamel.yaml places
it, at the next token (libyaml: right after the colon).

libyaml comes with PyYAML's binary wheels; without it (PyYAML built without the C
extension, or no PyYAML at all) every file is read with ruamel.yaml.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from cfglint.source.document import Comment, Span

# a text with any of these is read by ruamel.yaml (see the module docstring)
_DECLINE = re.compile(r"[\x85\u2028\u2029\ufeff]|^%", re.MULTILINE)
_NAME_ENDS = frozenset(" \t\r\n,[]{}")


_TAB = re.compile("\t")
_BLANKS = re.compile(r"(?:[ \t\r\n]+|#[^\n]*)*")


class Declined(Exception):
    """libyaml stopped on this text: read it with ruamel.yaml instead."""


def _parser() -> Any:
    try:
        from yaml import _yaml  # type: ignore[attr-defined]
    except ImportError:
        return None
    return _yaml.CParser


def usable(text: str) -> bool:
    """Whether libyaml is installed and reads ``text`` exactly as ruamel.yaml does (as far
    as can be told before parsing; a parse error is found while reading)."""
    return _DECLINE.search(text) is None and _parser() is not None


def events(text: str) -> Iterator[Any]:
    """libyaml's events for ``text`` (call ``usable`` first): Declined where libyaml does
    not start; while reading, what libyaml raises is one of ``errors()``, and an anchor or
    alias name is the reader's to check (``check_name``). No Python code runs between
    libyaml and the reader: a large file has over a million events."""
    try:
        parser = _parser()(text)
    except Exception as err:  # whatever stops libyaml, ruamel.yaml reads the text
        raise Declined(str(err)) from None
    return iter(parser.get_event, None)


def errors() -> tuple[type[BaseException], ...]:
    """What libyaml's parser raises on a text it cannot read: PyYAML's errors, and what
    its binding raises where libyaml fails otherwise."""
    from yaml import YAMLError

    return (YAMLError, MemoryError, ValueError)


def check_name(text: str, event: Any) -> None:
    """Decline where ruamel.yaml would read a longer anchor or alias name."""
    name = event.anchor
    start = event.start_mark.index
    if text[start:start + 1] != "*":  # an anchor, perhaps after a tag
        start = text.find("&" + name, start)
    end = start + 1 + len(name)
    if start == -1 or (end < len(text) and text[end] not in _NAME_ENDS):
        raise Declined(f"anchor or alias {name!r} ends where ruamel.yaml's would not")


def empty_value(text: str, index: int, flow: bool) -> int:
    """Where ruamel.yaml puts the empty value libyaml put at ``index``: in a block
    mapping, at the end of the next token, which is zero-wide when it is the next key or
    the end of the mapping. Before an explicit ``?`` key or a ``:``, where that depends on
    the indentation, libyaml declines."""
    if flow:
        raise Declined("an empty value in a flow mapping")
    at = _BLANKS.match(text, index).end()  # type: ignore[union-attr]
    if text[at:at + 1] in ("?", ":") and text[at + 1:at + 2] in ("", " ", "\t", "\r", "\n"):
        raise Declined("an empty value before an explicit key")
    return at


def tabs_as_ruamel(text: str, quoted: Callable[[], Iterable[Span]],
                   comments: list[Comment]) -> bool:
    """Whether every tab of ``text`` is where ruamel.yaml accepts one: inside a quoted or
    block scalar (``quoted`` gives their spans) or a comment."""
    tabs = [m.start() for m in _TAB.finditer(text)]
    if not tabs:
        return True
    inside = bytearray(len(tabs))
    for span in (*quoted(), *(c.span for c in comments)):
        k = bisect.bisect_left(tabs, span.start)
        while k < len(tabs) and tabs[k] < span.end:
            inside[k] = 1
            k += 1
    return all(inside)
