"""JSON → Document with exact spans; every number keeps its original lexeme.

``json.dumps`` would rewrite ``1e-5`` as ``1e-05``, so nothing here re-serialises:
fixes are edits on these spans. Python's ``json`` decides the value of each string
and number (it is what kohya_ss and ai-toolkit load with); the scanner locates.

The scanner reads JSONC (``//`` and ``/* */`` comments, trailing commas: tsconfig.json,
VS Code settings, ``.jsonc``). What strict JSON rejects is kept on the Document as
``lenient`` problems: the pipeline turns them into CFG001 for a trainer whose loader is
``json.load``, and ignores them where the loader is unknown. Comments become
``Document.comments``, so suppression comments work in JSONC.
"""

from __future__ import annotations

import json
import re
import sys

from cfglint.findings import MAX_PROBLEMS
from cfglint.source.document import (
    PLAIN_FORM,
    QUOTED_FORMS,
    Comment,
    Document,
    Duplicates,
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
    too_deep_message,
    too_many_message,
)

_WS = re.compile(r"[ \t\r\n]*")
_BLANK_OR_SLASH = frozenset(" \t\r\n/")
_COMMENT = "a comment (JSON has none)"
_TRAILING = "a trailing comma (JSON allows none)"
# a number's lexeme; group 1 is its fraction and exponent (a float where they are there)
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)((?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)")
_NUMBER_STARTS = frozenset("-0123456789")
# Most of a large file, matched a piece at a time: blanks, a key without escapes (group 1)
# and its colon; after a value, a comma and blanks before the next key (or value), or the
# closing brace (bracket: group 1). Anything else (comments, trailing commas, escapes,
# errors) is read character by character as JSONC.
_KEY = re.compile(r'[ \t\r\n]*"([^"\\\x00-\x1f]*)"[ \t\r\n]*:[ \t\r\n]*')
_AFTER_ENTRY = re.compile(r'[ \t\r\n]*(?:,[ \t\r\n]*(?=")|(\}))')
_AFTER_ITEM = re.compile(r"[ \t\r\n]*(?:,[ \t\r\n]*(?=[^\]/ \t\r\n])|(\]))")
_SIMPLE_STRING = re.compile(r'"[^"\\\x00-\x1f]*"')
_WORD = re.compile(r"true|false|null|NaN|-?Infinity")
_WORDS = {"true": True, "false": False, "null": None, "NaN": float("nan"),
          "Infinity": float("inf"), "-Infinity": float("-inf")}


class _ScanError(Exception):
    def __init__(self, message: str, offset: int, end: int | None = None,
                 code: str = "CFG001") -> None:
        super().__init__(message)
        self.offset = offset
        self.end = end
        self.code = code


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.duplicates = Duplicates(MAX_PROBLEMS)
        self.depth = 0
        self.budget = MAX_NODES  # values left to build (see limits.MAX_NODES)
        self.comments: list[Comment] = []
        self.lenient: list[ParseProblem] = []
        self.source = Source(text)  # numbers and words keep no copy of their text

    def ws(self) -> None:
        """Skip whitespace and JSONC comments."""
        t = self.text
        if t[self.pos:self.pos + 1] not in _BLANK_OR_SLASH:
            return
        while True:
            self.pos = _WS.match(t, self.pos).end()  # type: ignore[union-attr]
            if not t.startswith(("//", "/*"), self.pos):
                return
            start = self.pos
            if t.startswith("//", start):
                end = t.find("\n", start)
                end = len(t) if end == -1 else end
                body_end = end - 1 if end > start and t[end - 1] == "\r" else end
                body = t[start + 2:body_end]
            else:
                close = t.find("*/", start + 2)
                if close == -1:
                    raise _ScanError("unterminated /* comment", start)
                end = close + 2
                body = t[start + 2:close]
            line_start = t.rfind("\n", 0, start) + 1
            own_line = not t[line_start:start].strip()
            self.comments.append(Comment(Span(start, end), body, own_line))
            self.lenient.append(ParseProblem(_COMMENT, start, end))
            self.pos = end

    def trailing_comma(self, comma: int, closer: str) -> bool:
        """After a comma: whether the container closes (a JSONC trailing comma)."""
        self.ws()
        if self.text[self.pos:self.pos + 1] != closer:
            return False
        self.lenient.append(ParseProblem(_TRAILING, comma, comma + 1))
        self.pos += 1
        return True

    def string(self, path: KeyPath, part: KeyPart | None = None) -> Scalar:
        """A string at key path ``path`` plus ``part`` (if any)."""
        t = self.text
        start = self.pos
        simple = _SIMPLE_STRING.match(t, start)
        if simple:  # no escapes, no control characters: the text between the quotes
            end = simple.end()
            value = t[start + 1:end - 1]
            self.pos = end
            return stored_scalar(pack(start, end), path, part, value, QUOTED_FORMS['"'], value)
        i = start + 1
        while True:
            j = t.find('"', i)
            if j == -1:
                raise _ScanError("unterminated string", start)
            nl = t.find("\n", i, j)
            if nl != -1:
                raise _ScanError("unterminated string (a line break inside a string)", start)
            k = j - 1
            bs = 0
            while t[k] == "\\":
                bs += 1
                k -= 1
            if bs % 2 == 0:
                break
            i = j + 1
        end = j + 1
        raw = t[start:end]
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as err:
            raise _ScanError(f"invalid string: {err.msg}", start + err.pos) from None
        self.pos = end
        return Scalar(Span(start, end), path, value, raw, style="double", text=value,
                      part=part)

    def key(self, path: KeyPath) -> Scalar:
        """A key: its name interned (a big file repeats a few names many times) and one
        key path shared by the key and its value."""
        key = self.string(path)
        name = key.text = key.value = sys.intern(str(key.value))
        key._part = name
        return key

    def value(self, path: KeyPath, part: KeyPart | None = None) -> Node:
        """The value at key path ``path`` plus ``part`` (if any): a leaf keeps ``path``
        (shared with its siblings) and ``part``."""
        self.ws()
        t = self.text
        start = self.pos
        if start >= len(t):
            raise _ScanError("expected a value but the file ended", start)
        self.budget -= 1
        if self.budget < 0:
            raise _ScanError(too_many_message(), start, start + 1, code="CFG004")
        c = t[start]
        if c == '"':
            return self.string(path, part)
        if c == "{":
            return self.obj(path if part is None else (*path, part))
        if c == "[":
            return self.arr(path if part is None else (*path, part))
        # a number and a word never start alike ("-" starts a number only before a digit)
        m = _NUMBER.match(t, start) if c in _NUMBER_STARTS else None
        if m is None:
            w = _WORD.match(t, start)
            if w is None:
                raise _ScanError(f"unexpected character {c!r}", start)
            self.pos = end = w.end()
            return stored_scalar(pack(start, end), path, part, _WORDS[w.group()], PLAIN_FORM,
                                 self.source)
        self.pos = end = m.end()
        raw = m.group()
        try:  # what json.load does with a number's lexeme
            value: object = float(raw) if m.end(1) > m.start(1) else int(raw)
        except ValueError:  # an integer past Python's conversion limit: json.load fails
            raise _ScanError(long_int_message(digit_count(raw)), start, end) from None
        return stored_scalar(pack(start, end), path, part, value, PLAIN_FORM, self.source)

    def obj(self, path: KeyPath) -> Mapping:
        t = self.text
        start = self.pos
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _ScanError(too_deep_message(), start, start + 1, code="CFG004")
        self.pos += 1
        mp = Mapping(Span(start, start), path, flow=True)
        entries = mp.entries
        seen: dict[str, Entry] = {}
        self.ws()
        if self.pos < len(t) and t[self.pos] == "}":
            self.pos += 1
        else:
            while True:
                simple = _KEY.match(t, self.pos)
                if simple:  # a key without escapes, its colon, and blanks (most keys)
                    name = sys.intern(simple.group(1))
                    self.pos = simple.end()
                    entry = stored_entry(name, simple.start(1) - 1, simple.end(1) + 1,
                                         QUOTED_FORMS['"'], self.value(path, name))
                else:
                    entry = self.entry(path)
                    name = entry.name
                if name in seen:
                    self.duplicates.add(seen[name], entry)
                seen[name] = entry
                entries.append(entry)
                after = _AFTER_ENTRY.match(t, self.pos)
                if after:  # a comma before the next key, or the closing brace
                    self.pos = after.end()
                    if after.group(1):
                        break
                    continue
                if self.after(t, "}"):
                    break
        self.depth -= 1
        mp.span = Span(start, self.pos)
        return mp

    def entry(self, path: KeyPath) -> Entry:
        """A key (any string), its colon and its value."""
        t = self.text
        self.ws()
        if self.pos >= len(t) or t[self.pos] != '"':
            raise _ScanError("expected a quoted key", self.pos)
        key = self.key(path)
        name = key.value
        self.ws()
        if self.pos >= len(t) or t[self.pos] != ":":
            raise _ScanError("expected ':' after a key", self.pos)
        self.pos += 1
        return Entry(key, self.value(path, name))

    def after(self, t: str, closer: str) -> bool:
        """After a value in a container: whether it closes here (a comma and then no more
        values, or ``closer``); False after a comma that another value follows."""
        self.ws()
        if self.pos < len(t) and t[self.pos] == ",":
            self.pos += 1
            return self.trailing_comma(self.pos - 1, closer)
        if self.pos < len(t) and t[self.pos] == closer:
            self.pos += 1
            return True
        what = "a value" if closer == "}" else "an array item"
        raise _ScanError(f"expected ',' or '{closer}' after {what}", self.pos)

    def arr(self, path: KeyPath) -> Sequence:
        t = self.text
        start = self.pos
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _ScanError(too_deep_message(), start, start + 1, code="CFG004")
        self.pos += 1
        seq = Sequence(Span(start, start), path, flow=True)
        items = seq.items
        self.ws()
        if self.pos < len(t) and t[self.pos] == "]":
            self.pos += 1
        else:
            while True:
                items.append(self.value(path, len(items)))
                after = _AFTER_ITEM.match(t, self.pos)
                if after:  # a comma before the next value, or the closing bracket
                    self.pos = after.end()
                    if after.group(1):
                        break
                    continue
                if self.after(t, "]"):
                    break
        self.depth -= 1
        seq.span = Span(start, self.pos)
        return seq


def read_json(path: str, text: str) -> Document:
    with building():
        return _read(path, text)


def _read(path: str, text: str) -> Document:
    scanner = _Scanner(text)
    problems: list[ParseProblem] = []
    root: Node | None = None
    try:
        root = scanner.value(())
        scanner.ws()
        if scanner.pos < len(text):
            raise _ScanError("extra data after the JSON value", scanner.pos)
    except _ScanError as err:
        problems.append(ParseProblem(str(err), err.offset, err.end, code=err.code))
        root = None
    ok = root is not None
    return Document(path=path, text=text, format="json", root=root, problems=problems,
                    duplicates=scanner.duplicates.pairs if ok else [],
                    more_duplicates=scanner.duplicates.more if ok else 0,
                    comments=scanner.comments if ok else [],
                    lenient=scanner.lenient if ok else [])
