"""The EMA shares cfglint states (the start's share, the share of the last updates) under
every decay schedule, checked against step-by-step replays of the trainers' update loops,
and their closed forms against the term-by-term products on long runs."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cfglint.facts import ema


def replay_weights(schedule: str, decay: float, n: int, every: int = 1,
                   **kw: float) -> list[float]:
    """The EMA after ``n`` optimizer steps as weights over [start, w_1, ..., w_n], updated
    with ``ema_decay_at`` at steps every, 2·every, ... (a decay of 0 copies w_k)."""
    coef = [1.0] + [0.0] * n
    for k in range(every, n + 1, every):
        d = ema.ema_decay_at(k, decay, schedule, **kw)  # type: ignore[arg-type]
        coef = [c * d for c in coef]
        coef[k] += 1 - d
    return coef


def ema_pytorch_replay(n: int, beta: float, power: float, after: int = 0,
                       inv_gamma: float = 1.0) -> list[float]:
    """lucidrains/ema-pytorch ``EMA.update()`` as traiNNer-redux calls it after every
    optimizer step (update_every=1): weights over [w_0, w_1, ..., w_n]."""
    coef = [1.0] + [0.0] * n  # deepcopy of the model at construction
    step, initted = 0, False
    for t in range(1, n + 1):
        current = step
        step += 1
        if not initted or current <= after:
            initted = True
            coef = [0.0] * (n + 1)
            coef[t] = 1.0
            continue
        epoch = max(0, step - after - 1)
        d = 0.0 if epoch <= 0 else min(beta, max(0.0, 1 - (1 + epoch / inv_gamma) ** -power))
        coef = [c * d for c in coef]  # ema.lerp_(model, 1 - d)
        coef[t] += 1 - d
    return coef


@given(st.integers(2, 300), st.sampled_from([0.9, 0.999, 0.9999]),
       st.sampled_from([10.0, 2 / 3, 0.75, 1.0]), st.sampled_from([0, 0, 1, 7]))
@settings(max_examples=60, deadline=None)
def test_ema_pytorch_schedule_matches_its_update_loop(n: int, beta: float, power: float,
                                                      after: int) -> None:
    coef = ema_pytorch_replay(n, beta, power, after)
    kw = {"power": power, "update_after_step": after}
    # the first update copies the weights one step in: that copy is the EMA's start
    start = coef[1] + coef[0]
    expected_start = start if after == 0 else 0.0 if n > 1 else start
    assert ema.ema_init_share(n, beta, "ema_pytorch", **kw) == pytest.approx(
        expected_start, abs=1e-12)
    for fraction in (0.1, 0.5):
        first = math.floor(n * (1 - fraction) + 1e-9)
        recent = sum(coef[first + 1:]) if first >= 1 else None
        if recent is not None:
            assert ema.ema_recent_share(n, fraction, beta, "ema_pytorch", **kw) == \
                pytest.approx(recent, abs=1e-12)


@pytest.mark.parametrize(("schedule", "kw"), [
    ("constant", {}), ("torch_ema", {}), ("onetrainer", {}), ("diffusers", {}),
    ("diffusers", {"update_after_step": 3}), ("copy_then_constant", {"warmup_steps": 4}),
    ("ema_pytorch", {"power": 0.75}),
])
@pytest.mark.parametrize("every", [1, 3])
def test_recent_share_is_the_weight_of_the_last_updates(schedule: str, kw: dict[str, float],
                                                        every: int) -> None:
    n, decay = 240, 0.99
    coef = replay_weights(schedule, decay, n, every, **kw)
    updates = n // every
    for fraction in (0.1, 0.25, 0.5):
        first_update = math.floor(updates * (1 - fraction) + 1e-9) + 1
        expected = sum(coef[first_update * every:])
        got = ema.ema_recent_share(n, fraction, decay, schedule, every=every,  # type: ignore[arg-type]
                                   **kw)
        assert got == pytest.approx(expected, abs=1e-12)


def _term_by_term(schedule: str, decay: float, lo: int, hi: int, every: int,
                  **kw: float) -> float:
    total = 0.0
    for j in range(lo, hi + 1):
        d = ema.ema_decay_at(j * every, decay, schedule, **kw)  # type: ignore[arg-type]
        if d == 0:
            return -math.inf
        total += math.log(d)
    return total


@pytest.mark.parametrize(("schedule", "decay", "every", "kw"), [
    ("torch_ema", 0.9999, 1, {}), ("torch_ema", 0.99999, 4, {}),
    ("onetrainer", 0.9999, 5, {}), ("diffusers", 0.9999, 1, {"update_after_step": 100}),
    ("diffusers", 0.9999, 2, {"use_warmup": True, "power": 2 / 3, "inv_gamma": 3.0}),
    ("ema_pytorch", 0.9999, 1, {"power": 2 / 3}), ("ema_pytorch", 0.999, 1, {"power": 0.2}),
    ("ema_pytorch", 0.99999, 1, {"power": 0.75, "update_after_step": 50}),
])
def test_closed_forms_match_the_term_by_term_product_on_long_runs(
        schedule: str, decay: float, every: int, kw: dict[str, float]) -> None:
    run = ema._run(decay, schedule, every, kw)
    for lo, hi in ((1, 60_000), (30_001, 60_000), (54_001, 60_000), (300, 9_000)):
        want = _term_by_term(schedule, decay, lo, hi, every, **kw)
        assert ema._log_product(run, lo, hi) == pytest.approx(want, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("n", [20_000, 50_000, 80_000])
def test_sedd_warmup_puts_most_of_the_final_ema_in_the_last_tenth(n: int) -> None:
    # min(0.9999, (1+k)/(10+k)) has not reached 0.9999 before k ≈ 90,000: the product
    # over the last tenth telescopes to ≈ 0.9^9, so that tenth holds ≈ 61 %
    share = ema.ema_recent_share(n, 0.1, 0.9999, "torch_ema")
    assert 0.61 < share < 0.62
    assert ema.ema_recent_share(n, 0.5, 0.9999, "torch_ema") > 0.99


def test_a_constant_decay_keeps_the_early_run() -> None:
    assert ema.ema_recent_share(1000, 0.5, 0.999) == pytest.approx(1 - 0.999 ** 500)
    assert ema.ema_recent_share(2000, 0.1, 0.9999) == pytest.approx(1 - 0.9999 ** 200)


def test_traiNNer_default_power_is_a_constant_decay_after_the_first_copy() -> None:
    # ema_power 10: 1 - 2^-10 ≈ 0.99902 at the second update, then capped at the decay
    assert ema.ema_decay_at(2, 0.999, "ema_pytorch", power=10) == 0.999
    assert ema.ema_init_share(500, 0.999, "ema_pytorch", power=10) == pytest.approx(
        0.999 ** 499)
    # a real warm-up (ema_power 0.75) forgets the start quickly
    assert ema.ema_init_share(500, 0.999, "ema_pytorch", power=0.75) < 1e-6


@given(st.sampled_from(ema.EMA_SCHEDULES), st.floats(0.5, 0.99999),
       st.integers(0, 200_000), st.integers(1, 10),
       st.lists(st.floats(0.0, 1.0), min_size=2, max_size=2))
@settings(max_examples=80, deadline=None)
def test_shares_are_probabilities_and_grow_with_the_window(
        schedule: str, decay: float, n: int, every: int, fractions: list[float]) -> None:
    kw = {"power": 0.75} if schedule == "ema_pytorch" else {}
    lo, hi = sorted(fractions)
    a = ema.ema_recent_share(n, lo, decay, schedule, every=every, **kw)  # type: ignore[arg-type]
    b = ema.ema_recent_share(n, hi, decay, schedule, every=every, **kw)  # type: ignore[arg-type]
    start = ema.ema_init_share(n, decay, schedule, every=every, **kw)  # type: ignore[arg-type]
    assert 0.0 <= a <= b + 1e-12 <= 1.0 + 1e-12
    assert 0.0 <= start <= 1.0


@pytest.mark.parametrize(("args", "kw"), [
    ((100, 0.5, 1.5), {}), ((100, 0.5, 0.99), {"every": 0}), ((100, 1.5, 0.99), {}),
    ((100, 0.5, 0.99, "no_such_schedule"), {}),
])
def test_bad_input_is_a_value_error(args: tuple[object, ...], kw: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        ema.ema_recent_share(*args, **kw)  # type: ignore[arg-type]
