"""Bytes on disk → Document: decoding, BOM, size limits, and the format by name.

Everything that makes a file unreadable becomes a located ParseProblem (CFG004
for binary, non-UTF-8 or oversized input), never an exception.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from cfglint.source.document import Document, Format, ParseProblem
from cfglint.source.formats import SUFFIXES, reader_for
from cfglint.source.limits import MAX_DEPTH, deepest, too_deep_message

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_EXPANDED_NODES = 1_000_000  # the same budget as document.to_python
_TOML_LINE = re.compile(r"^\s*(\[\[?[^\]]+\]\]?|[A-Za-z0-9_.\"'-]+\s*=)")


def format_for(path: str) -> Format | None:
    return SUFFIXES.get(PurePath(path).suffix.lower())


def _unreadable(path: str, fmt: Format, message: str, text: str = "") -> Document:
    return Document(path=path, text=text, format=fmt, root=None,
                    problems=[ParseProblem(message, 0, code="CFG004")])


def decode(data: bytes) -> tuple[str | None, bool, str | None]:
    """(text, had_bom, error) for UTF-8 input; binary and other encodings are errors."""
    bom = data.startswith(b"\xef\xbb\xbf")
    if bom:
        data = data[3:]
    if b"\x00" in data[:8192]:
        return None, bom, "binary file (NUL bytes); not a text config"
    try:
        return data.decode("utf-8"), bom, None
    except UnicodeDecodeError as err:
        return None, bom, (
            f"not valid UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start}); "
            "trainers read configs as UTF-8: re-save the file as UTF-8"
        )


def parse_text(path: str, text: str, fmt: Format) -> Document:
    """Text → Document; whatever the text, a Document (bad input is a located problem).

    Readers bound their own recursion; a tree that still nests past MAX_DEPTH (dotted TOML
    keys, say) is refused here, before any recursive stage walks it.
    """
    try:
        doc = reader_for(fmt)(path, text)
    except RecursionError:
        return _unreadable(path, fmt, too_deep_message(), text)
    except (ValueError, OverflowError, MemoryError, UnicodeError) as err:
        return _unreadable(path, fmt, f"cfglint could not read this file ({type(err).__name__}: "
                           f"{_short(err)})", text)
    node = deepest(doc.root)
    for extra in doc.extra_roots:
        node = node or deepest(extra)
    if node is not None:
        doc = _unreadable(path, fmt, too_deep_message(), text)
        doc.problems[0].offset, doc.problems[0].end = node.span.start, node.span.end
    return doc


def _short(err: BaseException, limit: int = 200) -> str:
    text = str(err).splitlines()[0] if str(err) else ""
    return text if len(text) <= limit else text[:limit] + "…"


def read_bytes(path: str, data: bytes, fmt: Format,
               max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    if len(data) > max_bytes:
        return _unreadable(path, fmt, f"file is {len(data) / 1e6:.1f} MB, over the "
                           f"{max_bytes / 1e6:.0f} MB limit (`max-file-size` in settings)")
    text, bom, error = decode(data)
    if text is None:
        return _unreadable(path, fmt, error or "unreadable")
    doc = parse_text(path, text, fmt)
    doc.bom = bom
    if fmt == "yaml" and not doc.problems:
        size, depth = _expanded_size(doc)
        if size > MAX_EXPANDED_NODES:
            return _unreadable(path, fmt, f"YAML aliases expand to more than "
                               f"{MAX_EXPANDED_NODES:,} nodes (an alias bomb); refusing to lint",
                               text)
        if depth > MAX_DEPTH:
            return _unreadable(path, fmt, "YAML aliases expand to a tree " + too_deep_message()
                               .replace("nesting deeper", "deeper"), text)
    return doc


def _expanded_size(doc: Document) -> tuple[int, int]:
    """Node count and depth after alias expansion, computed without expanding (memoised per
    node); (MAX_EXPANDED_NODES + 1, 0) for an alias to its own ancestor; (0, 0) without
    aliases (a large plain file is no alias bomb)."""
    from cfglint.source.document import Alias, Mapping, Sequence

    roots = [doc.root, *getattr(doc, "extra_roots", [])]
    if "*" not in doc.text or not any(isinstance(r, (Alias, Mapping, Sequence)) for r in roots):
        return 0, 0  # no alias: nothing expands (the reader bounds the tree itself)
    aliases = False
    sizes: dict[int, int] = {}
    depths: dict[int, int] = {}
    active: set[int] = set()
    total = 0
    deepest_seen = 0
    for root in roots:
        stack: list[tuple[object, bool]] = [(root, False)]
        while stack:
            node, done = stack.pop()
            key = id(node)
            if key in sizes:
                continue
            keys = 0  # a mapping's keys: scalars, one node and one level each
            if isinstance(node, Alias):
                aliases = True
                children: list[object] = [node.target] if node.target is not None else []
            elif isinstance(node, Mapping):
                keys = len(node.entries)
                children = [e.value for e in node.entries]
            elif isinstance(node, Sequence):
                children = list(node.items)
            else:
                sizes[key] = 1
                depths[key] = 1
                continue
            if done:
                active.discard(key)
                sizes[key] = min(MAX_EXPANDED_NODES + 1,
                                 1 + keys + sum(sizes.get(id(c), MAX_EXPANDED_NODES + 1)
                                         for c in children))
                # an alias is no level of its own: it stands where its target is copied
                deepest = max((depths.get(id(c), 0) for c in children), default=0)
                if keys:  # a key is a scalar: one level (a value may be an empty alias)
                    deepest = max(deepest, 1)
                depths[key] = deepest + (0 if isinstance(node, Alias) else 1)
                continue
            if key in active:  # an alias to its own ancestor: expands without end
                return MAX_EXPANDED_NODES + 1, 0
            active.add(key)
            stack.append((node, True))
            stack += [(c, False) for c in children if id(c) not in sizes]
        total += sizes.get(id(root), 0)
        deepest_seen = max(deepest_seen, depths.get(id(root), 0))
    return (total, deepest_seen) if aliases else (0, 0)


def sniff_format(text: str) -> Format:
    """The format of nameless input (standard input without --stdin-filename): the first
    of JSON, TOML and YAML that reads it, else a guess from its first line. Files on disk
    are never sniffed: their name decides."""
    body = text.lstrip("\ufeff \t\r\n")
    if not body:
        return "yaml"
    order: tuple[Format, ...] = ("json", "toml", "yaml") if body[0] in "{[" else ("toml", "yaml")
    for fmt in order:
        if not parse_text("-", text, fmt).problems:
            return fmt
    first = body.splitlines()[0]
    if body[0] == "{":
        return "json"
    if _TOML_LINE.match(first):
        return "toml"
    return "yaml"


def read_path(path: str, fmt: Format | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
              display: str | None = None) -> Document:
    """A file read in the format its name says (or ``fmt``); a name with no config suffix
    is not guessed at: it becomes a CFG004 problem, never a YAML parse."""
    name = display or path
    fmt = fmt or format_for(path)
    if fmt is None:
        # the format field of an unread document is only a placeholder
        return _unreadable(name, "yaml", f"{PurePath(path).name}: not a file name cfglint "
                           f"reads ({', '.join(sorted(SUFFIXES))})")
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as err:
        return _unreadable(name, fmt, f"cannot read: {err.strerror or err}")
    if len(data) > max_bytes:
        import os

        size = os.path.getsize(path)
        return _unreadable(name, fmt, f"file is {size / 1e6:.1f} MB, over the "
                           f"{max_bytes / 1e6:.0f} MB limit (`max-file-size` in settings)")
    return read_bytes(name, data, fmt, max_bytes)
