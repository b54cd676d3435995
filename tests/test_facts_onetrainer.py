"""OneTrainer facts: values as BaseConfig.from_dict converts them, its warmup units, EMA,
cadences in batches, and the file kinds it reads (configs, concepts, samples)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from facts_helpers import doc_of, fact, facts_of

from cfglint.facts.model import Facts, Unknown
from cfglint.families import detect_family, get_family


def ot(**keys: Any) -> Facts:
    return facts_of(json.dumps(keys), "json", "onetrainer")[1]


def test_numbers_given_as_text_are_converted_like_int_and_float() -> None:
    f = ot(batch_size="4", learning_rate="1e-4")
    assert fact(f, "batch").value == 4 and fact(f, "batch").origin == "explicit"
    assert fact(f, "lr").value == pytest.approx(1e-4)


def test_a_value_that_does_not_convert_keeps_the_default() -> None:
    f = ot(batch_size="4x", training_method="lora", optimizer={"optimizer": "adamw8bit"})
    batch = fact(f, "batch")
    assert (batch.value, batch.origin) == (1, "default") and "Could not set" in batch.note
    assert fact(f, "method").value == "full"  # "lora" is not the enum NAME LORA
    assert fact(f, "optimizer.name").value == "adamw"


def test_the_lr_scaler_multiplies_every_lr_by_the_root_of_its_scale() -> None:
    f = ot(learning_rate=1e-4, learning_rate_scaler="BOTH", batch_size=2,
           gradient_accumulation_steps=8)
    assert fact(f, "lr").value == pytest.approx(4e-4)
    assert isinstance(fact(ot(learning_rate_scaler="GLOBAL_BATCH", multi_gpu=True), "lr").value,
                      Unknown)


def test_lora_alpha_defaults_to_one_and_the_rank_to_sixteen() -> None:
    f = ot(training_method="LORA", learning_rate=3e-4)
    assert fact(f, "lora.alpha").value == 1.0 and fact(f, "lora.rank").value == 16
    assert fact(f, "lora_scale").value == pytest.approx(1 / 16)
    assert fact(f, "effective_lr").value == pytest.approx(3e-4 / 16)


def test_lokr_takes_its_rank_from_lokr_dim_and_oft_has_none() -> None:
    f = ot(training_method="LORA", peft_type="LOKR", lokr_dim=8)
    assert (fact(f, "method").value, fact(f, "lora.rank").value) == ("lokr", 8)
    assert "lora.rank" not in ot(training_method="LORA", peft_type="OFT_2")


@pytest.mark.parametrize(("warm", "accum", "unit", "steps"), [
    (200, 1, "steps", 200), (200, 4, "steps", 50), (1, 1, "ratio", None),
    (0.1, 1, "ratio", None), (0, 1, None, 0)])
def test_warmup_above_one_counts_batches_and_up_to_one_is_a_fraction(
        warm: float, accum: int, unit: str | None, steps: int | None) -> None:
    f = ot(learning_rate_warmup_steps=warm, gradient_accumulation_steps=accum)
    if unit is not None:
        assert fact(f, "warmup.unit").value == unit
    if steps is None:
        assert isinstance(fact(f, "warmup.steps").value, Unknown)  # the run length is unknown
    else:
        assert fact(f, "warmup.steps").value == steps


def test_constant_schedule_with_warmup_is_constant_with_warmup() -> None:
    assert fact(ot(), "scheduler.name").value == "constant_with_warmup"
    assert fact(ot(learning_rate_warmup_steps=0), "scheduler.name").value == "constant"
    soft = ot(learning_rate_scheduler="COSINE_WITH_RESTARTS")
    assert fact(soft, "scheduler.name").value == "cosine_with_soft_restarts"
    free = ot(optimizer={"optimizer": "SCHEDULE_FREE_ADAMW"}, learning_rate_scheduler="COSINE")
    assert fact(free, "scheduler.name").value == "constant"


def test_ema_carries_onetrainers_schedule_interval_and_use() -> None:
    f = ot(ema="GPU", ema_decay=0.99, ema_update_step_interval=2, sample_after=20,
           sample_after_unit="STEP")
    assert fact(f, "ema.enabled").value is True
    assert fact(f, "ema.schedule").value == "onetrainer"
    assert fact(f, "ema.update_every").value == 2
    assert fact(f, "ema.used_for_sampling").value and fact(f, "ema.used_for_saving").value
    share = fact(f, "ema.init_share_at_first_eval").value
    assert share == pytest.approx(0.0, abs=1e-3)  # the warm-up forgets the start


def test_step_cadence_counts_batches_and_time_units_are_not_steps() -> None:
    f = ot(sample_after=100, sample_after_unit="STEP", gradient_accumulation_steps=4)
    assert fact(f, "sample_every").value == 25
    assert isinstance(fact(ot(), "sample_every").value, Unknown)  # 10 MINUTE by default
    assert fact(ot(save_every=2, save_every_unit="EPOCH"), "save_every_epochs").value == 2


def test_grad_clip_null_turns_clipping_off_and_zero_zeroes_gradients() -> None:
    off = ot(clip_grad_norm=None)
    assert fact(off, "grad_clip.semantics").value == "disabled" and "grad_clip.value" not in off
    assert fact(ot(clip_grad_norm=0), "grad_clip.semantics").value == "norm_zero_zeroes"


def test_precision_is_autocast_and_the_trained_weights_dtype() -> None:
    f = ot(training_method="LORA", train_dtype="BFLOAT_16", lora_weight_dtype="FLOAT_16")
    assert fact(f, "precision.mixed").value == "bf16"
    assert fact(f, "precision.train_dtype").value == "fp16"
    assert fact(ot(), "precision.grad_scaler").value is True  # FLOAT_16 autocast, fp32 weights


def test_text_encoders_train_by_default_but_not_for_embeddings() -> None:
    sdxl = "STABLE_DIFFUSION_XL_10_BASE"
    assert fact(ot(model_type=sdxl, training_method="LORA"), "train_te").value is True
    off = ot(model_type=sdxl, training_method="LORA", text_encoder={"train": False},
             text_encoder_2={"train": False})
    assert fact(off, "train_te").value is False
    assert "train_te" not in ot(model_type=sdxl, training_method="EMBEDDING")


def test_model_type_gives_family_and_flow_matching() -> None:
    f = ot(model_type="FLUX_DEV_1")
    assert (fact(f, "model.family").value, fact(f, "model.prediction").value) == ("flux", "flow")
    unknown = ot(model_type="WAN_2_2")
    assert isinstance(fact(unknown, "model.family").value, Unknown)


def test_min_snr_is_the_loss_weight_strength_of_min_snr_gamma() -> None:
    f = ot(loss_weight_fn="MIN_SNR_GAMMA", loss_weight_strength=3.0)
    assert fact(f, "noise.min_snr_gamma").value == 3.0
    assert "noise.min_snr_gamma" not in ot(loss_weight_strength=3.0)


CONCEPTS = '[{"path": "data/cat", "image": {"enable_random_flip": true}, "balancing": 1.0}]'
SAMPLES = '[{"prompt": "a cat", "diffusion_steps": 20, "cfg_scale": 7.0}]'
MDB = '[{"id": "cat", "type": "local", "instance_data_dir": "data/cat"}]'


@pytest.mark.parametrize(("text", "family", "schema"), [
    (CONCEPTS, "onetrainer", "onetrainer-concepts"),
    (SAMPLES, "onetrainer", "onetrainer-samples"),
    (MDB, "simpletuner", "simpletuner-dataloader"),
    ('{"model_type": "FLUX_DEV_1", "training_method": "LORA"}', "onetrainer", "onetrainer")])
def test_lists_are_told_apart_and_get_their_own_schema(text: str, family: str,
                                                       schema: str) -> None:
    doc = doc_of(text, "json")
    assert detect_family(doc) == family
    assert get_family(family).schema_for(doc) == schema


def test_a_concepts_list_states_no_training_settings() -> None:
    doc = doc_of(CONCEPTS, "json")
    assert not get_family("onetrainer").facts(doc).items


def test_secrets_are_not_claimed() -> None:
    doc = doc_of('{"__version": 0, "huggingface_token": "x", "cloud": {"api_key": "y"}}', "json")
    assert detect_family(doc) == "generic"
