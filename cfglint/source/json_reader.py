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

from cfglint.source.document import (
    Comment,
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
)
from cfglint.source.limits import MAX_DEPTH, digit_count, long_int_message, too_deep_message

_WS = re.compile(r"[ \t\r\n]*")
_COMMENT = "a comment (JSON has none)"
_TRAILING = "a trailing comma (JSON allows none)"
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_SIMPLE_STRING = re.compile(r'"[^"\\\x00-\x1f]*"')
_FLOAT_MARK = re.compile(r"[.eE]")
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
        self.duplicates: list[tuple[Entry, Entry]] = []
        self.depth = 0
        self.comments: list[Comment] = []
        self.lenient: list[ParseProblem] = []
        self.source = Source(text)  # numbers and words keep no copy of their text

    def ws(self) -> None:
        """Skip whitespace and JSONC comments."""
        t = self.text
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
            return Scalar(Span(start, end), path, value, simple.group(), style="double",
                          text=value, part=part)
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
        c = t[start]
        if c == '"':
            return self.string(path, part)
        if c == "{":
            return self.obj(path if part is None else (*path, part))
        if c == "[":
            return self.arr(path if part is None else (*path, part))
        m = _NUMBER.match(t, start)
        w = _WORD.match(t, start)
        if w and (not m or w.end() > m.end()):
            self.pos = w.end()
            word = w.group()
            return Scalar(Span(start, w.end()), path, _WORDS[word], word, text=word, part=part,
                          source=self.source)
        if m:
            raw = m.group()
            self.pos = m.end()
            try:  # what json.load does with a number's lexeme
                value: object = float(raw) if _FLOAT_MARK.search(raw) else int(raw)
            except ValueError:  # an integer past Python's conversion limit: json.load fails
                raise _ScanError(long_int_message(digit_count(raw)), start, m.end()) from None
            return Scalar(Span(start, m.end()), path, value, raw, text=raw, part=part,
                          source=self.source)
        raise _ScanError(f"unexpected character {c!r}", start)

    def obj(self, path: KeyPath) -> Mapping:
        t = self.text
        start = self.pos
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _ScanError(too_deep_message(), start, start + 1, code="CFG004")
        self.pos += 1
        mp = Mapping(Span(start, start), path, flow=True)
        seen: dict[str, Entry] = {}
        self.ws()
        if self.pos < len(t) and t[self.pos] == "}":
            self.pos += 1
        else:
            while True:
                self.ws()
                if self.pos >= len(t) or t[self.pos] != '"':
                    raise _ScanError("expected a quoted key", self.pos)
                key = self.key(path)
                name = key.value
                self.ws()
                if self.pos >= len(t) or t[self.pos] != ":":
                    raise _ScanError("expected ':' after a key", self.pos)
                self.pos += 1
                value = self.value(path, name)
                entry = Entry(key, value)
                if name in seen:
                    self.duplicates.append((seen[name], entry))
                seen[name] = entry
                mp.entries.append(entry)
                self.ws()
                if self.pos < len(t) and t[self.pos] == ",":
                    self.pos += 1
                    if self.trailing_comma(self.pos - 1, "}"):
                        break
                    continue
                if self.pos < len(t) and t[self.pos] == "}":
                    self.pos += 1
                    break
                raise _ScanError("expected ',' or '}' after a value", self.pos)
        self.depth -= 1
        mp.span = Span(start, self.pos)
        return mp

    def arr(self, path: KeyPath) -> Sequence:
        t = self.text
        start = self.pos
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _ScanError(too_deep_message(), start, start + 1, code="CFG004")
        self.pos += 1
        seq = Sequence(Span(start, start), path, flow=True)
        self.ws()
        if self.pos < len(t) and t[self.pos] == "]":
            self.pos += 1
        else:
            while True:
                seq.items.append(self.value(path, len(seq.items)))
                self.ws()
                if self.pos < len(t) and t[self.pos] == ",":
                    self.pos += 1
                    if self.trailing_comma(self.pos - 1, "]"):
                        break
                    continue
                if self.pos < len(t) and t[self.pos] == "]":
                    self.pos += 1
                    break
                raise _ScanError("expected ',' or ']' after an array item", self.pos)
        self.depth -= 1
        seq.span = Span(start, self.pos)
        return seq


def read_json(path: str, text: str) -> Document:
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
                    duplicates=scanner.duplicates if ok else [],
                    comments=scanner.comments if ok else [],
                    lenient=scanner.lenient if ok else [])
