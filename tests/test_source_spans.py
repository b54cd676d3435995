"""Every scalar's span, cut from the original text, is that scalar's own source."""

from __future__ import annotations

import json
import math
import sys
from typing import Any

import pytest
from corpus import corpus_files

from cfglint.source.document import Document, Scalar
from cfglint.source.read import read_path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

KNOWN_BAD = {
    "train_lora_omnigen2_24gb.yaml",  # unterminated quote (corpus README)
    "train_network_README-ja.md.block01.toml",  # duplicate network_args
    "train_network_README-ja.md.block02.toml",
}


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return bool(a == b and type(a) is type(b))


def _yaml_standalone(raw: str) -> tuple[str, str | None]:
    from ruamel.yaml import YAML
    from ruamel.yaml.events import ScalarEvent

    events = [e for e in YAML(typ="rt", pure=True).parse(raw) if isinstance(e, ScalarEvent)]
    assert len(events) == 1, raw
    return events[0].value, events[0].style


def check_scalar(doc: Document, s: Scalar) -> None:
    cut = doc.text[s.span.start : s.span.end]
    assert cut == s.raw
    if doc.format == "yaml":
        value, _style = _yaml_standalone(cut)
        assert value == s.text, (doc.path, s.path, cut)
    elif doc.format == "toml":
        if s.style == "key":
            assert cut == s.value or tomllib.loads(f"{cut} = 1") == {s.value: 1}
        else:
            assert _same(tomllib.loads(f"k = {cut}")["k"], s.value), (doc.path, s.path, cut)
    else:
        assert _same(json.loads(cut), s.value), (doc.path, s.path, cut)


def _all_scalars(doc: Document) -> list[Scalar]:
    from cfglint.source.document import Mapping

    out: list[Scalar] = []
    for node in doc.walk():
        if isinstance(node, Scalar):
            out.append(node)
        elif isinstance(node, Mapping):
            out.extend(e.key for e in node.entries)
    return out


def test_every_corpus_scalar_span_is_its_own_source_text() -> None:
    files = corpus_files()
    checked = 0
    parsed = 0
    for path in files:
        doc = read_path(str(path))
        if doc.problems:
            assert path.name in KNOWN_BAD or doc.text.strip() == "", (path, doc.problems)
            continue
        parsed += 1
        for s in _all_scalars(doc):
            check_scalar(doc, s)
            checked += 1
    print(f"\ncorpus spans: {len(files)} files, {parsed} parsed, {checked} scalars checked")
    assert len(files) >= 600 and checked > 20000


@pytest.mark.parametrize("name", sorted(KNOWN_BAD))
def test_known_bad_corpus_files_fail_cleanly_with_a_location(name: str) -> None:
    match = [p for p in corpus_files() if p.name == name]
    assert match
    doc = read_path(str(match[0]))
    assert doc.problems and doc.root is None
    line, _ = doc.line_col(doc.problems[0].offset)
    assert line > 1
