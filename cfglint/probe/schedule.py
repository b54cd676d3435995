"""Learning-rate schedules on the optimizer-step axis, and the probe's time-warp onto them.

The probe cannot run 10 000 steps, so probe step i is mapped to a real step t_i that
covers the warmup ramp, holds the peak for at least half of the probe, and includes the
first sample step. The formulas restate the documented behaviour of the
trainers' schedulers (warmup is linear from 0 at step 0); no torch here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Names treated as "constant after a linear warmup" (SEDD, BasicSR warmup_iter, ...).
_WARMUP_CONSTANT = frozenset({"constant_with_warmup", "warmup", "warmup_constant", "none", ""})
# Step decays at fixed milestones: the probe holds the peak LR, the part that matters for
# stability, and does not follow the later steps down.
_MILESTONES = frozenset({"multisteplr", "multistep"})
# Decays whose shape is set by the length of the run.
_DECAYS = frozenset({"linear", "cosine", "cosineannealinglr", "cosineannealingrestartlr",
                     "cosine_with_restarts", "polynomial"})


def modelled(name: str) -> bool:
    """Whether ``lr_multiplier`` knows the schedule (any other runs as a constant LR)."""
    low = name.lower()
    return low == "constant" or low in _WARMUP_CONSTANT | _MILESTONES | _DECAYS


def depends_on_length(name: str) -> bool:
    """Whether the schedule's shape needs the run length (a decay to the end of the run)."""
    return name.lower() in _DECAYS


def lr_multiplier(name: str, step: int, warmup: int, total: int,
                  num_cycles: float = 1.0, power: float = 1.0) -> float:
    """Multiplier of the peak LR at optimizer step ``step`` (0-based)."""
    name = name.lower()
    if name == "constant":  # diffusers/kohya "constant" ignores warmup (CFG303)
        return 1.0
    if warmup > 0 and step < warmup:
        return step / warmup
    if name in _WARMUP_CONSTANT or name in _MILESTONES:
        return 1.0
    span = max(1, total - warmup)
    progress = min(1.0, max(0.0, (step - warmup) / span))
    if name == "linear":
        return max(0.0, 1.0 - progress)
    if name in ("cosine", "cosineannealinglr", "cosineannealingrestartlr"):
        return 0.5 * (1.0 + math.cos(math.pi * progress))
    if name == "cosine_with_restarts":
        if progress >= 1.0:
            return 0.0
        return 0.5 * (1.0 + math.cos(math.pi * ((num_cycles * progress) % 1.0)))
    if name == "polynomial":
        lr_end = 1e-7  # relative floor; diffusers' default lr_end against lr 1e-4 is tiny
        return float((1.0 - lr_end) * (1.0 - progress) ** power + lr_end)
    return 1.0


@dataclass
class Warp:
    """The probe's schedule: real step and LR multiplier per probe step."""

    real_steps: list[int]
    multipliers: list[float]
    peak_multiplier: float
    peak_share: float
    warmup_probe_steps: int
    sample_probe_step: int | None
    note: str

    def describe(self) -> str:
        text = (f"{len(self.real_steps)} probe steps over real steps 0..{self.real_steps[-1]}; "
                f"warmup ramp on {self.warmup_probe_steps} probe steps; peak LR held for "
                f"{self.peak_share:.0%} of the probe")
        if self.sample_probe_step is not None:
            text += (f"; first sample step {self.real_steps[self.sample_probe_step]} at probe "
                     f"step {self.sample_probe_step} "
                     f"(×{self.multipliers[self.sample_probe_step]:.3g})")
        return text + (f"; {self.note}" if self.note else "")


def time_warp(name: str, probe_steps: int, warmup: int, total: int, first_sample: int | None,
              num_cycles: float = 1.0, power: float = 1.0) -> Warp:
    """Map ``probe_steps`` steps onto the real schedule (identity where it already fits)."""
    k = max(2, probe_steps)
    total = max(total, 1)

    def mult(t: int) -> float:
        return lr_multiplier(name, t, warmup, total, num_cycles, power)
    if total <= k:  # the whole run fits: identity, then hold the last step
        real = list(range(total)) + [total - 1] * (k - total)
    else:
        ramp = warmup if name != "constant" else 0
        n_warm = min(ramp, max(1, k // 5)) if ramp > 0 else 0
        n_peak = math.ceil(k / 2)
        n_rest = k - n_warm - n_peak
        peak_t = min(ramp, total - 1)
        if n_warm >= ramp:
            warm = list(range(ramp))
        else:
            warm = [round(i * ramp / n_warm) for i in range(n_warm)]
        rest: list[int] = []
        if n_rest > 0:
            end = total - 1
            rest = [peak_t + round((i + 1) * (end - peak_t) / n_rest) for i in range(n_rest)]
            target = first_sample if first_sample is not None else -1
            if peak_t < target < total and target not in rest:
                nearest = min(range(n_rest), key=lambda i: abs(rest[i] - target))
                rest[nearest] = target
                rest.sort()
        real = warm + [peak_t] * n_peak + rest
    multipliers = [mult(t) for t in real]
    peak = max(multipliers) if multipliers else 1.0
    held = sum(1 for m in multipliers if peak > 0 and m >= 0.999 * peak)
    sample_idx = None
    if first_sample is not None:
        candidates = [i for i, t in enumerate(real) if t == first_sample]
        if candidates:
            sample_idx = candidates[0]
        elif first_sample >= total:
            sample_idx = None
    note = "" if sample_idx is not None or first_sample is None else \
        f"first sample step {first_sample} is beyond the run ({total} steps)"
    warm_steps = sum(1 for t in real if t < warmup and name != "constant")
    return Warp(real, multipliers, peak, held / len(real), warm_steps, sample_idx, note)


def ema_decay_at(schedule: str, decay: float, step: int) -> float:
    """EMA decay used at optimizer step ``step`` (0-based) under the trainer's schedule."""
    if schedule == "onetrainer":
        from cfglint.facts.formulas import ema_decay_at as decay_at

        return decay_at(step + 1, decay, "onetrainer")
    if schedule in ("torch_ema", "diffusers"):
        # torch_ema/SEDD: min(d, (1+k)/(10+k)) with k the update count (1-based)
        k = step + 1 if schedule == "torch_ema" else step
        return min(decay, (1 + k) / (10 + k))
    return decay


def ema_init_share(schedule: str, decay: float, steps: int) -> float:
    """Weight of the initial weights inside the EMA after ``steps`` updates."""
    share = 1.0
    for s in range(steps):
        share *= ema_decay_at(schedule, decay, s)
    return share
