"""JSON → Document with exact spans; every number keeps its original lexeme.

``json.dumps`` would rewrite ``1e-5`` as ``1e-05`` (formats.md §0.3), so nothing
here re-serialises: fixes are edits on these spans. Python's ``json`` decides
validity (it is what kohya_ss and ai-toolkit load with); the scanner locates.
"""

from __future__ import annotations

import json
import re

from cfglint.source.document import (
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

_WS = re.compile(r"[ \t\r\n]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
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

    def ws(self) -> None:
        self.pos = _WS.match(self.text, self.pos).end()  # type: ignore[union-attr]

    def string(self, path: KeyPath) -> Scalar:
        t = self.text
        start = self.pos
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
        return Scalar(Span(start, end), path, value, raw, style="double", text=value)

    def value(self, path: KeyPath) -> Node:
        self.ws()
        t = self.text
        start = self.pos
        if start >= len(t):
            raise _ScanError("expected a value but the file ended", start)
        c = t[start]
        if c == '"':
            return self.string(path)
        if c == "{":
            return self.obj(path)
        if c == "[":
            return self.arr(path)
        m = _NUMBER.match(t, start)
        w = _WORD.match(t, start)
        if w and (not m or w.end() > m.end()):
            self.pos = w.end()
            return Scalar(Span(start, w.end()), path, _WORDS[w.group()], w.group(), text=w.group())
        if m:
            raw = m.group()
            self.pos = m.end()
            try:
                value: object = json.loads(raw)
            except ValueError:  # an integer past Python's conversion limit: json.load fails
                raise _ScanError(long_int_message(digit_count(raw)), start, m.end()) from None
            return Scalar(Span(start, m.end()), path, value, raw, text=raw)
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
                    what = "a trailing comma" if t[self.pos : self.pos + 1] == "}" else "a key"
                    raise _ScanError(f"expected a quoted key, found {what}", self.pos)
                key = self.string(path)
                name = str(key.value)
                key.path = (*path, name)
                self.ws()
                if self.pos >= len(t) or t[self.pos] != ":":
                    raise _ScanError("expected ':' after a key", self.pos)
                self.pos += 1
                value = self.value((*path, name))
                entry = Entry(key, value)
                if name in seen:
                    self.duplicates.append((seen[name], entry))
                seen[name] = entry
                mp.entries.append(entry)
                self.ws()
                if self.pos < len(t) and t[self.pos] == ",":
                    self.pos += 1
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
                seq.items.append(self.value((*path, len(seq.items))))
                self.ws()
                if self.pos < len(t) and t[self.pos] == ",":
                    self.pos += 1
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
    return Document(path=path, text=text, format="json", root=root, problems=problems,
                    duplicates=scanner.duplicates if root is not None else [])
