"""The schema engine: types, choices, unknown keys, fixes, kohya flattening, places,
and agreement with jsonschema on the corpus."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from corpus import corpus_files

from cfglint.families import detect_family, get_family
from cfglint.findings import Finding
from cfglint.resources import schemas_dir
from cfglint.schema import findings_with_schema, load_schema, schema_findings
from cfglint.source.document import Format, to_python
from cfglint.source.read import parse_text, read_path

MY_FAMILIES = ("ai-toolkit", "kohya", "kohya-dataset", "kohya-gui")


def lint(text: str, fmt: Format, family: str) -> list[Finding]:
    doc = parse_text(f"cfg.{fmt}", text, fmt)
    assert doc.ok, doc.problems
    return schema_findings(doc, family)


def lint_with(schema: dict[str, Any], text: str, fmt: Format = "yaml",
              family: str = "basicsr") -> list[Finding]:
    doc = parse_text(f"cfg.{fmt}", text, fmt)
    return findings_with_schema(doc, family, schema)


def apply(text: str, f: Finding) -> str:
    assert f.fix is not None
    for e in sorted(f.fix.edits, key=lambda e: e.start, reverse=True):
        text = text[:e.start] + e.content + text[e.end:]
    return text


AITK = """job: extension
config:
  name: demo
  process:
    - type: sd_trainer
      train:
        lr: {lr}
        optimizer: {opt}
      datasets:
        - folder_path: /data
          {dskey}: true
"""

NUM = {"type": "object", "properties": {"lr": {"type": "number", "description": "x"}},
       "additionalProperties": False}


# --- types -------------------------------------------------------------------------------

def test_toml_integer_resolution_is_a_wrong_type_at_the_value() -> None:
    text = 'pretrained_model_name_or_path = "m"\nresolution = 512\n'
    [f] = lint(text, "toml", "kohya")
    assert (f.code, f.severity, f.key) == ("CFG002", "error", ("resolution",))
    assert (f.line, f.column, f.end_line, f.end_column) == (2, 14, 2, 17)
    assert "the integer 512" in f.message and "a string is required" in f.message


def test_toml_string_false_for_a_flag_is_a_wrong_type() -> None:
    [f] = lint('cache_latents = "false"\n', "toml", "kohya")
    assert f.code == "CFG002" and "'false'" in f.message and "a boolean" in f.message


def test_yaml11_loader_view_makes_exponent_without_dot_a_string() -> None:
    [f] = lint_with(NUM, "lr: 1e-4\n", "yaml", "basicsr")
    assert f.code == "CFG002"
    assert "the string '1e-4'" in f.message and "YAML 1.1" in f.message
    assert "a number is required" in f.message


def test_float_resolver_loader_reads_exponent_as_a_number() -> None:
    assert lint_with(NUM, "lr: 1e-4\n", "yaml", "ai-toolkit") == []


def test_ai_toolkit_string_steps_is_a_wrong_type() -> None:
    text = AITK.format(lr="1e-4", opt="adamw", dskey="shuffle_tokens").replace(
        "        optimizer: adamw\n", "        optimizer: adamw\n        steps: '100'\n")
    [f] = lint(text, "yaml", "ai-toolkit")
    assert f.code == "CFG002" and f.key == ("config", "process", 0, "train", "steps")


def test_json_wrong_type_has_exact_place() -> None:
    text = '{\n  "LoRA_type": "Standard",\n  "epoch": 1,\n  "lr_warmup": 0,\n  "sdxl": "yes"\n}'
    [f] = lint(text, "json", "kohya-gui")
    assert (f.code, f.line, f.column, f.end_column) == ("CFG002", 5, 11, 16)


def test_gui_json_numbers_stored_as_strings_are_accepted() -> None:
    text = '{"LoRA_type": "Standard", "epoch": "10", "learning_rate": "0.0001", "seed": ""}'
    assert lint(text, "json", "kohya-gui") == []


# --- choices -----------------------------------------------------------------------------

def test_invalid_choice_names_the_closest_choice() -> None:
    [f] = lint('mixed_precision = "bf61"\n', "toml", "kohya")
    assert f.code == "CFG003" and "did you mean 'bf16'" in f.message


def test_case_insensitive_optimizer_names_are_accepted() -> None:
    assert lint('optimizer_type = "adamw8BIT"\n', "toml", "kohya") == []
    assert lint(AITK.format(lr="1e-4", opt="AdamW8bit", dskey="shuffle_tokens"), "yaml",
                "ai-toolkit") == []


def test_module_path_optimizer_is_accepted_and_unknown_name_is_not() -> None:
    assert lint('optimizer_type = "prodigyplus.ProdigyPlusScheduleFree"\n', "toml",
                "kohya") == []
    [f] = lint('optimizer_type = "AdamW9bit"\n', "toml", "kohya")
    assert f.code == "CFG003" and "case-insensitive" in f.message


# --- unknown keys --------------------------------------------------------------------------

def test_unknown_key_gets_did_you_mean_and_unsafe_rename() -> None:
    text = AITK.format(lr="1e-4", opt="adamw", dskey="shuffle_caption")
    [f] = lint(text, "yaml", "ai-toolkit")
    assert (f.code, f.severity) == ("CFG701", "warning")
    assert f.key == ("config", "process", 0, "datasets", 0, "shuffle_caption")
    assert "did you mean `shuffle_tokens`" in f.message
    assert f.fix is not None and f.fix.safety == "unsafe"
    assert apply(text, f) == AITK.format(lr="1e-4", opt="adamw", dskey="shuffle_tokens")


def test_documented_alias_gets_safe_rename_keeping_quotes() -> None:
    schema = {"type": "object", "additionalProperties": False,
              "properties": {"new_name": {"type": "integer", "x-cfglint-aliases": ["old_name"]}}}
    text = '{"old_name": 2}'
    [f] = lint_with(schema, text, "json", "generic")
    assert f.fix is not None and f.fix.safety == "safe"
    assert apply(text, f) == '{"new_name": 2}'


def test_the_gui_epoch_key_is_not_an_alias_of_max_train_epochs_for_sd_scripts() -> None:
    # sd-scripts has no `epoch`; max_train_epochs would override max_train_steps
    [f] = lint('epoch = 3\nmax_train_steps = 1000\n', "toml", "kohya")
    assert f.code == "CFG701" and f.fix is None and "alias" not in f.message


def test_no_rename_fix_when_the_target_key_is_already_set() -> None:
    schema = {"type": "object", "additionalProperties": False,
              "properties": {"new_name": {"type": "integer", "x-cfglint-aliases": ["old_name"]}}}
    [f] = lint_with(schema, '{"old_name": 2, "new_name": 3}', "json", "generic")
    assert f.code == "CFG701" and f.fix is None and "set as well" in f.message


def test_no_rename_fix_when_the_value_does_not_fit_the_suggestion() -> None:
    [f] = lint('noise_offset_type = "Original"\n', "toml", "kohya")
    assert "did you mean `noise_offset`" in f.message and f.fix is None


def test_sd_scripts_flag_written_as_an_integer_is_read_by_its_truth() -> None:
    """sd-scripts tests flags with `if args.flag:`; a string such as "false" is still true."""
    assert lint("persistent_data_loader_workers = 1\ncache_latents = 0\n", "toml",
                "kohya") == []
    [f] = lint('xformers = "false"\n', "toml", "kohya")
    assert f.code == "CFG002" and f.severity == "error"


def test_unknown_key_without_a_close_match_has_no_fix() -> None:
    [f] = lint('zzqx_totally_new = 1\n', "toml", "kohya")
    assert f.code == "CFG701" and f.fix is None and "did you mean" not in f.message


def test_unknown_process_type_gets_no_per_type_checks() -> None:
    text = "job: extension\nconfig:\n  name: x\n  process:\n    - type: my_ext\n      foo: 1\n"
    assert lint(text, "yaml", "ai-toolkit") == []


def test_free_form_kwargs_are_not_checked() -> None:
    text = AITK.format(lr="1e-4", opt="adamw", dskey="shuffle_tokens").replace(
        "        optimizer: adamw\n",
        "        optimizer: adamw\n        optimizer_params:\n          anything_goes: 1\n")
    assert lint(text, "yaml", "ai-toolkit") == []


def test_strict_loader_says_the_file_is_rejected() -> None:
    text = '[[datasets]]\nresolution = 512\ninterpolation_type = "lanczos"\n'
    [f] = lint(text, "toml", "kohya-dataset")
    assert f.code == "CFG701" and "rejects the file" in f.message
    assert "resize_interpolation" in f.message


def test_generic_family_has_no_schema_and_no_findings() -> None:
    assert load_schema("generic") is None
    assert lint("whatever: 1\nlr: 1e-4\n", "yaml", "generic") == []


# --- kohya flattening ------------------------------------------------------------------------

def test_kohya_section_keys_are_checked_against_the_flat_namespace() -> None:
    text = '[Basics]\npretrained_model_name_or_path = "m"\n[Train]\nlearning_rat = 1e-4\n'
    [f] = lint(text, "toml", "kohya")
    assert f.code == "CFG701" and f.key == ("Train", "learning_rat")
    assert (f.line, f.column) == (4, 1) and "learning_rate" in f.message


def test_kohya_key_in_two_sections_reports_the_earlier_one() -> None:
    text = '[a]\nlearning_rate = 1e-4\n[b]\nlearning_rate = 2e-4\n'
    [f] = lint(text, "toml", "kohya")
    assert (f.code, f.name, f.severity, f.line) == ("CFG005", "duplicate-key", "warning", 2)
    assert "[b]" in f.message and "wins" in f.message


def test_an_unknown_sampler_is_a_warning_that_sd_scripts_falls_back_to_ddim() -> None:
    """TOML values skip argparse's choices; get_my_scheduler samples with DDIM for any other
    name, so the run goes on and only the samples differ."""
    [f] = lint('sample_sampler = "dpmpp_2m"\n', "toml", "kohya")
    assert (f.code, f.severity) == ("CFG003", "warning")
    assert "samples with DDIM" in f.message and "training itself is unaffected" in f.message
    [f] = lint('save_precision = "fp32"\n', "toml", "kohya")
    assert (f.code, f.severity) == ("CFG003", "warning") and "dtype they have" in f.message
    [f] = lint('mixed_precision = "fp32"\n', "toml", "kohya")
    assert (f.code, f.severity) == ("CFG003", "error")  # accelerate refuses it


def test_gui_app_config_is_not_checked_as_a_sd_scripts_config() -> None:
    text = '[basic]\nlearning_rate = 0.0001\n[advanced]\nsave_every_n_steps = 0\n'
    assert lint(text, "toml", "kohya-gui") == []
    [f] = lint('[basic]\nlearning_rate = 0.0001\nbogus_key = 1\n', "toml", "kohya-gui")
    assert f.code == "CFG701" and f.key == ("basic", "bogus_key")


# --- skipped values and combinators --------------------------------------------------------

@pytest.mark.parametrize("value", ["${LR}", "'a-${X}'"])
def test_interpolations_are_not_type_checked(value: str) -> None:
    assert lint_with(NUM, f"lr: {value}\n", "yaml", "ai-toolkit") == []


def test_the_missing_marker_is_skipped_only_where_omegaconf_reads_the_file() -> None:
    assert lint_with(NUM, "lr: '???'\n", "yaml", "hydra") == []
    assert lint_with(NUM, "lr: '???'\n", "yaml", "generic") == []  # loader unknown: say less
    [f] = lint_with(NUM, "lr: '???'\n", "yaml", "ai-toolkit")
    assert f.code == "CFG002" and "'???'" in f.message


def test_hydra_sweeps_are_skipped_only_for_hydra_families() -> None:
    assert lint_with(NUM, "lr: interval(0.1, 0.2)\n", "yaml", "hydra") == []
    assert [f.code for f in lint_with(NUM, "lr: choice(1, 2)\n", "yaml", "basicsr")] == [
        "CFG002"]


def test_any_of_reports_the_closest_branch_only() -> None:
    schema = {"type": "object", "properties": {"opt": {"description": "x", "anyOf": [
        {"type": "integer"},
        {"type": "object", "properties": {"name": {"type": "string", "description": "y"}},
         "additionalProperties": False}]}}}
    [f] = lint_with(schema, "opt:\n  nmae: adam\n")
    assert f.code == "CFG701" and f.key == ("opt", "nmae")
    [g] = lint_with(schema, "opt: adam\n")
    assert g.code == "CFG002" and "an integer or a mapping" in g.message


def test_if_then_applies_the_matching_branch() -> None:
    schema = {"type": "object", "if": {"properties": {"kind": {"const": "a"}},
                                        "required": ["kind"]},
              "then": {"properties": {"n": {"type": "integer", "description": "n"}}}}
    assert [f.code for f in lint_with(schema, "kind: a\nn: x\n")] == ["CFG002"]
    assert lint_with(schema, "kind: b\nn: x\n") == []


def test_merge_keys_are_validated_as_the_loader_sees_them() -> None:
    text = "base: &b {lr: fast}\nlr: 0.1\nother:\n  <<: *b\n"
    schema = {"type": "object", "properties": {
        "base": {"type": "object", "description": "b"}, "lr": {"type": "number",
                                                             "description": "l"},
        "other": {"type": "object", "description": "o", "properties": {
            "lr": {"type": "number", "description": "l"}}, "additionalProperties": False}}}
    [f] = lint_with(schema, text)
    assert f.code == "CFG002" and f.line == 1


# --- the schemas themselves ---------------------------------------------------------------------

def _all_schemas() -> list[str]:
    return sorted(p.name for p in schemas_dir().glob("*.schema.json"))


@pytest.mark.parametrize("name", _all_schemas())
def test_schema_is_valid_against_the_2020_12_metaschema(name: str) -> None:
    schema = json.loads((schemas_dir() / name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"urn:cfglint:schema:{name.removesuffix('.schema.json')}"
    assert schema["title"] and schema["description"]


def _properties(node: Any, where: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                out += [(f"{where}.{k}", v) for k, v in value.items()]
            out += _properties(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            out += _properties(item, f"{where}[{i}]")
    return out


@pytest.mark.parametrize("name", _all_schemas())
def test_every_property_has_a_type_and_a_description(name: str) -> None:
    schema = json.loads((schemas_dir() / name).read_text(encoding="utf-8"))
    shaped = {"type", "$ref", "anyOf", "oneOf", "allOf", "enum", "const"}
    for where, prop in _properties(schema):
        if "x-cfglint" in where or ".if" in where or ".then" in where:
            continue  # discriminator sub-schemas, not documented properties
        assert isinstance(prop, dict) and shaped & set(prop), where
        assert isinstance(prop.get("description"), str) and prop["description"], where


# --- agreement with jsonschema on the corpus ------------------------------------------------------

def test_validator_agrees_with_jsonschema_on_every_corpus_file_of_our_families() -> None:
    validators = {f: jsonschema.Draft202012Validator(load_schema(f)) for f in MY_FAMILIES}
    checked = 0
    disagreements = []
    for path in corpus_files():
        doc = read_path(str(path))
        if not doc.ok:
            continue
        family = detect_family(doc)
        if family not in MY_FAMILIES:
            continue
        fam = get_family(family)
        data = to_python(doc.root, view=lambda s, fam=fam, fmt=doc.format: fam.value(s, fmt))
        ours = not [f for f in schema_findings(doc, family) if f.code != "CFG005"]
        theirs = validators[family].is_valid(data)
        checked += 1
        if ours != theirs:
            disagreements.append((str(path), ours, theirs))
    assert checked > 100
    assert not disagreements


def test_interpolation_alternative_does_not_blur_the_message_about_a_wrong_value() -> None:
    text = "ngpus: four\ngraph:\n  type: absorbing\ntraining:\n  accum: ${x}\n"
    wrong_type, bad_choice = lint(text, "yaml", "sedd")
    assert wrong_type.code == "CFG002" and "an integer is required" in wrong_type.message
    assert bad_choice.code == "CFG003" and "did you mean 'absorb'" in bad_choice.message


# --- keys read in another table (x-cfglint-read-in) ---------------------------------------------

TABLES = {"type": "object", "additionalProperties": False,
          "x-cfglint-read-in": {"min_t": "model", "blocks_to_swap": ""},
          "properties": {
              "epochs": {"type": "integer", "description": "e"},
              "blocks_to_swap": {"type": "integer", "description": "b"},
              "model": {"type": "object", "description": "m", "additionalProperties": False,
                        "properties": {"type": {"type": "string", "description": "t"},
                                       "min_t": {"type": "number", "description": "t"}}}}}
MISPLACED = ("epochs = 5\nmin_t = 0.875  # high-noise expert\n\n[model]\ntype = 'wan'\n"
             "blocks_to_swap = 8\n")


def test_key_read_only_in_another_table_is_moved_there_as_written() -> None:
    low, swap = lint_with(TABLES, MISPLACED, "toml")
    assert low.code == "CFG701" and "reads `min_t` only under [model]" in low.message
    assert low.fix is not None and low.fix.safety == "safe"
    assert swap.fix is not None and "only at the top level" in swap.message
    moved = apply(MISPLACED, low)
    assert moved == ("epochs = 5\n\n[model]\ntype = 'wan'\nblocks_to_swap = 8\n"
                     "min_t = 0.875  # high-noise expert\n")
    assert apply(MISPLACED, swap) == ("epochs = 5\nmin_t = 0.875  # high-noise expert\n"
                                      "blocks_to_swap = 8\n\n[model]\ntype = 'wan'\n")


def test_no_move_when_the_target_table_sets_the_key_or_the_value_does_not_fit() -> None:
    [f] = lint_with(TABLES, "min_t = 0.9\n[model]\nmin_t = 0.875\n", "toml")
    assert f.fix is None and "set as well" in f.message
    [g] = lint_with(TABLES, "min_t = 'high'\n[model]\ntype = 'wan'\n", "toml")
    assert g.fix is None and "only under [model]" in g.message
    [h] = lint_with(TABLES, "min_t = 0.875\n", "toml")  # no [model] table to move into
    assert h.fix is None
