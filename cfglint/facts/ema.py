"""EMA decay schedules as the trainers compute them, and the quantities rules state about
them: the starting weights' share of the EMA, its half-life, lag and time constant, and
decays chosen for a run's length.

Every function is pure and cheap; invalid input raises ``ValueError`` (the expression
evaluator turns that into "not evaluated").
"""

from __future__ import annotations

import math
from typing import Literal, NamedTuple

EmaSchedule = Literal["constant", "torch_ema", "diffusers", "onetrainer", "copy_then_constant",
                      "ema_pytorch"]
EMA_SCHEDULES: tuple[str, ...] = ("constant", "torch_ema", "diffusers", "onetrainer",
                                  "copy_then_constant", "ema_pytorch")

# Shares below this are reported as 0 (no float underflow games).
_TINY = 1e-300
# Warm-up products over at most this many updates are multiplied out term by term; longer
# stretches use the closed forms below (ratio warm-ups are exact; power warm-ups start the
# Euler–Maclaurin sum this many updates in, where its error is below 1e-9).
_EXACT_TERMS = 256
# a schedule that has not reached its decay after this many updates never does in practice
_NEVER = 2 ** 52


def ema_decay_at(k: int, decay: float, schedule: EmaSchedule = "constant", *,
                 update_after_step: int = 0, use_warmup: bool = False, inv_gamma: float = 1.0,
                 power: float = 2 / 3, min_decay: float = 0.0, warmup_steps: int = 0) -> float:
    """Decay applied by an EMA update at optimizer step k (k = 1, 2, ...; with one update
    per step, the k-th update).

    * ``constant``: ``d`` (ai-toolkit ``toolkit/ema.py`` with ``use_num_updates=False``,
      BasicSR ``model_ema``).
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
    * ``ema_pytorch``: lucidrains' ``ema_pytorch.EMA`` as traiNNer-redux builds it (one
      update per optimizer step, ``power`` = ``ema_power``, ``update_after_step`` =
      ``ema_update_after_step``): the first update copies the weights one optimizer step
      after the start, which counts as the start here (1); updates up to
      ``update_after_step + 1`` copy them (0); then ``1 - (1 + (k - update_after_step - 1)
      / inv_gamma)^-power``, clipped to ``[min_decay, d]``
      (``lucidrains/ema-pytorch:ema_pytorch/ema_pytorch.py``, ``get_current_decay``).
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
    if schedule == "ema_pytorch":
        if k <= 1:
            return 1.0
        if k <= update_after_step + 1:
            return 0.0
        cur = float(1 - (1 + (k - update_after_step - 1) / inv_gamma) ** -power)
        return max(min(cur, decay), min_decay)
    raise ValueError(f"unknown EMA schedule {schedule!r}")


class _Run(NamedTuple):
    """One run's EMA: its decay and schedule (with ``ema_decay_at``'s parameters), updated
    every ``every`` optimizer steps; the j-th update (j = 1, 2, ...) happens at step
    ``j·every``."""

    decay: float
    schedule: EmaSchedule
    every: int = 1
    update_after_step: int = 0
    use_warmup: bool = False
    inv_gamma: float = 1.0
    power: float = 2 / 3
    min_decay: float = 0.0
    warmup_steps: int = 0

    def at(self, j: int) -> float:
        return ema_decay_at(j * self.every, self.decay, self.schedule,
                            update_after_step=self.update_after_step,
                            use_warmup=self.use_warmup, inv_gamma=self.inv_gamma,
                            power=self.power, min_decay=self.min_decay,
                            warmup_steps=self.warmup_steps)

    @property
    def settled(self) -> float:
        """The decay every update applies once the warm-up is over."""
        if self.schedule in ("diffusers", "ema_pytorch"):
            return max(self.decay, self.min_decay)
        return self.decay

    def regular_from(self) -> int:
        """The first update from which the decay follows the schedule's smooth formula; the
        updates before it copy the weights (0), except ema_pytorch's first (1)."""
        if self.schedule in ("diffusers", "ema_pytorch"):
            return max(1, math.ceil((self.update_after_step + 2) / self.every))
        if self.schedule == "copy_then_constant":
            return max(1, math.ceil(self.warmup_steps / self.every))
        return 1


def _run(decay: float, schedule: str, every: int, kw: dict[str, float]) -> _Run:
    if not 0.0 <= decay <= 1.0:
        raise ValueError(f"EMA decay must be in [0, 1], got {decay}")
    if every <= 0:
        raise ValueError(f"EMA update interval must be positive, got {every}")
    if schedule not in EMA_SCHEDULES:
        raise ValueError(f"unknown EMA schedule {schedule!r}")
    return _Run(decay, schedule, every,  # type: ignore[arg-type]
                update_after_step=int(kw.get("update_after_step", 0)),
                use_warmup=bool(kw.get("use_warmup", False)),
                inv_gamma=float(kw.get("inv_gamma", 1.0)), power=float(kw.get("power", 2 / 3)),
                min_decay=float(kw.get("min_decay", 0.0)),
                warmup_steps=int(kw.get("warmup_steps", 0)))


def _log(x: float) -> float:
    return math.log(x) if x > 0 else -math.inf


def _settles_at(run: _Run, first: int) -> int | None:
    """The first update ≥ ``first`` whose decay is the settled one (the decays never fall
    after ``first``), by doubling and bisection; None if that is beyond any run."""
    target = run.settled
    hi = first
    while run.at(hi) < target:
        if hi >= _NEVER:
            return None
        hi *= 2
    lo = max(first, hi // 2)
    if run.at(lo) >= target:
        return lo
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if run.at(mid) >= target else (mid, hi)
    return hi


def _log_ratio_product(lo: int, hi: int, alpha: float, beta: float) -> float:
    """``ln Π_{j=lo..hi} (j + α)/(j + β)``, by ``Γ(x+1)/Γ(x) = x`` (both > 0 on the range)."""
    return (math.lgamma(hi + 1 + alpha) - math.lgamma(lo + alpha)
            - math.lgamma(hi + 1 + beta) + math.lgamma(lo + beta))


def _sum_log1m_pow(u0: float, h: float, n: int, p: float) -> float:
    """``Σ_{i<n} ln(1 − u_i^−p)`` with ``u_i = u0 + h·i`` and ``u0`` large (thousands of
    updates into a warm-up): Euler–Maclaurin, ``∫ ln(1 − u^−p) du = −Σ_m u^(1−mp) /
    (m(1−mp))`` term by term."""
    u1 = u0 + h * (n - 1)

    def f(u: float) -> float:
        return math.log1p(-float(u ** -p))

    def df(u: float) -> float:
        return p * float(u ** (-p - 1)) / (1 - float(u ** -p))

    integral, m = 0.0, 1
    while True:
        e = 1 - m * p
        term = math.log(u1 / u0) if abs(e) < 1e-12 else float(u1 ** e - u0 ** e) / e
        integral -= term / m
        if abs(term / m) <= 1e-17 * max(1.0, abs(integral)) or m > 100_000:
            break
        m += 1
    return integral / h + (f(u0) + f(u1)) / 2 + h / 12 * (df(u1) - df(u0))


def _log_warmup(run: _Run, lo: int, hi: int) -> float:
    """``ln Π d_j`` over updates ``lo..hi`` of the smooth part of a warm-up, below its
    settled decay: term by term for short stretches, else in closed form."""
    if hi - lo < _EXACT_TERMS or run.min_decay > 0:
        if hi - lo > 10 * _EXACT_TERMS ** 2:
            raise ValueError("no closed form for a warm-up with a minimum decay")
        return sum(_log(run.at(j)) for j in range(lo, hi + 1))
    e, after = run.every, run.update_after_step
    if run.schedule == "torch_ema":
        return _log_ratio_product(lo, hi, 1 / e, 10 / e)
    if run.schedule == "onetrainer":
        return _log_ratio_product(lo, hi, 0.0, 9 / e)
    if run.schedule == "diffusers" and not run.use_warmup:
        return _log_ratio_product(lo, hi, -after / e, (9 - after) / e)
    if run.schedule in ("diffusers", "ema_pytorch"):
        head_hi = lo + _EXACT_TERMS - 1
        head = sum(_log(run.at(j)) for j in range(lo, head_hi + 1))
        u0 = 1 + ((head_hi + 1) * e - after - 1) / run.inv_gamma
        return head + _sum_log1m_pow(u0, e / run.inv_gamma, hi - head_hi, run.power)
    raise ValueError(f"no closed form for the {run.schedule} schedule")


def _log_product(run: _Run, lo: int, hi: int) -> float:
    """``ln Π_{j=lo..hi} d_j``: the log-share of the EMA held, after update ``hi``, by
    what it held before update ``lo`` (−inf when an update in between copies the weights)."""
    lo = max(lo, 1)
    if hi < lo:
        return 0.0
    if run.schedule == "constant":
        return (hi - lo + 1) * _log(run.decay)
    first = run.regular_from()
    if lo < first:
        # copies (0), or ema_pytorch's first update (1): the smallest is the last one
        if run.at(min(hi, first - 1)) == 0.0:
            return -math.inf
        lo = first
        if hi < lo:
            return 0.0
    settled = _settles_at(run, lo)
    warm_hi = hi if settled is None else min(hi, settled - 1)
    total = _log_warmup(run, lo, warm_hi) if warm_hi >= lo else 0.0
    if settled is not None and hi >= max(lo, settled):
        total += (hi - max(lo, settled) + 1) * _log(run.settled)
    return total


def _share(log_value: float) -> float:
    share = math.exp(log_value) if log_value > -745 else 0.0
    return 0.0 if share < _TINY else share


def ema_init_share(n: int, decay: float, schedule: EmaSchedule = "constant", *,
                   every: int = 1, **kw: float) -> float:
    """Share of the starting weights left in the EMA after ``n`` optimizer steps: ``Π d_k``
    over the steps ``k = every, 2·every, … ≤ n`` that update it (OneTrainer's
    ``ema_update_step_interval``, SimpleTuner's ``ema_update_interval``).

    A constant decay gives ``d^n`` (0.999^128 ≈ 0.88); warmup schedules (torch_ema,
    diffusers, onetrainer) fall to ≈ 0 within a few dozen updates.
    """
    run = _run(decay, schedule, every, kw)
    updates = n // every if n > 0 else 0
    return _share(_log_product(run, 1, updates))


def ema_recent_share(n: int, fraction: float, decay: float,
                     schedule: EmaSchedule = "constant", *, every: int = 1,
                     **kw: float) -> float:
    """Share of the EMA after ``n`` optimizer steps that comes from the weights of its last
    ``fraction`` of updates: ``1 − Π d_j`` over those updates (the weights before them,
    the starting point included, hold the product).

    With a constant decay the last 10 % of N updates carry ``1 − d^(N/10)``. A warm-up
    ``(1+k)/(10+k)`` that has not reached d is a polynomial average weighted toward the
    end: the last 10 % carry ``1 − 0.9^9 ≈ 61 %`` whatever N is.
    """
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"a fraction of the updates must be in [0, 1], got {fraction}")
    run = _run(decay, schedule, every, kw)
    updates = n // every if n > 0 else 0
    if updates <= 0:
        return 0.0
    before = math.floor(updates * (1 - fraction) + 1e-9)
    return 1.0 - _share(_log_product(run, before + 1, updates))


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
