"""The YAML 1.1 (PyYAML) and YAML 1.2 views of scalars, checked against PyYAML itself."""

from __future__ import annotations

import math

import pytest
import yaml

from cfglint.source.read import parse_text
from cfglint.source.yaml_dialect import resolve_plain
from cfglint.source.yaml_reader import scalar_view

PLAIN = ["1e-4", "1.0e-4", "1.0e+4", "1.0e4", "1.", ".5", "010", "0o10", "0x1F", "0b101",
         "1_000", "55_000", "yes", "No", "ON", "off", "y", "n", "true", "False", "~", "null",
         "NULL", "", "-.inf", ".NaN", "1:30", "+12", "-0", "3.14", "abc", "0.", "1e5", "-2E-3"]


@pytest.mark.parametrize("text", PLAIN)
def test_yaml11_view_equals_what_pyyaml_safe_load_gives(text: str) -> None:
    expected = yaml.safe_load(f"v: {text}")["v"]
    got = resolve_plain(text, "yaml11")
    if isinstance(expected, float) and math.isnan(expected):
        assert isinstance(got, float) and math.isnan(got)
    else:
        assert got == expected and type(got) is type(expected), (text, got, expected)


@pytest.mark.parametrize(("text", "value"), [
    ("1e-4", 1e-4), ("010", 10), ("0o10", 8), ("yes", "yes"), ("on", "on"), ("~", None),
    ("True", True), ("1_000", "1_000"), (".inf", math.inf), ("1.0e4", 1e4)])
def test_yaml12_view_follows_the_core_schema(text: str, value: object) -> None:
    got = resolve_plain(text, "yaml12")
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize(("text", "value"), [("1e-4", 1e-4), ("5E3", 5000.0), ("010", 8)])
def test_exponent_float_loaders_read_dotless_exponents_as_floats(text: str, value: object) -> None:
    got = resolve_plain(text, "yaml11-float")
    assert got == value and type(got) is type(value)


def test_tags_and_quotes_decide_before_the_resolver() -> None:
    doc = parse_text("t.yaml", 'a: !!float "5e-5"\nb: "1e-4"\nc: !!str 10\nd: !!float 2e-4\n',
                     "yaml")
    views = {s.path[0]: scalar_view(s, "yaml11") for s in doc.scalars()}
    assert views == yaml.safe_load(doc.text) == {"a": 5e-5, "b": "1e-4", "c": "10", "d": 2e-4}


@pytest.mark.parametrize("block", [
    "v: >\n  folded line\n  continues here\n\n  new paragraph\n",
    "v: >-\n  a\n  b\n",
    "v: >+\n  a\n   indented\n  b\n\n",
    "v: |\n  keep\n  lines\n",
    "v: |-\n  strip\n",
    'v: "double\n  quoted\n  over lines"\n',
    "v: plain\n  over\n  lines\n",
])
def test_block_and_multiline_scalars_decode_like_pyyaml(block: str) -> None:
    doc = parse_text("b.yaml", block, "yaml")
    (scalar,) = list(doc.scalars())
    assert scalar.text == yaml.safe_load(block)["v"]
