"""A file of more values, or more keys set twice, than any config holds is bounded: each
reader refuses it past MAX_NODES values (CFG004), and keys set twice are reported up to
MAX_PROBLEMS and then counted, so that 10 MB of `1,` or of `a: 1` cannot take gigabytes.
The bounds are lowered here to keep the inputs small."""

from __future__ import annotations

import pytest

from cfglint import pipeline
from cfglint.pipeline import lint_document
from cfglint.settings import Settings
from cfglint.source import json_reader, toml_reader, yaml_reader
from cfglint.source.read import parse_text

_MANY_VALUES = {
    "yaml": "x:\n" + "- 1\n" * 60,
    "json": '{"x": [' + ", ".join(["1"] * 60) + "]}",
    "toml": "x = [" + ", ".join(["1"] * 60) + "]\n",
}


@pytest.mark.parametrize("fmt", ["yaml", "json", "toml"])
def test_a_file_of_more_values_than_the_bound_is_refused(
        monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    for reader in (yaml_reader, json_reader, toml_reader):
        monkeypatch.setattr(reader, "MAX_NODES", 50)
    doc = parse_text(f"x.{fmt}", _MANY_VALUES[fmt], fmt)  # type: ignore[arg-type]
    assert doc.root is None
    [problem] = doc.problems
    assert problem.code == "CFG004" and "values; no training config" in problem.message


@pytest.mark.parametrize("fmt", ["yaml", "json", "toml"])
def test_a_file_under_the_bound_is_read(monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    for reader in (yaml_reader, json_reader, toml_reader):
        monkeypatch.setattr(reader, "MAX_NODES", 100)
    assert parse_text(f"x.{fmt}", _MANY_VALUES[fmt], fmt).root is not None  # type: ignore[arg-type]


_SET_AGAIN = {"yaml": "a: 1\n" * 8, "json": "{" + ", ".join(['"a": 1'] * 8) + "}",
              "toml": "a = 1\n" * 8}


@pytest.mark.parametrize("fmt", ["yaml", "json", "toml"])
def test_keys_set_again_past_the_bound_are_counted_in_one_finding(
        monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    for module in (yaml_reader, json_reader, toml_reader, pipeline):
        monkeypatch.setattr(module, "MAX_PROBLEMS", 3)
    doc = parse_text(f"x.{fmt}", _SET_AGAIN[fmt], fmt)  # type: ignore[arg-type]
    found = lint_document(doc, Settings()).findings
    codes = [f.code for f in found]
    assert codes.count("CFG005") == 3
    [more] = [f for f in found if f.code == "CFG012"]
    assert more.message.startswith("4 more keys are set twice")
    assert (more.line, more.column) == (1, 1)
