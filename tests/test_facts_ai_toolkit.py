"""ai-toolkit facts: the train process, its defaults and rewrites."""

from __future__ import annotations

import pytest
from facts_helpers import fact, facts_of, span_text

from cfglint.facts.model import Unknown

CONFIG = """\
job: extension
config:
  name: test
  process:
    - type: sd_trainer
      network:
        type: lora
        linear: 16
      train:
        batch_size: 2
        steps: 2000
        gradient_accumulation_steps: 4
        optimizer: AdamW8bit
        lr: 1e-4
        ema_config:
          use_ema: true
          ema_decay: 0.99
      model:
        name_or_path: black-forest-labs/FLUX.1-dev
        is_flux: true
      sample:
        sample_every: 250
        prompts:
          - "a photo of sks dog"
"""


def test_explicit_values_point_at_the_value_text() -> None:
    doc, f = facts_of(CONFIG, "yaml", "ai-toolkit")
    lr = fact(f, "lr")
    assert lr.origin == "explicit"
    assert lr.value == pytest.approx(1e-4)  # ai-toolkit's loader reads 1e-4 as a float
    assert span_text(doc, lr) == "1e-4"
    assert lr.key == ("config", "process", 0, "train", "lr")
    assert fact(f, "optimizer.name").value == "adamw8bit"
    assert fact(f, "model.family").value == "flux"


def test_missing_alpha_is_the_trainer_default_with_the_native_key() -> None:
    doc, f = facts_of(CONFIG, "yaml", "ai-toolkit")
    alpha = fact(f, "lora.alpha")
    assert alpha.origin == "default"
    assert alpha.value == 1.0
    assert alpha.key == ("config", "process", 0, "network", "linear_alpha")
    assert span_text(doc, alpha) == "network"  # closest existing ancestor key
    assert fact(f, "lora_scale").value == pytest.approx(1 / 16)
    assert fact(f, "effective_lr").value == pytest.approx(1e-4 / 16)


def test_legacy_accumulation_counts_micro_steps_and_bnb_eps() -> None:
    _, f = facts_of(CONFIG, "yaml", "ai-toolkit")
    total = fact(f, "total_steps")
    assert total.origin == "derived"
    assert total.value == 500
    assert "2000" in total.note
    assert fact(f, "optimizer.eps").value == 1e-6
    assert fact(f, "optimizer.is_8bit").value is True


def test_a_sample_section_without_prompts_samples_nothing() -> None:
    text = CONFIG.replace('        prompts:\n          - "a photo of sks dog"\n', "")
    _, f = facts_of(text, "yaml", "ai-toolkit")
    assert "no sample prompts" in str(fact(f, "sample_every").value)
    assert fact(f, "first_eval_step").value == 1000  # the EMA is still saved


def test_ema_is_constant_and_used_for_samples_and_saves() -> None:
    _, f = facts_of(CONFIG, "yaml", "ai-toolkit")
    assert fact(f, "ema.schedule").value == "constant"
    assert fact(f, "ema.used_for_sampling").value is True
    assert fact(f, "ema.used_for_saving").value is True
    assert fact(f, "first_eval_step").value == 250
    assert fact(f, "ema.init_share_at_first_eval").value == pytest.approx(0.99 ** 250)


def test_prodigy_lr_is_forced_to_one_and_effective_lr_is_undefined() -> None:
    text = CONFIG.replace("AdamW8bit", "prodigy")
    _, f = facts_of(text, "yaml", "ai-toolkit")
    assert fact(f, "lr").value == 1.0
    assert fact(f, "lr").origin == "derived"
    assert fact(f, "lr.configured").value == pytest.approx(1e-4)
    assert isinstance(fact(f, "effective_lr").value, Unknown)


def test_constant_with_warmup_defaults_to_1000_steps() -> None:
    text = CONFIG.replace("        lr: 1e-4\n", "        lr: 1e-4\n"
                          "        lr_scheduler: constant_with_warmup\n")
    _, f = facts_of(text, "yaml", "ai-toolkit")
    raw = fact(f, "warmup.raw")
    assert raw.origin == "default"
    assert raw.value == 1000
    assert fact(f, "warmup.steps").value == 1000


def test_train_process_is_chosen_among_several() -> None:
    text = CONFIG.replace("    - type: sd_trainer\n",
                          "    - type: to_folder\n      output: x\n    - type: sd_trainer\n")
    _, f = facts_of(text, "yaml", "ai-toolkit")
    assert fact(f, "lr").key == ("config", "process", 1, "train", "lr")


def test_defaults_of_an_almost_empty_process() -> None:
    _, f = facts_of("job: extension\nconfig:\n  process:\n    - type: sd_trainer\n",
                    "yaml", "ai-toolkit")
    assert fact(f, "lr").value == 1e-6
    assert fact(f, "precision.train_dtype").value == "fp32"
    assert fact(f, "method").value == "full"
    assert fact(f, "lr").span is not None
