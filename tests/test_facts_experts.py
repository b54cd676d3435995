"""Wan 2.2's two experts: the derived share of updates, density per unit of timestep, and
the share of a single-expert run's timestep range inside its expert's own range."""

from __future__ import annotations

import pytest
from facts_helpers import fact, facts_of
from hypothesis import given
from hypothesis import strategies as st

DP_HIGH = """output_dir = "/data/output"
dataset = "dataset.toml"
epochs = 50
micro_batch_size_per_gpu = 1
[model]
type = "wan"
ckpt_path = "/models/Wan2.2-T2V-A14B"
transformer_path = "/models/Wan2.2-T2V-A14B/high_noise_model"
dtype = "bfloat16"
{range}
[adapter]
type = "lora"
rank = 32
[optimizer]
type = "adamw_optimi"
lr = 2e-5
"""
AITK = """job: extension
config:
  name: wan22_lora
  process:
    - type: sd_trainer
      network: {{type: lora, linear: 32, linear_alpha: 32}}
      train: {{batch_size: 1, steps: 2000, lr: 1.0e-4, switch_boundary_every: 10}}
      model:
        name_or_path: ai-toolkit/Wan2.2-T2V-A14B-Diffusers-bf16
        arch: wan22_14b
{kwargs}"""
MUSUBI = """task = "t2v-A14B"
dit = "/models/wan2.2_t2v_low_noise_14B_fp16.safetensors"
dit_high_noise = "/models/wan2.2_t2v_high_noise_14B_fp16.safetensors"
network_module = "networks.lora_wan"
network_dim = 32
learning_rate = 2e-4
max_train_steps = 2000
timestep_sampling = "uniform"
"""


def test_high_noise_lora_over_all_timesteps_has_an_eighth_in_its_range() -> None:
    _, f = facts_of(DP_HIGH.format(range=""), "toml", "diffusion-pipe")
    assert fact(f, "moe.boundary").value == 0.875
    assert fact(f, "moe.range_in_expert").value == pytest.approx(0.125)
    _, g = facts_of(DP_HIGH.format(range="min_t = 0.875\nmax_t = 1"), "toml", "diffusion-pipe")
    assert fact(g, "moe.range_in_expert").value == pytest.approx(1.0)


def test_i2v_high_noise_expert_takes_over_at_0_9() -> None:
    _, f = facts_of(DP_HIGH.format(range="").replace("T2V", "I2V"), "toml", "diffusion-pipe")
    assert fact(f, "moe.boundary").value == 0.9


def test_ai_toolkit_alternating_experts_give_the_high_one_seven_times_the_density() -> None:
    _, f = facts_of(AITK.format(kwargs=""), "yaml", "ai-toolkit")
    assert (fact(f, "moe.expert").value, fact(f, "moe.split").value) == ("both", "alternate")
    assert fact(f, "moe.switch_every").value == 10
    assert fact(f, "moe.high_share").value == 0.5
    assert fact(f, "moe.high_steps").value == 1000
    assert fact(f, "moe.density_ratio").value == pytest.approx(7.0)


def test_ai_toolkit_single_expert_stays_in_its_own_range() -> None:
    kwargs = "        model_kwargs: {train_low_noise: false}\n"
    _, f = facts_of(AITK.format(kwargs=kwargs), "yaml", "ai-toolkit")
    assert (fact(f, "moe.expert").value, fact(f, "moe.split").value) == ("high", "one")
    assert "moe.range_in_expert" not in f and "moe.density_ratio" not in f


def test_musubi_uniform_timesteps_split_updates_in_proportion_to_the_ranges() -> None:
    _, f = facts_of(MUSUBI, "toml", "musubi-tuner")
    assert fact(f, "moe.split").value == "timestep"
    assert fact(f, "moe.high_share").value == pytest.approx(0.125)
    assert fact(f, "moe.high_steps").value == 250
    assert fact(f, "moe.density_ratio").value == pytest.approx(1.0)


@given(st.floats(0.0, 0.99), st.floats(0.01, 1.0))
def test_range_share_is_a_fraction_for_any_timestep_range(lo: float, width: float) -> None:
    hi = min(1.0, lo + width)
    text = DP_HIGH.format(range=f"min_t = {lo!r}\nmax_t = {hi!r}")
    _, f = facts_of(text, "toml", "diffusion-pipe")
    expected = max(0.0, hi - max(lo, 0.875)) / (hi - lo)
    assert fact(f, "moe.range_in_expert").value == pytest.approx(expected)
    assert 0.0 <= fact(f, "moe.range_in_expert").value <= 1.0
