"""SimpleTuner facts: options with or without ``--``, values as the argument list reaches
argparse (dropped "false"/null/empty), defaults, prodigy's own lr, steps versus epochs,
EMA and clipping, TOML configs and the WebUI wrapper."""

from __future__ import annotations

import json
from typing import Any

import pytest
from facts_helpers import doc_of, fact, facts_of

from cfglint.facts.model import Facts, Unknown
from cfglint.families import detect_family

BASE = {"--model_family": "flux", "--model_type": "lora", "--optimizer": "adamw_bf16",
        "--output_dir": "out", "--data_backend_config": "config/multidatabackend.json"}


def st(**keys: Any) -> Facts:
    return facts_of(json.dumps({**BASE, **keys}), "json", "simpletuner")[1]


def test_keys_with_and_without_dashes_are_the_same_option() -> None:
    f = st(lora_rank=8, **{"--learning_rate": 2e-4})
    assert fact(f, "lora.rank").value == 8 and fact(f, "lr").value == pytest.approx(2e-4)
    assert fact(f, "lr").key == ("--learning_rate",)


def test_alpha_defaults_to_the_rank() -> None:
    f = st(lora_rank=32)
    alpha = fact(f, "lora.alpha")
    assert (alpha.value, alpha.origin) == (32, "default")
    assert fact(f, "lora_scale").value == 1


def test_the_text_false_is_dropped_and_the_default_stays() -> None:
    f = st(use_ema="false", gradient_accumulation_steps="")
    assert fact(f, "ema.enabled").value is False
    assert (fact(f, "accum").value, fact(f, "accum").origin) == (1, "default")
    assert fact(st(use_ema="true"), "ema.enabled").value is True


def test_max_train_steps_gives_the_run_length_and_epochs_default_to_one() -> None:
    f = st(max_train_steps=5000)
    assert fact(f, "total_steps").value == 5000
    assert (fact(f, "epochs").value, fact(f, "epochs").origin) == (1, "default")
    assert isinstance(fact(st(), "total_steps").value, Unknown)


def test_prodigy_uses_its_own_lr_setting() -> None:
    f = st(optimizer="prodigy", learning_rate=1e-4)
    assert fact(f, "lr").value == 1.0 and fact(f, "lr.configured").value == pytest.approx(1e-4)
    own = st(optimizer="prodigy", learning_rate=1e-4, optimizer_config="lr=0.5,d_coef=2")
    assert fact(own, "lr").value == 0.5
    assert fact(own, "optimizer.args").value == {"lr": 0.5, "d_coef": 2}


def test_constant_with_warmup_and_cosine_with_warmup_are_renamed() -> None:
    assert fact(st(lr_scheduler="constant", lr_warmup_steps=10),
                "scheduler.name").value == "constant_with_warmup"
    assert fact(st(lr_scheduler="cosine_with_warmup"), "scheduler.name").value == "cosine"
    assert fact(st(), "scheduler.name").value == "constant_with_warmup"


def test_clipping_is_element_wise_by_default_and_off_for_prodigy() -> None:
    assert fact(st(), "grad_clip.semantics").value == "value"
    assert fact(st(grad_clip_method="norm"), "grad_clip.semantics").value == "norm"
    assert fact(st(optimizer="prodigy"), "grad_clip.semantics").value == "disabled"


@pytest.mark.parametrize(("keys", "schedule"), [
    ({}, "diffusers"), ({"ema_warmup_steps": 100}, "copy_then_constant")])
def test_ema_schedule_follows_ema_warmup_steps(keys: dict[str, Any], schedule: str) -> None:
    f = st(use_ema=True, **keys)
    assert fact(f, "ema.schedule").value == schedule
    assert fact(f, "ema.used_for_saving").value is False  # the final LoRA is not the EMA
    assert fact(st(use_ema=True, model_type="full"), "ema.used_for_saving").value is True


def test_offset_noise_counts_only_when_on_and_not_flow_matching() -> None:
    assert "noise.offset" not in st(offset_noise=True, noise_offset=0.1)  # flux: not applied
    f = st(model_family="sdxl", offset_noise=True, noise_offset=0.05)
    assert fact(f, "noise.offset").value == pytest.approx(0.05)
    assert "noise.offset" not in st(model_family="sdxl", noise_offset=0.05)


def test_a_flat_toml_config_is_read_the_same_way() -> None:
    text = ('model_family = "sdxl"\nmodel_type = "lora"\noptimizer = "bnb-adamw8bit"\n'
            'lora_rank = 4\nvalidation_step_interval = 50\n')
    doc, f = facts_of(text, "toml", "simpletuner")
    assert detect_family(doc) == "simpletuner"
    assert fact(f, "optimizer.is_8bit").value is True
    assert fact(f, "sample_every").value == 50


def test_a_sectioned_toml_is_not_claimed() -> None:
    doc = doc_of('[model]\nmodel_family = "sdxl"\ndata_backend_config = "x.json"\n', "toml")
    assert detect_family(doc) != "simpletuner"


def test_the_webui_wrapper_is_read_from_its_config_without_epoch_defaults() -> None:
    text = json.dumps({"_metadata": {"name": "t"}, "config": {**BASE, "--max_train_steps": 10}})
    doc, f = facts_of(text, "json", "simpletuner")
    assert detect_family(doc) == "simpletuner"
    assert fact(f, "total_steps").value == 10 and "epochs" not in f
    assert fact(f, "lr").key == ("config", "learning_rate")  # where a default would be written


def test_legacy_validation_steps_is_the_validation_interval() -> None:
    assert fact(st(validation_steps=250), "sample_every").value == 250


def test_validation_disable_means_no_validation_images() -> None:
    f = st(use_ema=True, validation_disable=True, validation_step_interval=50)
    assert isinstance(fact(f, "sample_every").value, Unknown)
    assert "first_eval_step" not in f
    assert fact(st(validation_step_interval=50), "sample_every").value == 50
