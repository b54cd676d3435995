"""Schema extensions for loaders that do more than ignore or reject keys: what the trainer
does with a bad value (``x-cfglint-consequence``), keys a versioned loader migrates
(``x-cfglint-legacy``), and argparse-fed configs (key prefix, prefix abbreviations, values
that never reach the parser, int() of the value's text, placeholders, severity)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cfglint import schema
from cfglint.findings import Finding
from cfglint.schema import findings_with_schema
from cfglint.source.read import parse_text


def lint(schema: dict[str, Any], text: str) -> list[Finding]:
    doc = parse_text("cfg.json", text, "json")
    assert doc.ok, doc.problems
    return findings_with_schema(doc, "generic", schema)


def apply(text: str, f: Finding) -> str:
    assert f.fix is not None
    for e in sorted(f.fix.edits, key=lambda e: e.start, reverse=True):
        text = text[:e.start] + e.content + text[e.end:]
    return text


KEEPS = {"wrong-type": "it prints “Could not set {key} as {value}” and keeps the default 1",
         "bad-value": "it keeps the default 'A'"}
VERSIONED: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "x-cfglint-legacy": {"version-key": "__version", "keys": {"save_after": 6},
                         "patterns": {"^optimizer_": 1}},
    "properties": {
        "__version": {"type": "integer"},
        "batch_size": {"type": ["number", "string"], "x-cfglint-numeric-text": "int",
                       "x-cfglint-consequence": KEEPS},
        "mode": {"type": "string", "enum": ["A", "B"], "x-cfglint-consequence": KEEPS},
        "save_every": {"type": "integer"},
    },
}


def test_a_wrong_type_says_what_the_trainer_does_with_it() -> None:
    [f] = lint(VERSIONED, '{"batch_size": "4x"}')
    assert f.code == "CFG002"
    assert f.message.endswith("it prints “Could not set batch_size as 4x” and keeps the default 1")


def test_numeric_text_is_accepted_where_the_loader_converts_it() -> None:
    assert lint(VERSIONED, '{"batch_size": " 16 "}') == []
    [f] = lint(VERSIONED, '{"batch_size": "3.5"}')
    assert f.code == "CFG002" and "int()" in f.message


def test_an_invalid_choice_gets_the_bad_value_consequence() -> None:
    [f] = lint(VERSIONED, '{"mode": "a"}')
    assert f.code == "CFG003" and f.message.endswith("it keeps the default 'A'")


def test_consequences_are_not_added_to_unrelated_findings() -> None:
    [f] = lint(VERSIONED, '{"batch_size": 2, "nope": 1}')
    assert f.code == "CFG701" and "default" not in f.message


def test_a_legacy_key_is_known_below_the_version_that_migrates_it() -> None:
    assert lint(VERSIONED, '{"__version": 5, "save_after": 10}') == []
    assert lint(VERSIONED, '{"save_after": 10}') == []  # no version: every migration runs


def test_a_legacy_key_is_unknown_at_or_after_the_version_that_migrated_it() -> None:
    [f] = lint(VERSIONED, '{"__version": 6, "save_after": 10}')
    assert f.code == "CFG701" and f.key_text == "save_after"


def test_legacy_patterns_match_key_families() -> None:
    assert lint(VERSIONED, '{"optimizer_lr": 1}') == []
    [f] = lint(VERSIONED, '{"__version": 1, "optimizer_lr": 1}')
    assert f.code == "CFG701"


ARGPARSE: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "x-cfglint-unknown-keys": "rejected", "x-cfglint-unknown-severity": "error",
    "x-cfglint-key-prefix": "-", "x-cfglint-abbreviations": True,
    "x-cfglint-strict-integers": True, "x-cfglint-placeholders": r"\{env:",
    "x-cfglint-unread-values": {"anyOf": [{"type": "null"}, {"const": ""}]},
    "properties": {"lora_rank": {"type": ["integer", "string", "null"],
                                 "x-cfglint-numeric-text": "int"},
                   "lora_alpha": {"type": ["number", "null"]},
                   "learning_rate": {"type": ["number", "null"]},
                   "output_dir": {"type": ["string", "null"]}},
}


def test_a_key_prefix_is_stripped_before_lookup() -> None:
    assert lint(ARGPARSE, '{"--lora_rank": 4, "-output_dir": "o", " learning_rate": 1}') == []


def test_two_spellings_of_one_option_are_a_duplicate() -> None:
    [f] = lint(ARGPARSE, '{"lora_rank": 4, "--lora_rank": 8}')
    assert f.code == "CFG005" and f.key_text == "lora_rank"


def test_a_rejected_unknown_key_takes_the_schema_severity() -> None:
    [f] = lint(ARGPARSE, '{"--allow_tf32": true}')
    assert (f.code, f.severity) == ("CFG701", "error")
    assert "rejects the file" in f.message


def test_an_unknown_key_whose_value_is_dropped_is_only_ignored() -> None:
    [f] = lint(ARGPARSE, '{"--allow_tf32": null}')
    assert (f.code, f.severity) == ("CFG701", "warning") and "ignored" in f.message


def test_a_dropped_value_is_not_type_checked_on_a_known_key() -> None:
    assert lint(ARGPARSE, '{"lora_rank": ""}') == []
    [f] = lint(ARGPARSE, '{"lora_rank": "x"}')
    assert f.code == "CFG002"


def test_a_unique_prefix_is_read_as_the_option_and_renamed_safely() -> None:
    text = '{"--lora_ra": 4}'
    [f] = lint(ARGPARSE, text)
    assert (f.code, f.severity) == ("CFG701", "warning") and "`lora_rank`" in f.message
    assert f.fix is not None and f.fix.safety == "safe"
    assert apply(text, f) == '{"--lora_rank": 4}'


def test_an_ambiguous_prefix_is_rejected() -> None:
    [f] = lint(ARGPARSE, '{"lora_": 4}')
    assert (f.code, f.severity) == ("CFG701", "error") and "ambiguous" in f.message


def test_strict_integers_refuse_a_float_that_happens_to_be_whole() -> None:
    [f] = lint(ARGPARSE, '{"lora_rank": 16.0}')
    assert f.code == "CFG002"
    assert lint(ARGPARSE, '{"lora_alpha": 16.0}') == []


def test_placeholder_values_are_not_type_checked() -> None:
    assert lint(ARGPARSE, '{"lora_rank": "{env:RANK}"}') == []


def test_did_you_mean_never_offers_the_opposite_switch() -> None:
    schema = {**ARGPARSE, "properties": {**ARGPARSE["properties"],
                                         "disable_tf32": {"type": ["boolean", "null"]},
                                         "enable_xformers": {"type": ["boolean", "null"]}}}
    [f] = lint(schema, '{"allow_tf32": true}')
    assert "did you mean" not in f.message and f.fix is None
    [g] = lint(schema, '{"enable_xformer": true}')
    assert "`enable_xformers`" in g.message


# --- bounds on a file with thousands of problems --------------------------------------------

_MANY = {"type": "object", "additionalProperties": False,
         "x-cfglint-unknown-keys": "rejected", "x-cfglint-unknown-severity": "error",
         "x-cfglint-unread-values": {"anyOf": [{"type": "null"}, {"const": ""}]},
         "properties": {"learning_rate": {"type": "number"},
                        "nested": {"type": "object", "additionalProperties": False,
                                   "properties": {"a": {"type": "integer"}}}}}


def test_the_check_of_keys_and_values_stops_after_so_many_problems_and_says_where(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schema, "MAX_PROBLEMS", 5)
    keys = ",\n".join(f'"setting_{i}": {i}' for i in range(9))
    found = lint(_MANY, '{"nested": {"b": 1, "c": 2},\n' + keys + "}")
    unknown = [f for f in found if f.code == "CFG701"]
    [stop] = [f for f in found if f.code == "CFG012"]
    assert len(unknown) == 5  # two in `nested`, counted where they are, then three more
    assert [f.key_text for f in unknown][2:] == ["setting_0", "setting_1", "setting_2"]
    assert (stop.line, stop.column, stop.severity) == (1, 1, "info")
    assert "after 5 problems, at line 4, column 1" in stop.message


def test_a_file_under_the_bound_is_checked_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schema, "MAX_PROBLEMS", 5)
    keys = ", ".join(f'"setting_{i}": {i}' for i in range(4))
    found = lint(_MANY, "{" + keys + "}")
    assert [f.code for f in found] == ["CFG701"] * 4


def test_did_you_mean_is_guessed_for_the_first_keys_of_a_file_only(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Each guess compares the key with every option; a file of thousands of unknown keys
    gets the first MAX_GUESSES."""
    monkeypatch.setattr(schema, "MAX_GUESSES", 2)
    found = lint(_MANY, '{"learning_rat": 1, "learning_rte": 2, "learnng_rate": 3}')
    assert ["did you mean `learning_rate`?" in f.message for f in found] == [True, True, False]


@given(st.lists(st.text(alphabet="ab_", max_size=4), max_size=8), st.text(alphabet="ab_",
                                                                          max_size=3))
def test_keys_starting_with_a_prefix_are_found_in_their_order(keys: list[str],
                                                              prefix: str) -> None:
    assert schema._starting_with(prefix, tuple(keys)) == [k for k in keys if k.startswith(prefix)]
