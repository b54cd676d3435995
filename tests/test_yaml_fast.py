"""The fast YAML path (libyaml's events) builds the same Document as ruamel.yaml's events:
spans, values, raw texts, styles, tags, anchors and aliases, comments, duplicates, several
documents; where it cannot be exact it declines and ruamel.yaml reads the file."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from corpus import corpus_files
from document_data import node_data
from hypothesis import given, settings
from yaml_texts import yaml_texts

from cfglint.source import yaml_fast
from cfglint.source.document import Document
from cfglint.source.yaml_reader import read_yaml, read_yaml_fast


def _document(doc: Document) -> Any:
    return (node_data(doc.root), [node_data(r) for r in doc.extra_roots],
            [(c.span, c.text, c.own_line) for c in doc.comments],
            [(a.key.span, b.key.span) for a, b in doc.duplicates],
            [(p.message, p.offset, p.code) for p in doc.problems])


def _same_as_ruamel(text: str) -> bool:
    """Whether the fast path read ``text`` (False: it declined), asserting it is exact."""
    fast = read_yaml_fast("x.yaml", text)
    if fast is not None:
        assert _document(fast) == _document(read_yaml("x.yaml", text, fast=False))
    return fast is not None


def test_libyaml_is_there_for_these_tests() -> None:
    """PyYAML's binary wheels (the test extra) carry libyaml; without it nothing is compared."""
    assert yaml_fast.usable("a: 1\n")


def test_fast_and_ruamel_readers_agree_on_every_corpus_yaml_file() -> None:
    paths = [p for p in corpus_files() if p.suffix in (".yaml", ".yml")]
    read = sum(_same_as_ruamel(p.read_text(encoding="utf-8", errors="surrogatepass"))
               for p in paths)
    assert read >= 0.9 * len(paths)  # the fast path is taken, not declined, on real files


@settings(max_examples=300, deadline=None)
@given(yaml_texts())
def test_fast_and_ruamel_readers_agree_on_generated_yaml(text: str) -> None:
    _same_as_ruamel(text)


@pytest.mark.parametrize("text", [
    "a:\u2028b\n",  # a line break only YAML 1.1 has
    "%YAML 1.1\n---\na: 1\n",  # a directive
    "a: &x: 1\nb: *x:\n",  # an anchor name ruamel.yaml reads longer
    "a:\t1\n",  # a tab ruamel.yaml rejects
    "{a: , b: 1}\n",  # an empty value in a flow mapping
    "a: [1\n",  # a parse error: ruamel.yaml's message is the one shown
])
def test_fast_path_declines_where_libyaml_reads_differently(text: str) -> None:
    assert read_yaml_fast("x.yaml", text) is None


def test_files_of_every_size_take_the_fast_path_unless_told_not_to(monkeypatch: Any) -> None:
    calls: list[int] = []

    def spy(path: str, text: str) -> Document | None:
        calls.append(len(text))
        return None

    monkeypatch.setattr("cfglint.source.yaml_reader.read_yaml_fast", spy)
    big = "a: 1\n" * 20_000
    assert read_yaml("x.yaml", "a: 1\n").root is not None
    assert read_yaml("x.yaml", big).root is not None
    assert read_yaml("x.yaml", "b: 2\n", fast=False).root is not None
    assert calls == [5, len(big)]


def test_a_file_libyaml_reads_does_not_import_ruamel_yaml() -> None:
    code = ("import sys; from cfglint.source.yaml_reader import read_yaml; "
            "doc = read_yaml('x.yaml', 'a: 1\\nb: [x, y]\\n'); "
            "print(doc.root is not None, any(m.startswith('ruamel') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["True", "False"]


def test_without_libyaml_every_file_is_read_by_ruamel(monkeypatch: Any) -> None:
    monkeypatch.setattr(yaml_fast, "_parser", lambda: None)
    text = "a: 1\n" * 20_000
    assert read_yaml_fast("x.yaml", text) is None
    assert read_yaml("x.yaml", text).root is not None
