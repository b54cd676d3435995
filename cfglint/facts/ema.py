"""EMA decay schedules as the trainers compute them, and the quantities rules state about
them: the starting weights' share of the EMA, its half-life, lag and time constant, and
decays chosen for a run's length.

Every function is pure and cheap; invalid input raises ``ValueError`` (the expression
evaluator turns that into "not evaluated").
"""

from __future__ import annotations

import math
from typing import Literal

EmaSchedule = Literal["constant", "torch_ema", "diffusers", "onetrainer", "copy_then_constant"]
EMA_SCHEDULES: tuple[str, ...] = ("constant", "torch_ema", "diffusers", "onetrainer",
                                  "copy_then_constant")

# Constant-decay EMA products below this are reported as 0 (no float underflow games).
_TINY = 1e-300
# EMA warm-up products are multiplied out update by update until the schedule saturates;
# past this many updates the share is not computed (a decay within 1e-6 of 1)
_MAX_EMA_UPDATES = 1_000_000


def ema_decay_at(k: int, decay: float, schedule: EmaSchedule = "constant", *,
                 update_after_step: int = 0, use_warmup: bool = False, inv_gamma: float = 1.0,
                 power: float = 2 / 3, min_decay: float = 0.0, warmup_steps: int = 0) -> float:
    """Decay applied by an EMA update at optimizer step k (k = 1, 2, ...; with one update
    per step, the k-th update).

    * ``constant``: ``d`` (ai-toolkit ``toolkit/ema.py`` with ``use_num_updates=False``,
      BasicSR ``model_ema``, traiNNer-redux default).
    * ``torch_ema``: ``min(d, (1+k)/(10+k))`` (``SEDD:model/ema.py``).
    * ``diffusers``: ``diffusers:src/diffusers/training_utils.py::EMAModel.get_decay``:
      ``s = k - update_after_step - 1``; 0 when ``s <= 0``; ``(1+s)/(10+s)`` or, with
      ``use_ema_warmup``, ``1 - (1 + s/inv_gamma)^-power``; clipped to ``[min_decay, d]``.
      SimpleTuner's copy (``simpletuner/helpers/training/ema.py``) is given the global step.
    * ``onetrainer``: ``min((1+t)/(10+t), d)`` with ``t = k - 1``, the 0-based optimizer
      step (``Nerogar/OneTrainer:modules/module/EMAModule.py``, called with
      ``global_step // gradient_accumulation_steps`` by ``modules/trainer/GenericTrainer.py``).
    * ``copy_then_constant``: 0 (a copy of the weights) before ``warmup_steps``, then ``d``
      (SimpleTuner's ``ema_warmup_steps``).
    """
    if schedule == "constant":
        return decay
    if schedule == "torch_ema":
        return min(decay, (1 + k) / (10 + k))
    if schedule == "onetrainer":
        return min(decay, k / (9 + k))
    if schedule == "copy_then_constant":
        return 0.0 if k < warmup_steps else decay
    if schedule == "diffusers":
        s = k - update_after_step - 1
        if s <= 0:
            return 0.0
        cur = 1 - (1 + s / inv_gamma) ** -power if use_warmup else (1 + s) / (10 + s)
        return max(min(cur, decay), min_decay)
    raise ValueError(f"unknown EMA schedule {schedule!r}")


def ema_init_share(n: int, decay: float, schedule: EmaSchedule = "constant", *,
                   every: int = 1, **kw: float) -> float:
    """Share of the starting weights left in the EMA after ``n`` optimizer steps: ``Π d_k``
    over the steps ``k = every, 2·every, … ≤ n`` that update it (OneTrainer's
    ``ema_update_step_interval``, SimpleTuner's ``ema_update_interval``).

    A constant decay gives ``d^n`` (0.999^128 ≈ 0.88); warmup schedules (torch_ema,
    diffusers, onetrainer) fall to ≈ 0 within a few dozen updates.
    """
    if not 0.0 <= decay <= 1.0:
        raise ValueError(f"EMA decay must be in [0, 1], got {decay}")
    if every <= 0:
        raise ValueError(f"EMA update interval must be positive, got {every}")
    updates = n // every if n > 0 else 0
    if updates <= 0:
        return 1.0
    if schedule == "constant":
        return float(decay ** updates)
    share = 1.0
    for j in range(1, updates + 1):
        if j > _MAX_EMA_UPDATES:
            raise ValueError(f"the EMA warm-up does not saturate within {_MAX_EMA_UPDATES:,} "
                             "updates")
        d = ema_decay_at(j * every, decay, schedule, **kw)  # type: ignore[arg-type]
        if d >= decay:
            # the schedule has saturated: the remaining updates are constant
            return share * decay ** (updates - j + 1)
        share *= d
        if share < _TINY:
            return 0.0
    return share


def ema_half_life(decay: float) -> float:
    """Updates for the weight of a past step to halve: ``ln 2 / −ln d`` (0.9999 → 6931)."""
    if not 0.0 < decay < 1.0:
        raise ValueError(f"half-life needs 0 < decay < 1, got {decay}")
    return math.log(2) / -math.log(decay)


def ema_mean_lag(decay: float) -> float:
    """Mean age, in updates, of the weights in a saturated constant EMA: ``d / (1 − d)``."""
    if not 0.0 <= decay < 1.0:
        raise ValueError(f"mean lag needs 0 <= decay < 1, got {decay}")
    return decay / (1 - decay)


def decay_for_share(steps: float, share: float) -> float:
    """The constant EMA decay that leaves ``share`` of the starting weights after ``steps``
    updates (``share^(1/steps)``), with 1 − d rounded to two significant digits."""
    if steps <= 0 or not 0.0 < share < 1.0:
        raise ValueError(f"needs steps > 0 and 0 < share < 1, got {steps}, {share}")
    gap = 1 - float(share ** (1 / steps))
    digits = 1 - math.floor(math.log10(gap))
    return float(round(1 - round(gap, digits), 10))


def decay_for_updates(updates: float) -> float:
    """A decay whose time constant 1/(1−d) is about 10 % of ``updates`` EMA updates,
    kept within the usual [0.9, 0.9999]."""
    if updates <= 0:
        raise ValueError(f"needs a positive number of updates, got {updates}")
    return round(min(0.9999, max(0.9, 1 - 10 / updates)), 4)


def ema_time_constant(decay: float) -> float:
    """Updates an EMA averages over: ``1 / (1 − d)`` (0.9999 → 10,000)."""
    if not 0.0 <= decay < 1.0:
        raise ValueError(f"time constant needs 0 <= decay < 1, got {decay}")
    return 1 / (1 - decay)
