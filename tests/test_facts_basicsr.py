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
