"""Every scalar's span, cut from the original text, is that scalar's own source."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import pytest
from corpus import corpus_files, require_corpus

from cfglint.source.document import Document, Scalar
from cfglint.source.read import format_for, read_path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

# corpus files that their own trainers cannot load either (the corpus README lists them)
KNOWN_BAD = {
    # unterminated double quote on line 64
    "ai-toolkit/ostris__ai-toolkit/config/examples/train_lora_omnigen2_24gb.yaml",
    # `network_args` twice: alternatives copied side by side from the Markdown
    "kohya/kohya-ss__sd-scripts/docs/train_network_README-ja.md.block01.toml",
    "kohya/kohya-ss__sd-scripts/docs/train_network_README-ja.md.block02.toml",
    # `eval_datasets = [` whose closing bracket is commented out
    "diffusion-pipe/TianDongL__Diffusion_pipe_in_ComfyUI_Win/train_config/main_example.toml",
    # `num_timestep_buckets = null`: TOML has no null
    "musubi-tuner/kohya-ss__musubi-tuner@pr-861/configs/dlay_lokr_prodigy_training.toml",
    # `network_args = ["key1=value1", ...]`, a placeholder copied from the docs
    "musubi-tuner/kohya-ss__musubi-tuner/docs/advanced_config.md.block02.toml",
}


def _rel(path: Path) -> str:
    return path.relative_to(require_corpus()).as_posix()


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
        if cut == "":  # `key:` with nothing after it: an implicit null, an empty span
            assert s.style == "plain" and s.value is None, (doc.path, s.path)
            return
        value, _style = _yaml_standalone(cut)
        assert value == s.text, (doc.path, s.path, cut)
    elif doc.format == "toml":
        if s.style == "key":
            assert cut == s.value or tomllib.loads(f"{cut} = 1") == {s.value: 1}
        else:
            assert _same(tomllib.loads(f"k = {cut}")["k"], s.value), (doc.path, s.path, cut)
    elif doc.format == "python":
        if s.tag == "expr" or not cut or not isinstance(s.value, int | float | str | bool):
            assert s.value in (cut, s.path[-1]) or s.value is None or not cut, (doc.path, cut)
        elif cut.lstrip("+-")[:1].isdigit() or cut[:1] in "\"'" or cut in ("True", "False"):
            import ast

            assert _same(ast.literal_eval(f"({cut})"), s.value), (doc.path, s.path, cut)
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
    files = [p for p in corpus_files() if format_for(str(p))]
    checked = 0
    parsed = 0
    for path in files:
        doc = read_path(str(path))
        if doc.problems:
            assert _rel(path) in KNOWN_BAD or doc.text.strip() == "", (path, doc.problems)
            continue
        parsed += 1
        for s in _all_scalars(doc):
            check_scalar(doc, s)
            checked += 1
    print(f"\ncorpus spans: {len(files)} files, {parsed} parsed, {checked} scalars checked")
    assert len(files) >= 600 and checked > 20000


@pytest.mark.parametrize("name", sorted(KNOWN_BAD))
def test_known_bad_corpus_files_fail_cleanly_with_a_location(name: str) -> None:
    match = [p for p in corpus_files() if _rel(p) == name]
    assert match
    doc = read_path(str(match[0]))
    assert doc.problems and doc.root is None
    offset = doc.problems[0].offset
    assert 0 <= offset <= len(doc.text)
    line, _ = doc.line_col(offset)
    # the error is located where the trouble is, not blamed on the first line
    assert line > 1 or doc.text.count("\n") <= 1
