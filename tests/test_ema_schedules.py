"""The EMA decay schedules of OneTrainer and SimpleTuner, checked against a step-by-step
replay of each trainer's update loop, and their use in the derived facts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cfglint.facts import formulas
from cfglint.facts.derive import derive_common
from cfglint.facts.model import Facts


def onetrainer_replay(steps: int, decay: float, interval: int, accum: int) -> float:
    """Nerogar/OneTrainer GenericTrainer + EMAModule: after each optimizer step,
    t = global_step // accum; decay min((1+t)/(10+t), d); applied when (t+1) % interval == 0."""
    share = 1.0
    for global_step in range(steps * accum):
        if (global_step + 1) % accum:
            continue
        t = global_step // accum
        if (t + 1) % interval == 0:
            share *= min((1 + t) / (10 + t), decay)
    return share


def simpletuner_replay(steps: int, decay: float, interval: int, warmup: int = 0) -> float:
    """bghira/SimpleTuner trainer + EMAModel.get_decay: step(global_step) after the
    increment; updated when global_step % interval == 0."""
    share = 1.0
    for s in range(1, steps + 1):
        if s % interval:
            continue
        if warmup > 0:
            d = 0.0 if s < warmup else decay
        else:
            k = max(0, s - 1)
            d = 0.0 if k <= 0 else min((1 + k) / (10 + k), decay)
        share *= d
    return share


@given(st.integers(0, 400), st.sampled_from([0.5, 0.9, 0.999, 0.9999]), st.integers(1, 7),
       st.integers(1, 4))
def test_onetrainer_schedule_matches_its_update_loop(steps: int, decay: float, interval: int,
                                                     accum: int) -> None:
    got = formulas.ema_init_share(steps, decay, "onetrainer", every=interval)
    assert got == pytest.approx(onetrainer_replay(steps, decay, interval, accum), rel=1e-9,
                                abs=1e-300)


@given(st.integers(0, 400), st.sampled_from([0.5, 0.995, 0.9999]), st.integers(1, 7),
       st.sampled_from([0, 1, 3, 50]))
def test_simpletuner_schedules_match_its_update_loop(steps: int, decay: float, interval: int,
                                                     warmup: int) -> None:
    schedule = "copy_then_constant" if warmup else "diffusers"
    got = formulas.ema_init_share(steps, decay, schedule, every=interval, warmup_steps=warmup)
    assert got == pytest.approx(simpletuner_replay(steps, decay, interval, warmup), rel=1e-9,
                                abs=1e-300)


def test_onetrainer_first_update_keeps_a_tenth_of_the_start() -> None:
    assert formulas.ema_decay_at(1, 0.999, "onetrainer") == pytest.approx(0.1)
    # default interval 5: the first update, at step 5, keeps 5/14
    assert formulas.ema_init_share(5, 0.999, "onetrainer", every=5) == pytest.approx(5 / 14)
    assert formulas.ema_init_share(4, 0.999, "onetrainer", every=5) == 1.0


def test_constant_decay_counts_updates_not_steps() -> None:
    assert formulas.ema_init_share(100, 0.99, every=5) == pytest.approx(0.99 ** 20)


def test_invalid_interval_is_rejected() -> None:
    with pytest.raises(ValueError):
        formulas.ema_init_share(10, 0.99, every=0)


def test_derived_share_uses_the_schedule_and_the_interval() -> None:
    facts = Facts("onetrainer")
    for name, value in (("ema.enabled", True), ("ema.decay", 0.999),
                        ("ema.schedule", "onetrainer"), ("ema.update_every", 5),
                        ("sample_every", 10)):
        facts.set(name, value, "derived")
    derive_common(facts)
    fact = facts.get("ema.init_share_at_first_eval")
    assert fact is not None
    assert fact.value == pytest.approx(5 / 14 * 10 / 19)
    assert "k/(9+k)" in fact.note and "k=5, 10" in fact.note


def test_bound_function_passes_interval_and_warmup() -> None:
    fns = formulas.bound_functions({"ema.decay": 0.9, "ema.schedule": "copy_then_constant",
                                    "ema.update_every": 2, "ema.warmup_steps": 3})
    assert fns["ema_init_share"](10) == 0.0  # the update at step 2 copies the weights
    fns = formulas.bound_functions({"ema.decay": 0.9, "ema.schedule": "copy_then_constant",
                                    "ema.update_every": 4, "ema.warmup_steps": 3})
    assert fns["ema_init_share"](8) == pytest.approx(0.81)
