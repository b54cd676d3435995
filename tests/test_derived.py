"""Derived quantities against the worked numbers of research/rules.md (§1, §2.1, §4)."""

from __future__ import annotations

import math

import pytest

from cfglint.facts import formulas as derived


def test_constant_ema_share_matches_the_seed_004_numbers() -> None:
    # rules.md CFG101: 0.999^128 ≈ 0.88, 0.9999^1000 ≈ 0.905, 0.99^250 ≈ 0.08, 0.9999^55 ≈ 0.9945
    assert derived.ema_init_share(128, 0.999) == pytest.approx(0.88, abs=0.005)
    assert derived.ema_init_share(1000, 0.9999) == pytest.approx(0.905, abs=0.001)
    assert derived.ema_init_share(250, 0.99) == pytest.approx(0.08, abs=0.005)
    assert derived.ema_init_share(55, 0.9999) == pytest.approx(0.9945, abs=0.0001)


def test_torch_ema_warmup_forgets_the_start_within_a_few_dozen_updates() -> None:
    # SEDD model/ema.py: min(d, (1+k)/(10+k)) → ≈ 0 after about 30 updates
    share_30 = derived.ema_init_share(30, 0.9999, "torch_ema")
    assert share_30 < 1e-6
    first = derived.ema_decay_at(1, 0.9999, "torch_ema")
    assert first == pytest.approx(2 / 11)
    assert derived.ema_init_share(1, 0.9999, "torch_ema") == pytest.approx(2 / 11)


def test_torch_ema_saturates_to_the_constant_decay() -> None:
    # with d = 0.5 the warmup term (1+k)/(10+k) exceeds d from k = 8 on
    manual = 1.0
    for k in range(1, 21):
        manual *= min(0.5, (1 + k) / (10 + k))
    assert derived.ema_init_share(20, 0.5, "torch_ema") == pytest.approx(manual)


def test_diffusers_ema_copies_the_weights_on_its_first_update() -> None:
    # EMAModel.get_decay returns 0 while step <= 0, so the first update replaces the start
    assert derived.ema_init_share(1, 0.9999, "diffusers") == 0.0
    assert derived.ema_decay_at(2, 0.9999, "diffusers") == pytest.approx(2 / 11)
    delayed = derived.ema_decay_at(5, 0.9999, "diffusers", update_after_step=10)
    assert delayed == 0.0


def test_half_life_and_mean_lag_of_a_constant_ema() -> None:
    assert derived.ema_half_life(0.9999) == pytest.approx(6931, abs=1)
    assert derived.ema_half_life(0.99) == pytest.approx(69, abs=0.1)
    assert derived.ema_mean_lag(0.9999) == pytest.approx(9999)
    with pytest.raises(ValueError):
        derived.ema_half_life(1.0)


def test_lora_scale_and_effective_lr() -> None:
    # rules.md CFG201: seed 003 trial 4 (α = r = 128) vs trial 3 (α/r = 32/256)
    assert derived.effective_lr(1.84e-4, derived.lora_scale(128, 128)) == pytest.approx(1.84e-4)
    trial3 = derived.effective_lr(6.6e-5, derived.lora_scale(32, 256))
    assert trial3 == pytest.approx(8.25e-6)
    assert derived.effective_lr(1e-5) == 1e-5
    # rsLoRA: r=4/α=4 and r=64/α=16 share lr·α/√r
    assert derived.lora_scale(4, 4, True) == pytest.approx(derived.lora_scale(16, 64, True))
    with pytest.raises(ValueError):
        derived.lora_scale(1, 0)


def test_effective_batch_and_steps_per_epoch_for_the_seed_004_run() -> None:
    # rules.md CFG101: 5 GPUs × 24 × accum 4 on about 2.6k images → about 5 optimizer steps/epoch
    assert derived.effective_batch(24, 4, 5) == 480
    spe = derived.steps_per_epoch(2600, 24, 4, 5)
    assert spe == math.ceil(math.ceil(2600 / 24) / 5 / 4)
    assert 5 <= spe <= 6
    assert derived.total_steps_opt(epochs=300, epoch_steps=spe) == 300 * spe


def test_total_steps_with_legacy_accumulation_counts_micro_steps() -> None:
    # rules.md CFG310: ai-toolkit gradient_accumulation_steps: k → steps / k optimizer steps
    assert derived.total_steps_opt(steps=2000, micro_per_step=4) == 500
    assert derived.total_steps_opt(steps=2000) == 2000
    with pytest.raises(ValueError):
        derived.total_steps_opt(epochs=3)


def test_warmup_units() -> None:
    assert derived.warmup_steps_opt(100, "steps") == 100
    assert derived.warmup_steps_opt(-1, "steps") == 0  # BasicSR warmup_iter: -1
    assert derived.warmup_steps_opt(0.05, "ratio", 2000) == 100  # kohya float < 1
    assert derived.warmup_steps_opt(10, "percent", 1600) == 160  # kohya_ss GUI lr_warmup
    # kohya_ss: lr_warmup_steps overrides lr_warmup
    assert derived.warmup_steps_opt(10, "percent", 1600, override=50) == 50
    # rules.md CFG308: lr_warmup_steps 100 on 4 GPUs lasts 25 optimizer steps
    assert derived.warmup_steps_opt(100, "steps", scheduler_steps_per_opt=4) == 25
    with pytest.raises(ValueError):
        derived.warmup_steps_opt(0.1, "ratio")


def test_warmup_unit_conventions() -> None:
    assert derived.warmup_unit(0.1, "kohya") == "ratio"
    assert derived.warmup_unit(100, "kohya") == "steps"
    assert derived.warmup_unit(10, "kohya_gui") == "percent"


def test_first_eval_step_takes_the_earliest_output_after_start() -> None:
    assert derived.first_eval_step(250, 1000) == 250
    assert derived.first_eval_step(None, 100) == 100
    assert derived.first_eval_step(250, start=600) == 750
    assert derived.first_eval_step(None, 0) is None


def test_lr_at_follows_the_diffusers_formulas() -> None:
    peak = 1e-4
    assert derived.lr_at(50, "constant", peak, warmup=100) == peak
    assert derived.lr_at(50, "constant_with_warmup", peak, warmup=100) == pytest.approx(peak / 2)
    assert derived.lr_at(0, "linear", peak, 100, 1100) == 0.0
    assert derived.lr_at(600, "linear", peak, 100, 1100) == pytest.approx(peak / 2)
    assert derived.lr_at(600, "cosine", peak, 100, 1100) == pytest.approx(peak / 2)
    assert derived.lr_at(1100, "cosine", peak, 100, 1100) == pytest.approx(0.0, abs=1e-20)
    # two hard restarts: back at the peak half-way
    assert derived.lr_at(600, "cosine_with_restarts", peak, 100, 1100, cycles=2) == \
        pytest.approx(peak)
    # polynomial with power 1 is linear down to lr_end (rules.md CFG306)
    poly = derived.lr_at(600, "polynomial", peak, 100, 1100, power=1.0)
    assert poly == pytest.approx((peak - 1e-7) / 2 + 1e-7)
    with pytest.raises(ValueError):
        derived.lr_at(10, "multisteplr", peak)


def test_bound_functions_use_the_run_facts() -> None:
    fns = derived.bound_functions({"ema.decay": 0.999, "ema.schedule": "constant",
                                   "scheduler.name": "cosine", "lr": 1e-4, "warmup.steps": 0,
                                   "total_steps": 1000})
    assert fns["ema_init_share"](128) == pytest.approx(0.999 ** 128)
    assert fns["lr_at"](500) == pytest.approx(5e-5)
    with pytest.raises(ValueError):
        derived.bound_functions({})["ema_init_share"](10)
