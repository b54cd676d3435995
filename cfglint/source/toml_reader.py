"""TOML → Document with exact spans.

tomllib (the standard library's TOML 1.0 parser) is the authority on validity and values; a
small scanner here finds where every table, key and value sits in the text, which neither
tomllib nor tomlkit exposes. Values on the tree are tomllib's, so they are exactly what a
trainer's loader gets: taken from its tree of the file, or, in a large file, decoded from the
scalar's own text (the common lexemes as tomllib decodes them, the others by tomllib itself)
so that tomllib's tree is not kept beside the scanner's. A large file's common lines are read
with one match each, by patterns that admit only valid TOML; tomllib parses such a file only
once the scan meets a line they do not check strictly (a file parsed twice took a third more
time), so that it still decides every file that is not plainly valid, and every message.
"""

from __future__ import annotations

import re
import sys
from array import array
from bisect import bisect_right
from functools import cache
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from cfglint.findings import MAX_PROBLEMS, more_set_twice
from cfglint.source.comments import hash_comments
from cfglint.source.document import (
    KEY_FORM,
    PLAIN_FORM,
    STRING_FORM,
    Document,
    Entry,
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
    long_int_span,
    too_deep_message,
    too_many_message,
)

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_WS = re.compile(r"[ \t]*")
_BREAKS = re.compile(r"[ \t\r\n]*")  # blanks and line breaks (a lone \r is never strict)

_ATOM = re.compile(r"[^\s,\]\}#]+")
_DATE_TIME_SPACE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
_TOMLLIB_POS = re.compile(r"\(at line (\d+), column (\d+)\)")

# files from this size on are read the fast way (smaller ones start sooner the plain way:
# no patterns to compile, tomllib's small tree kept for the values)
FAST_FROM = 1 << 16
# the longest array, inline table or line the fast way's patterns are tried on (a pattern
# of repeated items keeps a frame per item: 10 MB of `1,` took gigabytes)
_FAST_SPAN = 1 << 12
_SEP = r"[ \t]*(?:#[^\n]*)?(?:\r?\n|\Z)"  # what may end a line: blanks, a comment, the break
# `key = value` with a bare or dotted bare key and a one-line string without escapes or an
# atom; any other line goes through the general scanner, which these must agree with
_SIMPLE_PAIR = (r"([A-Za-z0-9_-]+(?:[ \t]*\.[ \t]*[A-Za-z0-9_-]+)*)[ \t]*=[ \t]*"
                r"(?:(\"[^\"\\\n]*\"|'[^'\n]*')|([^\s,\]\}#\"'\[\{][^\s,\]\}#]*))")
# an array item the fast way reads: a one-line string without escapes or an atom
_STRING = r"\"[^\"\\\n]*\"|'[^'\n]*'"
_ATOM_TEXT = r"[^\s,\]\}#\"'\[\{][^\s,\]\}#]*"
_SIMPLE_ITEM = rf"{_STRING}|{_ATOM_TEXT}"
# a one-line array of simple items (no comment, nesting or break inside)
_SIMPLE_ARRAY = (rf"\[[ \t]*(?:(?:{_SIMPLE_ITEM})[ \t]*"
                 rf"(?:,[ \t]*(?:{_SIMPLE_ITEM})[ \t]*)*(?:,[ \t]*)?)?\]")


def _inline_pair(capture: bool) -> str:
    """A pair of an inline table with a bare key and a simple item or array (``capture``:
    in groups key, string, atom, array)."""
    key, string, atom, array = (f"({p})" if capture else f"(?:{p})" for p in (
        "[A-Za-z0-9_-]+", _STRING, _ATOM_TEXT, _SIMPLE_ARRAY))
    return rf"{key}[ \t]*=[ \t]*(?:{string}|{atom}|{array})"


class _Patterns:
    """The fast way's patterns, compiled on the first large file only (about a millisecond
    that a small file's start does not pay)."""

    __slots__ = ("array", "compound", "decimal", "header", "inline", "inline_keyval",
                 "inline_pair", "item", "key_eq", "keyval")

    def __init__(self) -> None:
        self.keyval = re.compile(_SIMPLE_PAIR + _SEP)  # a whole line `key = value`
        # `key =` with one bare key, up to its value (a line's or an inline table's)
        self.key_eq = re.compile(r"[ \t]*([A-Za-z0-9_-]+)[ \t]*=[ \t]*")
        self.array = re.compile(_SIMPLE_ARRAY)
        self.item = re.compile(_SIMPLE_ITEM)
        # an inline table of such pairs, and one of its pairs (groups: key, string, atom,
        # array)
        pair = _inline_pair(capture=False)
        self.inline = re.compile(rf"\{{[ \t]*(?:{pair}(?:[ \t]*,[ \t]*{pair})*[ \t]*)?\}}")
        self.inline_pair = re.compile(_inline_pair(capture=True))
        # a whole line `key = {...}` or `key = [...]` of those (groups: key, table, array)
        self.compound = re.compile(rf"([A-Za-z0-9_-]+)[ \t]*=[ \t]*"
                                   rf"(?:({self.inline.pattern})|({_SIMPLE_ARRAY})){_SEP}")
        # `key = value` in an inline table, up to the ',' or '}' after it
        self.inline_keyval = re.compile(r"[ \t]*" + _SIMPLE_PAIR + r"[ \t]*(?=[,}])")
        # a whole line `[[name]]` or `[name]` with a bare name
        self.header = re.compile(r"(\[\[?)[ \t]*([A-Za-z0-9_-]+)[ \t]*(\]\]?)" + _SEP)
        # tomllib's decimal integer or float (group 1: the float part)
        self.decimal = re.compile(r"[+-]?(?:0|[1-9](?:_?[0-9])*)"
                                  r"((?:\.[0-9](?:_?[0-9])*)?(?:[eE][+-]?[0-9](?:_?[0-9])*)?)")


@cache
def _patterns() -> _Patterns:
    return _Patterns()


class _ScanError(Exception):
    def __init__(self, message: str, offset: int, code: str = "CFG001") -> None:
        super().__init__(message)
        self.offset = offset
        self.code = code
_QUOTES = ("\"", "'")  # how TOML strings and quoted keys start
_TRIVIA = re.compile(r"(?:[ \t\r\n]+|#[^\n]*)*")


class _Scanner:
    """Reads the text's tree with spans. tomllib decides validity (``settle``): before the
    scan the plain way; the fast way only once the scan meets something its patterns do not
    check strictly (``leave_strict``), so a large file of common lines is parsed once."""

    def __init__(self, text: str, fast: bool) -> None:
        self.text = text
        self.pos = 0
        # the fast way: common lines read with one match each, values decoded from their text
        self.fast = _patterns() if fast else None
        # tomllib's problems with the text; None while the fast way has not needed them
        self.verdict: list[ParseProblem] | None = None
        self.valid = True  # the text is valid TOML (provisional while verdict is None)
        # tomllib's tree: the values (the plain way), or where a scalar's text alone does
        # not decode (the fast way: never seen)
        self.data: dict[str, Any] | None = None
        self.names: dict[str, str] = {}  # one string per key name, however often it occurs
        self.root = Mapping(Span(0, len(text)), ())
        self.problems: list[ParseProblem] = []
        # the scalars a '#' can be inside of (quoted strings and keys), for the comments
        self.quoted: list[Scalar] = []
        self.source = Source(text)  # a scalar's text that is a slice of it is not kept twice
        self.current: Mapping = self.root
        # where the current table's last line ends: its span is extended when it is left
        self.current_end = 0
        self.line_starts: array[int] | None = None  # made for the first duplicate key
        self.more_duplicates = 0  # duplicate keys past the MAX_PROBLEMS reported
        self.budget = MAX_NODES  # values left to build (see limits.MAX_NODES)

    def spend(self, at: int) -> None:
        """Count a value made at ``at``; refuse the file past MAX_NODES."""
        self.budget -= 1
        if self.budget < 0:
            raise _ScanError(too_many_message(), at, code="CFG004")

    def settle(self) -> None:
        """Let tomllib decide the text's validity and problems now (once)."""
        if self.verdict is not None:
            return
        data, self.verdict = _validate(self.text)
        self.valid = data is not None
        if not self.fast:
            self.data = data  # the fast way decodes values from the text instead

    def leave_strict(self) -> None:
        """The scan reads something its patterns do not check strictly: tomllib decides.

        Every line the fast way reads by one match is valid TOML, lexically (the text has
        no control character, see ``_strict_text``; scalars are simple strings, decimal
        numbers and booleans), and the only ways lines valid on their own conflict are
        the ones that end here too: a dotted key into a value or an inline table, a header
        naming something that exists (but for ``[[name]]`` after ``[[name]]``), and a
        duplicate key (a problem of its own)."""
        self.settle()

    # -- low level --------------------------------------------------------------------
    def ws(self) -> None:
        self.pos = _WS.match(self.text, self.pos).end()  # type: ignore[union-attr]

    def skip_trivia(self) -> None:
        """Whitespace, newlines and comments (inside arrays)."""
        self.pos = _TRIVIA.match(self.text, self.pos).end()  # type: ignore[union-attr]

    def end_of_line(self) -> None:
        self.ws()
        t = self.text
        if self.pos < len(t) and t[self.pos] == "#":
            nl = t.find("\n", self.pos)
            self.pos = len(t) if nl == -1 else nl
        if self.pos < len(t) and t[self.pos] == "\r":
            self.pos += 1
        if self.pos < len(t) and t[self.pos] == "\n":
            self.pos += 1
        elif self.pos < len(t):
            raise _ScanError("expected the end of the line", self.pos)

    def string_end(self, start: int) -> int:
        t = self.text
        if t.startswith('"""', start):
            i = start + 3
            while True:
                j = t.find('"""', i)
                if j == -1:
                    raise _ScanError("unterminated multi-line string", start)
                bs = 0
                k = j - 1
                while k >= start + 3 and t[k] == "\\":
                    bs += 1
                    k -= 1
                if bs % 2 == 0:
                    end = j + 3
                    while end < len(t) and t[end] == '"' and end - j < 5:
                        end += 1
                    return end
                i = j + 1
        if t.startswith("'''", start):
            j = t.find("'''", start + 3)
            if j == -1:
                raise _ScanError("unterminated multi-line literal string", start)
            end = j + 3
            while end < len(t) and t[end] == "'" and end - j < 5:
                end += 1
            return end
        q = t[start]
        i = start + 1
        while i < len(t):
            c = t[i]
            if c == "\\" and q == '"':
                i += 2
                continue
            if c == q:
                return i + 1
            if c == "\n":
                break
            i += 1
        raise _ScanError("unterminated string", start)

    def key(self) -> list[tuple[str, Span]]:
        """A possibly dotted key: [(name, span), ...]."""
        self.leave_strict()
        parts: list[tuple[str, Span]] = []
        while True:
            self.ws()
            t = self.text
            start = self.pos
            if start < len(t) and t[start] in "\"'":
                end = self.string_end(start)
                raw = t[start:end]
                name = _quoted_key(raw, start)
            else:
                m = _BARE_KEY.match(t, start)
                if not m:
                    raise _ScanError("expected a key", start)
                end = m.end()
                name = m.group()
            parts.append((self.names.setdefault(name, name), Span(start, end)))
            if len(parts) > MAX_DEPTH:
                raise _ScanError(too_deep_message(), start, code="CFG004")
            self.pos = end
            self.ws()
            if self.pos < len(t) and t[self.pos] == ".":
                self.pos += 1
                continue
            return parts

    # -- values -------------------------------------------------------------------------
    def value(self, base: KeyPath, part: KeyPart) -> Node:
        """The value at key path ``(*base, part)`` (a scalar shares ``base``)."""
        t = self.text
        start = self.pos
        if start >= len(t):
            raise _ScanError("expected a value", start)
        self.spend(start)
        c = t[start]
        if c in "[{":
            if len(base) + 1 >= MAX_DEPTH:  # bounded recursion: configs nest a dozen levels
                raise _ScanError(too_deep_message(), start, code="CFG004")
            path = (*base, part)
            return self.array(path) if c == "[" else self.inline_table(path)
        return self.atom(base, part)

    def array(self, path: KeyPath) -> Sequence:
        t = self.text
        start = self.pos
        if self.fast:
            m = self.fast.array.match(t, start, start + _FAST_SPAN)
            end = m.end() if m else _simple_array_end(t, start, self.fast)
            if end is not None:
                return self.simple_array(start, end, path, self.fast)
        self.leave_strict()
        seq = Sequence(Span(start, start), path, flow=True)
        self.pos += 1
        while True:
            self.skip_trivia()
            if self.pos < len(t) and t[self.pos] == "]":
                self.pos += 1
                break
            seq.items.append(self.value(path, len(seq.items)))
            self.skip_trivia()
            if self.pos < len(t) and t[self.pos] == ",":
                self.pos += 1
                continue
            self.skip_trivia()
            if self.pos < len(t) and t[self.pos] == "]":
                self.pos += 1
                break
            raise _ScanError("expected ',' or ']' in an array", self.pos)
        seq.span = Span(start, self.pos)
        return seq

    def simple_array(self, start: int, end: int, path: KeyPath, fast: _Patterns) -> Sequence:
        """A match of _Patterns.array from ``start`` to ``end``: what array() makes of it."""
        seq = Sequence(Span(start, end), path, flow=True)
        items = seq.items
        for item in fast.item.finditer(self.text, start + 1, end - 1):
            self.spend(item.start())
            raw = item.group()
            part = len(items)
            quoted = raw[0] in _QUOTES
            scalar = stored_scalar(pack(*item.span()), path, part,
                                   self.simple_value(raw, quoted, path, part),
                                   STRING_FORM if quoted else PLAIN_FORM, self.source)
            if quoted:
                self.quoted.append(scalar)
            items.append(scalar)
        self.pos = end
        return seq

    def simple_value(self, raw: str, quoted: bool, base: KeyPath, part: KeyPart) -> Any:
        """The value of a simple scalar the fast way reads (a one-line string without
        escapes or an atom): what decode() gives, the common lexemes without a call."""
        if not self.valid:
            return None  # a file tomllib rejects: its problem is reported, no value read
        if quoted:
            return raw[1:-1]
        number = self.fast.decimal.fullmatch(raw) if self.fast else None
        if number:
            try:
                return float(raw) if number.group(1) else int(raw, 0)
            except ValueError:  # past Python's int conversion limit: tomllib fails too
                self.leave_strict()
                return None
        if raw == "true" or raw == "false":
            return raw == "true"
        self.leave_strict()  # dates, special floats, other bases, or no value at all
        return self.decode(raw, base, part) if self.valid else None

    def simple_inline_table(self, start: int, end: int, path: KeyPath, fast: _Patterns
                            ) -> Mapping:
        """A match of _Patterns.inline from ``start`` to ``end``: what inline_table() makes
        of it."""
        mp = Mapping(Span(start, end), path, flow=True)
        entries = mp.entries
        names = self.names
        seen: set[str] = set()
        for pair in fast.inline_pair.finditer(self.text, start + 1, end - 1):
            self.spend(pair.start())
            (key_start, key_end), string, atom, array = pair.regs[1:]
            name = pair.group(1)
            name = names.setdefault(name, name)
            value: Node
            if array[0] >= 0:
                value = self.simple_array(*array, (*path, name), fast)
            elif string[0] >= 0:
                value = stored_scalar(pack(*string), path, name,
                                      self.simple_value(pair.group(2), True, path, name),
                                      STRING_FORM, self.source)
                self.quoted.append(value)
            else:
                value = stored_scalar(pack(*atom), path, name,
                                      self.simple_value(pair.group(3), False, path, name),
                                      PLAIN_FORM, self.source)
            if name in seen:
                self.duplicate(mp, name, key_start, key_end)
            seen.add(name)
            entries.append(stored_entry(name, key_start, key_end, KEY_FORM, value))
        self.pos = end
        return mp

    def inline_table(self, path: KeyPath) -> Mapping:
        t = self.text
        start = self.pos
        if self.fast and len(path) + 1 < MAX_DEPTH and (
                m := self.fast.inline.match(t, start, start + _FAST_SPAN)):
            return self.simple_inline_table(start, m.end(), path, self.fast)
        mp = Mapping(Span(start, start), path, flow=True)
        self.pos += 1
        self.ws()
        if self.pos < len(t) and t[self.pos] == "}":
            self.pos += 1
        else:
            while True:
                m = self.fast.inline_keyval.match(t, self.pos) if self.fast else None
                if m:
                    self.simple_keyval(m, mp)
                else:
                    self.keyval(mp)
                self.ws()
                if self.pos < len(t) and t[self.pos] == ",":
                    self.pos += 1
                    continue
                if self.pos < len(t) and t[self.pos] == "}":
                    self.pos += 1
                    break
                raise _ScanError("expected ',' or '}' in an inline table", self.pos)
        mp.span = Span(start, self.pos)
        return mp

    def atom(self, base: KeyPath, part: KeyPart) -> Node:
        self.leave_strict()
        t = self.text
        start = self.pos
        c = t[start]
        if c in "\"'":
            end = self.string_end(start)
            self.pos = end
            return self.make_scalar(start, end, base, part, "string")
        m = _DATE_TIME_SPACE.match(t, start)
        if m:
            atom_end = _ATOM.match(t, start + 11).end()  # type: ignore[union-attr]
            self.pos = atom_end
            return self.make_scalar(start, atom_end, base, part, "datetime")
        m = _ATOM.match(t, start)
        if not m:
            raise _ScanError("expected a value", start)
        self.pos = m.end()
        return self.make_scalar(start, m.end(), base, part, "plain")

    def make_scalar(self, start: int, end: int, base: KeyPath, part: KeyPart,
                    style: str) -> Scalar:
        raw = self.text[start:end]
        value = self.decode(raw, base, part) if self.valid else None
        s = Scalar(Span(start, end), base, value, raw, style=style, text=raw, part=part,
                   source=self.source)
        if raw[:1] in _QUOTES:
            self.quoted.append(s)
        return s

    def decode(self, raw: str, base: KeyPath, part: KeyPart) -> Any:
        """A scalar's value: from tomllib's tree (the plain way), or from its text, and from
        the tree if it does not decode alone (a TOML value means the same wherever it
        stands: never seen)."""
        if self.fast and self.data is None:
            try:
                return _decode(raw, self.fast.decimal)
            except ValueError:
                self.data = tomllib.loads(self.text)
        return _lookup(self.data, (*base, part))


    # -- structure ----------------------------------------------------------------------
    def child_table(self, parent: Mapping, name: str, key_span: Span, path: KeyPath,
                    implicit_span: Span) -> Mapping:
        existing = parent.get(name)
        if existing is not None and not (isinstance(existing, Mapping) and not existing.flow):
            self.leave_strict()  # a dotted key into a value or an inline table
        if isinstance(existing, Mapping):
            return existing
        if isinstance(existing, Sequence) and existing.items and isinstance(
            existing.items[-1], Mapping
        ):
            last = existing.items[-1]
            assert isinstance(last, Mapping)
            return last
        mp = Mapping(implicit_span, path)
        self.add_entry(parent, name, key_span, mp)
        return mp

    def add_entry(self, parent: Mapping, name: str, key_span: Span, value: Node,
                  bare: bool = False) -> None:
        """Append ``name = value`` to ``parent`` (``bare``: the key is spelled as its name)."""
        start, end = key_span
        raw = name if bare else self.text[start:end]
        if parent.get(name) is not None and (
            not isinstance(value, Mapping | Sequence) or value.flow
            or (isinstance(value, Mapping) and value.header is not None)
        ):  # a value, or a table defined again
            self.duplicate(parent, name, start, end)
        if self.fast and raw == name and (not isinstance(value, Mapping | Sequence)
                                          or value.flow):
            # what Entry() keeps of a bare key, made directly (for a value whose span is
            # final: stored_entry keeps the key's place relative to it, and a table's span
            # grows as its lines are read)
            parent.entries.append(stored_entry(name, start, end, KEY_FORM, value))
            return
        key = Scalar(key_span, (), name, raw, style="key", text=name)
        key.share_path(value)
        if raw[0] in _QUOTES:
            self.quoted.append(key)
        parent.entries.append(Entry(key, value))

    def duplicate(self, parent: Mapping, name: str, start: int, end: int) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            self.more_duplicates += 1  # counted, not described (see _read)
            return
        first = parent.entry(name)
        line = self.line_of(first.key_span.start) if first else 0
        self.problems.append(ParseProblem(
            f"duplicate key `{name}` (first set on line {line}); TOML forbids this and "
            "the trainer's loader rejects the file", start, end, code="CFG005"))

    def line_of(self, offset: int) -> int:
        """The 1-based line of ``offset``, by bisection in the line starts found at the first
        call (a file may set one key a hundred thousand times)."""
        if self.line_starts is None:
            self.line_starts = array("q", [0])
            self.line_starts.extend(m.end() for m in re.finditer("\n", self.text))
        return bisect_right(self.line_starts, offset)

    def keyval(self, table: Mapping) -> None:
        m = self.fast.key_eq.match(self.text, self.pos) if self.fast else None
        if m:  # one bare key and its '=': what key() and the lines below make of them
            name = m.group(1)
            parts = [(self.names.setdefault(name, name), Span(*m.span(1)))]
            self.pos = m.end()
        else:
            parts = self.key()
            self.ws()
            if self.pos >= len(self.text) or self.text[self.pos] != "=":
                raise _ScanError("expected '=' after a key", self.pos)
            self.pos += 1
            self.ws()
        target = table
        for name, span in parts[:-1]:
            target = self.child_table(target, name, span, (*target.path, name), span)
        name, span = parts[-1]
        value = self.value(target.path, name)
        self.add_entry(target, name, span, value)
        if target is not table:
            target.span = Span(min(target.span.start, span.start), value.span.end)

    def simple_keyval(self, m: re.Match[str], table: Mapping) -> None:
        """A match of _Patterns.keyval (a line: what keyval() and end_of_line() make of it)
        or of _Patterns.inline_keyval (a pair in an inline table: what keyval() makes)."""
        (_, line_end), (key_start, key_end), string, atom = m.regs
        self.spend(key_start)
        t = self.text
        names = self.names
        name = t[key_start:key_end]
        target = table
        if "." in name:  # a dotted key: its tables first
            parts = [(names.setdefault(p.group(), p.group()), p.span())
                     for p in _BARE_KEY.finditer(t, key_start, key_end)]
            if len(parts) > MAX_DEPTH:
                self.keyval(table)  # raises, saying where it is too deep
                return
            for part, (start, end) in parts[:-1]:
                span = Span(start, end)
                target = self.child_table(target, part, span, (*target.path, part), span)
            name, (key_start, key_end) = parts[-1]
        else:
            name = names.setdefault(name, name)
        base = target.path
        quoted = string[0] >= 0
        start, end = string if quoted else atom
        value = self.simple_value(t[start:end], quoted, base, name)
        # what Scalar() makes of it: the text is the raw text, a slice of the file
        scalar = stored_scalar(pack(start, end), base, name, value,
                               STRING_FORM if quoted else PLAIN_FORM, self.source)
        if quoted:
            self.quoted.append(scalar)
        entries = target.entries
        if entries and (name in [e.name for e in entries] if len(entries) < 8
                        else target.get(name) is not None):
            self.duplicate(target, name, key_start, key_end)
        entries.append(stored_entry(name, key_start, key_end, KEY_FORM, scalar))
        if target is not table:
            target.span = Span(min(target.span.start, key_start), end)
        self.pos = line_end

    def compound_keyval(self, m: re.Match[str], table: Mapping) -> None:
        """A match of _Patterns.compound: what keyval() and end_of_line() make of the line."""
        assert self.fast is not None
        name = m.group(1)
        name = self.names.setdefault(name, name)
        path = (*table.path, name)
        start, end = m.span(2)
        value = (self.simple_inline_table(start, end, path, self.fast) if start >= 0
                 else self.simple_array(*m.span(3), path, self.fast))
        self.add_entry(table, name, Span(*m.span(1)), value, bare=True)
        self.pos = m.end()

    def header(self) -> None:
        t = self.text
        start = self.pos
        aot = t.startswith("[[", start)
        self.pos += 2 if aot else 1
        parts = self.key()
        self.ws()
        close = "]]" if aot else "]"
        if not t.startswith(close, self.pos):
            raise _ScanError(f"expected '{close}' to close a table header", self.pos)
        self.pos += len(close)
        self.open_table(Span(start, self.pos), aot, parts)

    def simple_header(self, m: re.Match[str]) -> None:
        """A match of _Patterns.header: what header() and end_of_line() make of the line."""
        name = m.group(2)
        self.open_table(Span(m.start(), m.end(3)), m.group(1) == "[[",
                        [(self.names.setdefault(name, name), Span(*m.span(2)))])
        self.pos = m.end()

    def open_table(self, header: Span, aot: bool, parts: list[tuple[str, Span]]) -> None:
        """Make the table a header names the current one."""
        self.spend(header.start)
        parent = self.root
        for name, span in parts[:-1]:
            parent = self.child_table(parent, name, span, (*parent.path, name), header)
        name, span = parts[-1]
        existing = parent.get(name)
        if existing is not None and not (aot and isinstance(existing, Sequence)
                                         and not existing.flow):
            self.leave_strict()  # a header naming what exists, but for [[name]] again
        if aot:
            seq = existing
            if not isinstance(seq, Sequence):
                seq = Sequence(header, (*parent.path, name))
                self.add_entry(parent, name, span, seq)
            # the sequence's span is set once all its tables are read (_fix_spans)
            table = Mapping(header, (*seq.path, len(seq.items)), header=header)
            seq.items.append(table)
        else:
            existing = parent.get(name)
            if isinstance(existing, Mapping) and existing.header is None and not existing.flow:
                table = existing  # implicitly created earlier, now defined
                table.header = header
                table.span = Span(header.start, header.end)
            else:
                table = Mapping(header, (*parent.path, name), header=header)
                self.add_entry(parent, name, span, table)
        _extend(self.current, self.current_end)
        self.current = table

    def run(self) -> None:
        t = self.text
        simple_keyval = self.fast.keyval.match if self.fast else _never
        simple_header = self.fast.header.match if self.fast else _never
        compound = self.fast.compound.match if self.fast else _never
        n = len(t)
        while True:
            if self.pos < n and t[self.pos] in " \t\r\n#":
                self.skip_trivia()
            if self.pos >= n:
                break
            line_start = self.pos
            if t[line_start] == "[":
                m = simple_header(t, line_start)
                if m and len(m.group(1)) == len(m.group(3)):
                    self.simple_header(m)
                else:
                    self.header()
                    self.end_of_line()
            else:
                m = simple_keyval(t, line_start)
                if m:
                    self.simple_keyval(m, self.current)
                elif (m := compound(t, line_start, _line_end(t, line_start))) and len(
                        self.current.path) + 2 < MAX_DEPTH:
                    self.compound_keyval(m, self.current)
                else:
                    self.keyval(self.current)
                    self.end_of_line()
            end = self.pos
            while end > line_start and t[end - 1] in "\r\n":
                end -= 1
            self.current_end = end
        _extend(self.current, self.current_end)
        _fix_spans(self.root)
        self.root.span = Span(0, len(t))


def _never(text: str, pos: int, end: int = 0) -> None:
    return None


def _simple_array_end(text: str, start: int, fast: _Patterns) -> int | None:
    """Where the array at ``start`` ends if it is _Patterns.array's but for line breaks
    between its items, found item by item (a long array: a pattern keeps a frame per
    item); None for any other (with a comment, say: the general scanner reads it)."""
    pos = _BREAKS.match(text, start + 1).end()  # type: ignore[union-attr]
    while pos < len(text) and text[pos] != "]":
        item = fast.item.match(text, pos)
        if item is None:
            return None
        pos = _BREAKS.match(text, item.end()).end()  # type: ignore[union-attr]
        if text.startswith(",", pos):
            pos = _BREAKS.match(text, pos + 1).end()  # type: ignore[union-attr]
        elif not text.startswith("]", pos):
            return None
    return pos + 1 if pos < len(text) else None


def _line_end(text: str, start: int) -> int:
    """Where the line from ``start`` ends, its break included; ``start`` for a line longer
    than _FAST_SPAN (no pattern is tried on it)."""
    brk = text.find("\n", start, start + _FAST_SPAN)
    if brk >= 0:
        return brk + 1
    return len(text) if len(text) - start <= _FAST_SPAN else start


def _decode(raw: str, decimal: re.Pattern[str]) -> Any:
    """The value tomllib gives a scalar's text (one tomllib accepted in the file)."""
    c = raw[0]
    if (c == "'" or (c == '"' and "\\" not in raw)) and raw[1:3] != c + c:
        return raw[1:-1]  # a one-line string without escapes (not ''' or """)
    if raw == "true" or raw == "false":
        return raw == "true"
    m = decimal.fullmatch(raw)
    if m:
        return float(raw) if m.group(1) else int(raw, 0)
    return tomllib.loads(f"v = {raw}")["v"]


def _lookup(data: dict[str, Any] | None, path: KeyPath) -> Any:
    """The value at ``path`` in tomllib's tree."""
    node: Any = data
    for part in path:
        if isinstance(node, dict) and isinstance(part, str):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            return None
    return node


def _extend(table: Mapping, end: int) -> None:
    if end > table.span.end:
        table.span = Span(table.span.start, end)


def _fix_spans(mp: Mapping) -> None:
    """A table's span ends at its last descendant (tables nest only logically in TOML)."""
    for e in mp.entries:
        v = e.value
        if isinstance(v, Mapping) and not v.flow:
            _fix_spans(v)
        elif isinstance(v, Sequence) and not v.flow:
            for item in v.items:
                if isinstance(item, Mapping):
                    _fix_spans(item)
            if v.items:
                v.span = Span(v.span.start, max(i.span.end for i in v.items))


def _quoted_key(raw: str, start: int) -> str:
    """A quoted key's name: a literal key as written, a basic one with its escapes decoded
    by tomllib (an invalid escape is the file's parse error, located at the key)."""
    if raw[0] != '"':
        return raw[1:-1]
    try:
        name = tomllib.loads(f"k = {raw}")["k"]
    except ValueError as err:  # TOMLDecodeError is a ValueError
        raise _ScanError(f"invalid quoted key {raw[:40]}: {_TOMLLIB_POS.sub('', str(err))}"
                         .strip(), start) from None
    return str(name)


def _line_col_offset(text: str, line: int, col: int) -> int:
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    line = max(1, min(line, len(starts)))
    return min(starts[line - 1] + col - 1, len(text))


# what TOML allows nowhere outside a multi-line string: an ASCII control character other
# than a tab or a line break, or a carriage return without its line feed
_NOT_STRICT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\r(?!\n)")


def _strict_text(text: str) -> bool:
    """Whether every line the fast way's patterns match is valid TOML on its own."""
    return _NOT_STRICT.search(text) is None


def _validate(text: str) -> tuple[dict[str, Any] | None, list[ParseProblem]]:
    """tomllib's tree of ``text`` (None where it rejects it) and its problems."""
    try:
        return tomllib.loads(text), []
    except tomllib.TOMLDecodeError as err:
        msg = str(err)
        m = _TOMLLIB_POS.search(msg)
        offset = _line_col_offset(text, int(m.group(1)), int(m.group(2))) if m else 0
        return None, [ParseProblem(_TOMLLIB_POS.sub("", msg).strip(), offset)]
    except ValueError:  # tomllib's int() past Python's conversion limit
        span = long_int_span(text) or Span(0, 0)
        return None, [ParseProblem(long_int_message(digit_count(text[span.start:span.end])),
                                   span.start, span.end)]
    except RecursionError:  # tomllib recurses per nesting level; the scanner says where
        return None, []


def _scan_problems(err: _ScanError, valid: bool, problems: list[ParseProblem],
                   size: int) -> list[ParseProblem]:
    """The problems of a text the scanner stopped on, given tomllib's."""
    if err.code != "CFG001" or (not valid and not problems):
        return [ParseProblem(str(err), err.offset, code=err.code)]
    if not problems:
        return [ParseProblem(
            f"{err} (cfglint's TOML scanner disagrees with tomllib here; please report)",
            err.offset)]
    # the scanner usually finds the first syntax error more precisely
    first = problems[0]
    return [ParseProblem(first.message, min(first.offset, err.offset)
                         if err.offset < size else first.offset), *problems[1:]]


def read_toml(path: str, text: str, *, fast: bool | None = None) -> Document:
    """The Document of a TOML text, read the fast way from FAST_FROM characters on (``fast``
    forces one way or the other, to test that they agree)."""
    fast = len(text) >= FAST_FROM if fast is None else fast
    with building():
        return _read(path, text, fast)


def _read(path: str, text: str, fast: bool) -> Document:
    scanner = _Scanner(text, fast)
    if not (fast and _strict_text(text)):
        scanner.settle()
    try:
        scanner.run()
    except _ScanError as err:
        if err.code == "CFG001":  # a syntax error: tomllib says what it is
            scanner.settle()
        problems = _scan_problems(err, scanner.valid, scanner.verdict or [], len(text))
    else:
        problems = scanner.verdict or []
        if not scanner.valid and not problems:  # tomllib ran out of stack, the scan did not
            problems = [ParseProblem(too_deep_message(), 0, code="CFG004")]
    # a duplicate key makes tomllib fail; report it with both places instead
    dup = [p for p in scanner.problems if p.code == "CFG005"]
    if dup:
        problems = dup
    if scanner.more_duplicates:
        problems.append(ParseProblem(more_set_twice(scanner.more_duplicates, MAX_PROBLEMS),
                                     0, code="CFG012"))
    doc = Document(path=path, text=text, format="toml",
                   root=scanner.root if not problems else None, problems=problems)
    if not problems:
        doc.comments = hash_comments(text, lambda: (s.span for s in scanner.quoted),
                                      need_space=False)
    return doc

