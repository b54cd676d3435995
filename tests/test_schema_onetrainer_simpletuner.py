"""The OneTrainer and SimpleTuner schemas say what each loader does with a bad value: a
OneTrainer value that does not convert keeps the default, a migrated key is known below its
version, SimpleTuner rejects unknown options and values argparse cannot convert."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cfglint.families import detect_family
from cfglint.findings import Finding
from cfglint.schema import schema_findings
from cfglint.source.read import parse_text


def lint(data: Any, name: str = "config.json", family: str | None = None) -> list[Finding]:
    doc = parse_text(name, json.dumps(data), "json")
    return schema_findings(doc, family or detect_family(doc))


OT = {"model_type": "STABLE_DIFFUSION_XL_10_BASE", "training_method": "LORA"}


def test_onetrainer_wrong_type_is_an_error_that_keeps_the_default() -> None:
    [f] = lint({**OT, "batch_size": "4x"})
    assert (f.code, f.severity) == ("CFG002", "error")
    assert "Could not set batch_size as 4x" in f.message and "keeps the default 1" in f.message


def test_onetrainer_enum_names_are_exact() -> None:
    [f] = lint({**OT, "training_method": "lora"})
    assert f.code == "CFG003" and 'keeps the default "FINE_TUNE"' in f.message
    assert "did you mean 'LORA'" in f.message


def test_onetrainer_numbers_as_text_and_booleans_as_text() -> None:
    assert lint({**OT, "batch_size": "4", "learning_rate": "1e-4"}) == []
    [f] = lint({**OT, "latent_caching": "false"})
    assert f.code == "CFG002" and "counts as true" in f.message


def test_a_flat_optimizer_name_is_ignored_in_a_current_file_but_migrated_in_an_old_one() -> None:
    [f] = lint({**OT, "__version": 11, "optimizer": "ADAMW_8BIT"})
    assert f.code == "CFG002" and "keeps the default settings of `optimizer`" in f.message
    assert lint({**OT, "optimizer": "ADAMW_8BIT", "optimizer_lr": 1e-4}) == []


@pytest.mark.parametrize(("version", "codes"), [(5, []), (6, ["CFG701"])])
def test_a_renamed_key_is_known_below_the_migration_that_renames_it(
        version: int, codes: list[str]) -> None:
    assert [f.code for f in lint({**OT, "__version": version, "save_after": 10})] == codes


def test_a_key_past_its_migration_points_to_its_new_name() -> None:
    [f] = lint({**OT, "__version": 11, "save_after": 10})
    assert "renamed `save_every`" in f.message and "version 6" in f.message
    assert f.fix is not None and f.fix.safety == "unsafe"


def test_concept_keys_migrate_by_the_concepts_own_version() -> None:
    old = [{"path": "x", "repeats": 2.0, "image": {}}]
    new = [{"__version": 2, "path": "x", "repeats": 2.0, "image": {}}]
    assert lint(old, "concepts.json") == []
    assert [f.code for f in lint(new, "concepts.json")] == ["CFG701"]


ST = {"--model_family": "sdxl", "--model_type": "lora", "--optimizer": "adamw_bf16",
      "--output_dir": "out", "--data_backend_config": "config/multidatabackend.json"}


def test_simpletuner_unknown_option_stops_the_run() -> None:
    [f] = lint({**ST, "--allow_tf32": True})
    assert (f.code, f.severity) == ("CFG701", "error") and "rejects" in f.message


def test_simpletuner_unique_prefix_is_that_option() -> None:
    [f] = lint({**ST, "--lora_ra": 8})
    assert (f.code, f.severity) == ("CFG701", "warning") and "`lora_rank`" in f.message
    assert f.fix is not None and f.fix.safety == "safe"


@pytest.mark.parametrize(("key", "value"), [
    ("lora_rank", 16.0), ("snr_gamma", 5.0), ("lr_warmup_steps", 0.1),
    ("learning_rate", "fast"), ("use_ema", "maybe"), ("lora_rank", True)])
def test_simpletuner_values_argparse_refuses(key: str, value: Any) -> None:
    [f] = lint({**ST, key: value})
    assert f.severity == "error" and "does not start" in f.message


def test_simpletuner_choices_are_case_sensitive_and_missing_required_options_fail() -> None:
    [f] = lint({**ST, "mixed_precision": "BF16"})
    assert f.code == "CFG003"
    [g] = lint({k: v for k, v in ST.items() if k != "--output_dir"})
    assert g.code == "CFG002" and "`output_dir`" in g.message


def test_simpletuner_dropped_values_are_not_checked() -> None:
    assert lint({**ST, "lora_rank": "", "snr_gamma": None, "use_ema": "false"}) == []


def test_dataset_list_truthiness_traps_and_enforced_choices() -> None:
    base = {"id": "d", "type": "local", "instance_data_dir": "x"}
    assert lint([{**base, "crop": "true"}], "multidatabackend.json") == []
    [f] = lint([{**base, "crop": "false"}], "multidatabackend.json")
    assert f.code == "CFG003" and "counts as true" in f.message
    [g] = lint([{**base, "crop_style": "middle"}], "multidatabackend.json")
    assert g.code == "CFG003" and "raises" in g.message


def test_lycoris_config_needs_what_simpletuner_asserts() -> None:
    full = {"algo": "lokr", "multiplier": 1.0, "linear_alpha": 1, "factor": 16}
    [f] = lint(full, "lycoris_config.json", "simpletuner")
    assert "`linear_dim`" in f.message
    assert lint({**full, "full_matrix": True}, "lycoris_config.json", "simpletuner") == []


def test_prompt_library_entries_need_a_prompt() -> None:
    assert lint({"a": "a cat", "b": {"caption": "a dog"}}, "user_prompt_library.json") == []
    [f] = lint({"a": {"adapter_strength": 1}}, "user_prompt_library.json", "simpletuner")
    assert f.code == "CFG002"


@pytest.mark.parametrize("family", ["onetrainer", "simpletuner"])
def test_the_schema_command_prints_the_family_schema(family: str) -> None:
    from click.testing import CliRunner

    from cfglint.cli import main

    result = CliRunner().invoke(main, ["schema", family])
    assert result.exit_code == 0
    assert json.loads(result.output)["$id"] == f"urn:cfglint:schema:{family}"
