"""BasicSR and traiNNer-redux facts: YAML 1.1 values, EMA, warmup_iter."""

from __future__ import annotations

import pytest
from facts_helpers import fact, facts_of, span_text

from cfglint.facts.values import as_number

CONFIG = """\
name: test
model_type: SRModel
num_gpu: 2
network_g:
  type: RRDBNet
datasets:
  train:
    batch_size_per_gpu: 16
    gt_size: 128
  val:
    name: Set5
    type: PairedImageDataset
train:
  ema_decay: 0.999
  optim_g:
    type: Adam
    lr: !!float 2e-4
  total_iter: 400000
  warmup_iter: -1
val:
  val_freq: !!float 5e3
"""


def test_values_and_spans() -> None:
    doc, f = facts_of(CONFIG, "yaml", "basicsr")
    lr = fact(f, "lr")
    assert lr.value == pytest.approx(2e-4)
    assert span_text(doc, lr) == "2e-4"  # the scalar, without its tag
    assert fact(f, "eval_every").value == 5000
    assert fact(f, "effective_batch").value == 32
    assert fact(f, "model.arch").value == "RRDBNet"


def test_plain_exponent_stays_a_string_as_pyyaml_loads_it() -> None:
    _, f = facts_of(CONFIG.replace("!!float 2e-4", "2e-4"), "yaml", "basicsr")
    assert fact(f, "lr").value == "2e-4"
    assert as_number(fact(f, "lr").value) is None
    assert "effective_lr" not in f


def test_ema_is_constant_and_drives_validation() -> None:
    _, f = facts_of(CONFIG, "yaml", "basicsr")
    assert fact(f, "ema.enabled").value is True
    assert fact(f, "ema.used_for_sampling").value is True
    assert fact(f, "ema.init_share_at_first_eval").value == pytest.approx(0.999 ** 5000)
    assert fact(f, "warmup.steps").value == 0


def test_validation_without_a_val_dataset_never_runs() -> None:
    text = CONFIG.replace("  val:\n    name: Set5\n    type: PairedImageDataset\n", "")
    _, f = facts_of(text, "yaml", "basicsr")
    assert fact(f, "eval.dataset_count").value == 0
    assert fact(f, "eval.configured_every").value == 5000
    assert fact(f, "eval_every").origin == "derived"
    assert "never runs" in str(fact(f, "eval_every").value)
    # nothing is sampled or validated from the EMA, and BasicSR saves params beside it
    assert "ema.init_share_at_first_eval" not in f
    assert fact(f, "ema.used_for_saving").value is False


def test_test_options_have_no_training_validation() -> None:
    text = CONFIG.replace("  val:\n    name: Set5", "  test_1:\n    name: Set5")
    _, f = facts_of(text, "yaml", "basicsr")
    assert "eval.dataset_count" not in f and "eval_every" not in f


TRAINNER = CONFIG.replace("val:\n  val_freq: !!float 5e3\n",
                          "val:\n  val_enabled: true\n  val_freq: 5000\n") + "use_amp: true\n"


def test_trainner_ema_is_ema_pytorch_with_its_power() -> None:
    _, f = facts_of(TRAINNER, "yaml", "traiNNer")
    assert fact(f, "ema.schedule").value == "ema_pytorch"
    assert (fact(f, "ema.power").value, fact(f, "ema.power").origin) == (10.0, "default")
    # ema_power 10 is practically constant after the first copy
    assert fact(f, "ema.init_share_at_first_eval").value == pytest.approx(0.999 ** 4999)
    text = TRAINNER.replace("  ema_decay: 0.999\n", "  ema_decay: 0.999\n  ema_power: 0.75\n")
    _, f = facts_of(text, "yaml", "traiNNer")
    assert fact(f, "ema.init_share_at_first_eval").value < 1e-6
    assert fact(f, "ema.final_share_last_tenth").value > 0.3


def test_trainner_validates_only_when_enabled() -> None:
    _, f = facts_of(TRAINNER, "yaml", "traiNNer")
    assert fact(f, "eval_every").value == 5000
    assert fact(f, "eval.metrics").value is False
    _, f = facts_of(TRAINNER.replace("val_enabled: true", "val_enabled: false"), "yaml",
                    "traiNNer")
    assert "eval.configured_every" not in f
    assert "ema.init_share_at_first_eval" not in f


def test_ema_decay_zero_disables_ema() -> None:
    _, f = facts_of(CONFIG.replace("ema_decay: 0.999", "ema_decay: 0"), "yaml", "basicsr")
    assert fact(f, "ema.enabled").value is False


def test_trainner_grad_clip_and_amp() -> None:
    text = CONFIG + "use_amp: true\namp_bf16: true\n"
    text = text.replace("  warmup_iter: -1\n", "  warmup_iter: -1\n  grad_clip: true\n")
    _, f = facts_of(text, "yaml", "traiNNer")
    assert fact(f, "grad_clip.semantics").value == "bool_then_norm"
    clip = fact(f, "grad_clip.value")
    assert (clip.value, clip.origin) == (100.0, "default")
    assert fact(f, "precision.mixed").value == "bf16"
