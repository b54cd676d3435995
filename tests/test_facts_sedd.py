"""SEDD facts: global batch, torch_ema EMA, grad_clip semantics, curriculum fork."""

from __future__ import annotations

import pytest
from facts_helpers import fact, facts_of, span_text

CONFIG = """\
ngpus: 4
training:
  batch_size: 256
  accum: 2
  n_iters: 100000
  snapshot_freq: 5000
  eval_freq: 100
  ema: 0.9999
optim:
  lr: 3e-4
  warmup: 2500
  grad_clip: 0
noise:
  type: loglinear
  sigma_min: 1e-4
"""


def test_global_batch_is_split_over_gpus_and_accumulation() -> None:
    _, f = facts_of(CONFIG, "yaml", "sedd")
    assert fact(f, "batch").value == 32
    assert fact(f, "batch").origin == "derived"
    assert fact(f, "effective_batch").value == 256
    assert fact(f, "sedd.ngpus").value == 4
    assert fact(f, "processes").value == 4


def test_ema_warms_up_and_is_used_for_eval() -> None:
    _, f = facts_of(CONFIG, "yaml", "sedd")
    assert fact(f, "ema.schedule").value == "torch_ema"
    assert fact(f, "ema.used_for_sampling").value is True
    assert fact(f, "ema_half_life").value == pytest.approx(6931, abs=1)
    assert fact(f, "first_eval_step").value == 100
    assert fact(f, "ema.init_share_at_first_eval").value < 1e-6


def test_grad_clip_zero_has_zeroing_semantics() -> None:
    doc, f = facts_of(CONFIG, "yaml", "sedd")
    clip = fact(f, "grad_clip.value")
    assert clip.value == 0
    assert span_text(doc, clip) == "0"
    assert fact(f, "grad_clip.semantics").value == "norm_zero_zeroes"


def test_omegaconf_reads_exponents_as_floats() -> None:
    _, f = facts_of(CONFIG, "yaml", "sedd")
    assert fact(f, "lr").value == pytest.approx(3e-4)
    assert fact(f, "noise.sigma_min").value == pytest.approx(1e-4)


def test_defaults_and_curriculum_of_the_fork() -> None:
    text = "training:\n  n_iters: 1000\ncurriculum:\n  enabled: true\n"
    _, f = facts_of(text, "yaml", "sedd")
    assert fact(f, "ema.decay").origin == "default"
    assert fact(f, "ema.decay").value == 0.9999
    assert fact(f, "curriculum.enabled").value is True
    assert fact(f, "curriculum.preschool_time").value == 5000
    assert fact(f, "scheduler.name").value == "cosine"
