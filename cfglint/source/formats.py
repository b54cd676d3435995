"""The one registry of input formats: file suffixes, the reader that builds a Document
with exact spans, and the writer that renders values and inserts keys in the file's own
style. Readers and writers are imported only for the formats a run meets."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING, NamedTuple, Protocol

from cfglint.source.document import Format

if TYPE_CHECKING:
    from cfglint.source.document import Document


class Reader(Protocol):
    def __call__(self, path: str, text: str) -> Document: ...


class SourceFormat(NamedTuple):
    """A file format: its suffixes, reader and writer."""

    name: Format
    suffixes: tuple[str, ...]
    reader: str  # "module:function" building a Document from text
    writer: str  # module with render(value, like), render_key(key, like), insert_key(...)


FORMATS: dict[Format, SourceFormat] = {
    "yaml": SourceFormat("yaml", (".yaml", ".yml"), "cfglint.source.yaml_reader:read_yaml",
                         "cfglint.source.yaml_writer"),
    "toml": SourceFormat("toml", (".toml",), "cfglint.source.toml_reader:read_toml",
                         "cfglint.source.toml_writer"),
    "json": SourceFormat("json", (".json", ".jsonc"), "cfglint.source.json_reader:read_json",
                         "cfglint.source.json_writer"),
    "python": SourceFormat("python", (".py",), "cfglint.source.python_reader:read_python",
                           "cfglint.source.python_writer"),
}
SUFFIXES: dict[str, Format] = {s: f.name for f in FORMATS.values() for s in f.suffixes}


def reader_for(fmt: Format) -> Reader:
    module, _, name = FORMATS[fmt].reader.partition(":")
    fn: Reader = getattr(importlib.import_module(module), name)
    return fn


def writer_for(fmt: Format) -> ModuleType:
    return importlib.import_module(FORMATS[fmt].writer)
