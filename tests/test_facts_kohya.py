"""kohya facts: sd-scripts --config_file TOML, dataset TOML and kohya_ss GUI JSON."""

from __future__ import annotations

import pytest
from facts_helpers import fact, facts_of, span_text

from cfglint.facts.model import Unknown

TOML = """\
[model]
pretrained_model_name_or_path = "stabilityai/stable-diffusion-xl-base-1.0"

[network]
network_module = "networks.lora"
network_dim = 32

[optimizer]
optimizer_type = "AdamW8bit"
learning_rate = 2e-4
lr_scheduler = "cosine"
lr_warmup_steps = 0.1
max_train_steps = 3000
"""


def test_sections_are_flattened_and_values_keep_their_spans() -> None:
    doc, f = facts_of(TOML, "toml", "kohya")
    lr = fact(f, "lr")
    assert lr.value == pytest.approx(2e-4)
    assert lr.key == ("optimizer", "learning_rate")
    assert span_text(doc, lr) == "2e-4"
    assert fact(f, "model.family").value == "sdxl"
    assert fact(f, "optimizer.is_8bit").value is True


def test_network_alpha_defaults_to_one() -> None:
    _, f = facts_of(TOML, "toml", "kohya")
    alpha = fact(f, "lora.alpha")
    assert (alpha.value, alpha.origin) == (1, "default")
    assert alpha.key == ("network_alpha",)
    assert fact(f, "effective_lr").value == pytest.approx(2e-4 / 32)


def test_float_warmup_is_a_ratio_of_total_steps() -> None:
    _, f = facts_of(TOML, "toml", "kohya")
    assert fact(f, "warmup.unit").value == "ratio"
    assert fact(f, "warmup.steps").value == 300


def test_missing_length_defaults_to_1600_steps_and_lr_to_2e_6() -> None:
    _, f = facts_of('network_module = "networks.lora"\n', "toml", "kohya")
    assert (fact(f, "total_steps").value, fact(f, "total_steps").origin) == (1600, "default")
    assert fact(f, "lr").value == 2e-6
    assert fact(f, "optimizer.name").value == "adamw"


def test_epochs_override_steps_and_need_the_dataset() -> None:
    _, f = facts_of(TOML + "max_train_epochs = 10\n", "toml", "kohya")
    assert fact(f, "epochs").value == 10
    assert isinstance(fact(f, "total_steps").value, Unknown)


def test_optimizer_args_are_parsed() -> None:
    text = TOML + 'optimizer_args = ["weight_decay=0.1", "betas=0.9,0.99"]\n'
    _, f = facts_of(text, "toml", "kohya")
    assert fact(f, "optimizer.weight_decay").value == pytest.approx(0.1)
    assert fact(f, "optimizer.betas").value == [0.9, 0.99]


def test_flux_keys_select_the_flux_family() -> None:
    _, f = facts_of('ae = "ae.safetensors"\nlearning_rate = 1e-4\n', "toml", "kohya")
    assert fact(f, "model.family").value == "flux"
    assert fact(f, "model.prediction").value == "flow"


DATASET = """\
[general]
shuffle_caption = true
flip_aug = true

[[datasets]]
resolution = [1024, 768]
batch_size = 4

  [[datasets.subsets]]
  image_dir = 'img'
  num_repeats = 10
"""


def test_dataset_config_contributes_batch_resolution_and_augmentations() -> None:
    doc, f = facts_of(DATASET, "toml", "kohya-dataset")
    assert fact(f, "batch").value == 4
    assert span_text(doc, fact(f, "batch")) == "4"
    assert fact(f, "resolution").value == 1024
    assert fact(f, "dataset.repeats").value == 10
    assert fact(f, "aug.flip").value is True
    assert fact(f, "aug.caption_shuffle").value is True


def test_dataset_batches_that_differ_are_unknown() -> None:
    text = DATASET + "\n[[datasets]]\nbatch_size = 2\n"
    _, f = facts_of(text, "toml", "kohya-dataset")
    assert isinstance(fact(f, "batch").value, Unknown)


GUI = """\
{
  "LoRA_type": "Standard",
  "learning_rate": "0.0001",
  "network_dim": 32,
  "network_alpha": 16,
  "optimizer": "AdamW8bit",
  "lr_warmup": 10,
  "max_train_steps": "2000",
  "gradient_accumulation_steps": "1",
  "sdxl": true
}
"""


def test_gui_strings_are_coerced_like_the_gui_does() -> None:
    doc, f = facts_of(GUI, "json", "kohya-gui")
    lr = fact(f, "lr")
    assert lr.value == pytest.approx(1e-4)
    assert span_text(doc, lr) == '"0.0001"'
    assert "coerce" in lr.note
    assert fact(f, "total_steps").value == 2000
    assert fact(f, "accum").value == 1
    assert fact(f, "model.family").value == "sdxl"
    assert fact(f, "effective_lr").value == pytest.approx(5e-5)


def test_gui_warmup_percent_and_its_override() -> None:
    _, f = facts_of(GUI, "json", "kohya-gui")
    assert fact(f, "warmup.unit").value == "percent"
    assert fact(f, "warmup.steps").value == 200
    _, f2 = facts_of(GUI.replace('"sdxl": true', '"sdxl": true, "lr_warmup_steps": 50'),
                     "json", "kohya-gui")
    assert fact(f2, "warmup.steps").value == 50


def test_gui_defaults_for_missing_keys() -> None:
    _, f = facts_of('{"LoRA_type": "Standard", "learning_rate": 1e-4}', "json", "kohya-gui")
    assert fact(f, "optimizer.name").value == "adamw8bit"
    assert fact(f, "lora.rank").origin == "default"
    assert fact(f, "total_steps").value == 1600
