"""Derived quantities that rules need, as plain functions.

The hard parts of the rules (step arithmetic, warmup units, effective LR, the LR
curve; the EMA schedules live in ``cfglint.facts.ema`` and are re-exported here) are
written and unit-tested in Python, so rule files stay one-line conditions. Every function
is pure, cheap and imports nothing heavy; invalid input raises ``ValueError``
(the expression evaluator turns that into "not evaluated").
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Literal

from cfglint.facts.ema import EMA_SCHEDULES as EMA_SCHEDULES
from cfglint.facts.ema import EmaSchedule as EmaSchedule
from cfglint.facts.ema import decay_for_share as decay_for_share
from cfglint.facts.ema import decay_for_updates as decay_for_updates
from cfglint.facts.ema import ema_decay_at as ema_decay_at
from cfglint.facts.ema import ema_half_life as ema_half_life
from cfglint.facts.ema import ema_init_share as ema_init_share
from cfglint.facts.ema import ema_mean_lag as ema_mean_lag
from cfglint.facts.ema import ema_recent_share as ema_recent_share
from cfglint.facts.ema import ema_time_constant as ema_time_constant

WarmupUnit = Literal["steps", "ratio", "percent"]


def lora_scale(alpha: float, rank: float, rank_stabilized: bool = False) -> float:
    """Multiplier on the adapter output: α/r, or α/√r with rsLoRA.

    kohya (``sd-scripts:networks/lora.py``), LyCORIS, PEFT, ai-toolkit and diffusers all
    compute ``(α/r)·B·A·x``; rsLoRA (Kalajdzievski 2023) uses ``α/√r``.
    """
    if rank <= 0:
        raise ValueError(f"LoRA rank must be positive, got {rank}")
    return alpha / math.sqrt(rank) if rank_stabilized else alpha / rank


def effective_lr(lr: float, scale: float | None = None) -> float:
    """``lr × lora_scale`` for adapters, ``lr`` for full fine-tunes (``scale`` None)."""
    return lr if scale is None else lr * scale


def effective_batch(batch: int, accum: int = 1, processes: int = 1) -> int:
    """Samples per optimizer step: per-device micro-batch × accumulation × processes."""
    if batch <= 0 or accum <= 0 or processes <= 0:
        raise ValueError("batch, accum and processes must be positive")
    return batch * accum * processes


def steps_per_epoch(samples: int, batch: int, accum: int = 1, processes: int = 1,
                    repeats: int = 1) -> int:
    """Optimizer steps per epoch the way sd-scripts counts them.

    ``sd-scripts:train_network.py``: ``ceil(len(train_dataloader) / num_processes /
    gradient_accumulation_steps)`` with ``len(train_dataloader) = ceil(samples·repeats /
    batch)`` (the dataloader is built before accelerate shards it).
    """
    if samples <= 0 or batch <= 0 or accum <= 0 or processes <= 0 or repeats <= 0:
        raise ValueError("samples, batch, accum, processes and repeats must be positive")
    micro = math.ceil(samples * repeats / batch)
    return math.ceil(micro / processes / accum)


def total_steps_opt(steps: int | None = None, epochs: int | None = None,
                    epoch_steps: int | None = None, micro_per_step: int = 1) -> int:
    """Optimizer steps of the run.

    ``epochs × epoch_steps`` when epochs are given (sd-scripts: ``max_train_epochs``
    overrides ``max_train_steps``), else ``steps // micro_per_step``: ai-toolkit's legacy
    ``gradient_accumulation_steps: k`` counts ``train.steps`` in micro-steps
    (``ai-toolkit:toolkit/config_modules.py``).
    """
    if micro_per_step <= 0:
        raise ValueError("micro_per_step must be positive")
    if epochs is not None:
        if epoch_steps is None:
            raise ValueError("epochs given without steps per epoch")
        return int(epochs) * int(epoch_steps)
    if steps is None:
        raise ValueError("neither steps nor epochs given")
    return int(steps) // micro_per_step


def warmup_unit(raw: float, convention: Literal["kohya", "kohya_gui", "steps"] = "steps"
                ) -> WarmupUnit:
    """Unit of a native warmup value.

    ``kohya``: sd-scripts' ``lr_warmup_steps`` is ``int_or_float`` and
    ``get_scheduler_fix`` multiplies any float by the step count
    (``sd-scripts:library/train_util.py``), so a float is a ratio. ``kohya_gui``:
    ``lr_warmup`` is a percentage of the total steps (``kohya_ss:kohya_gui/lora_gui.py``).
    """
    if convention == "kohya":
        return "ratio" if isinstance(raw, float) else "steps"
    if convention == "kohya_gui":
        return "percent"
    return "steps"


def warmup_steps_opt(raw: float | None, unit: WarmupUnit, total: int | None = None, *,
                     override: int | None = None, scheduler_steps_per_opt: int = 1) -> int:
    """Warmup in optimizer steps.

    * ``steps``: the value itself; negative values (BasicSR ``warmup_iter: -1``) mean none.
    * ``ratio``: ``int(raw × total)`` (sd-scripts ``get_scheduler_fix``).
    * ``percent``: ``round(raw / 100 × total)`` (kohya_ss GUI ``lr_warmup``).
    * ``override``: kohya_ss's ``lr_warmup_steps`` replaces ``lr_warmup`` when > 0.
    * ``scheduler_steps_per_opt``: accelerate steps a wrapped scheduler once per process
      per optimizer step (``accelerate:src/accelerate/scheduler.py``) and sd-scripts
      passes an int warmup unscaled, so it lasts ``raw / num_processes`` optimizer steps.
      Ratios scale with the horizon and are unaffected.
    """
    if scheduler_steps_per_opt <= 0:
        raise ValueError("scheduler_steps_per_opt must be positive")
    if override is not None and override > 0:
        return math.ceil(override / scheduler_steps_per_opt)
    if raw is None:
        return 0
    if unit == "steps":
        return 0 if raw <= 0 else math.ceil(raw / scheduler_steps_per_opt)
    if total is None:
        raise ValueError(f"a warmup {unit} needs the total step count")
    if unit == "ratio":
        return max(0, int(raw * total))
    if unit == "percent":
        return max(0, round(raw / 100 * total))
    raise ValueError(f"unknown warmup unit {unit!r}")


def first_step_at(every: int | None, start: int = 0) -> int | None:
    """First step ``> 0`` and ``>= start`` that is a multiple of ``every`` (None if off)."""
    if every is None or every <= 0:
        return None
    lo = max(start, 1)
    return math.ceil(lo / every) * every


def first_eval_step(*intervals: int | None, start: int = 0) -> int | None:
    """First optimizer step at which a sample, eval or checkpoint is produced.

    ``intervals`` are the periods (in optimizer steps) of the outputs that use EMA;
    ``start`` is a first-sample step such as ai-toolkit's ``sample_start_step``. The
    step-0 baseline sample that ai-toolkit takes before training shows the base model
    by design and is not counted.
    """
    firsts = [f for f in (first_step_at(i, start) for i in intervals) if f is not None]
    return min(firsts) if firsts else None


def untuned_warmup(beta2: float) -> float:
    """Warmup steps for Adam without tuning: ``2 / (1 − β2)`` (Ma & Yarats 2021, arXiv
    1910.04209); 2000 for β2 = 0.999."""
    if not 0.0 <= beta2 < 1.0:
        raise ValueError(f"beta2 must be in [0, 1), got {beta2}")
    return 2 / (1 - beta2)


SCHEDULERS = ("constant", "constant_with_warmup", "linear", "cosine", "cosine_with_restarts",
              "polynomial")


def lr_at(step: int, scheduler: str, peak: float, warmup: int = 0, total: int | None = None,
          cycles: float = 1, power: float = 1.0, lr_end: float = 1e-7) -> float:
    """LR after ``step`` optimizer steps, with the diffusers ``get_scheduler`` formulas.

    ``diffusers:src/diffusers/optimization.py`` (which sd-scripts' ``get_scheduler_fix``
    and kohya_ss use): linear warmup ``step / warmup`` for every schedule with warmup,
    then: ``linear`` to 0 at ``total``; ``cosine`` a half cosine to 0 (diffusers passes
    its default ``num_cycles=0.5``, so ``cycles`` is ignored); ``cosine_with_restarts``
    ``cycles`` hard restarts; ``polynomial`` ``(peak − lr_end)·(1 − p)^power + lr_end``.
    """
    name = scheduler.lower()
    if name not in SCHEDULERS:
        raise ValueError(f"no formula for scheduler {scheduler!r}")
    if step < 0:
        raise ValueError("step must be >= 0")
    if name == "constant":
        return peak
    if step < warmup:
        return peak * step / max(1, warmup)
    if name == "constant_with_warmup":
        return peak
    if total is None:
        raise ValueError(f"{name} needs the total step count")
    progress = (step - warmup) / max(1, total - warmup)
    if name == "linear":
        return peak * max(0.0, (total - step) / max(1, total - warmup))
    if name == "cosine":
        return peak * max(0.0, 0.5 * (1.0 + math.cos(math.pi * progress)))
    if name == "cosine_with_restarts":
        if progress >= 1.0:
            return 0.0
        return peak * max(0.0, 0.5 * (1.0 + math.cos(math.pi * ((cycles * progress) % 1.0))))
    # polynomial
    if peak < lr_end:
        raise ValueError(f"lr_end ({lr_end}) must be smaller than the initial lr ({peak})")
    if step > total:
        return lr_end
    remaining = 1 - (step - warmup) / max(1, total - warmup)
    return float((peak - lr_end) * remaining ** power + lr_end)


def _number(values: dict[str, object], name: str, default: float | None = None) -> float:
    v = values.get(name)
    if v is None or type(v).__name__ == "Unknown":
        if default is not None:
            return default
        raise ValueError(f"{name} is not known")
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise ValueError(f"{name} is not a number: {v!r}")
    return float(v)


def bound_functions(values: dict[str, object]) -> dict[str, Callable[..., float]]:
    """Functions for rule expressions, bound to one run's facts.

    ``ema_init_share(n)`` uses the run's ``ema.decay``, ``ema.schedule``,
    ``ema.update_every``, ``ema.warmup_steps``, ``ema.power`` and
    ``ema.update_after_step``;
    ``lr_at(step)`` its ``scheduler.name``, ``lr``, ``warmup.steps`` and horizon
    (``scheduler.total_steps``, else ``total_steps``). Missing inputs raise
    ``ValueError``, which the evaluator reports as "not evaluated".
    """
    def bound_share(n: float) -> float:
        schedule = values.get("ema.schedule")
        if schedule not in EMA_SCHEDULES:
            schedule = "constant"
        every = int(_number(values, "ema.update_every", 1))
        kw = {arg: _number(values, name, default) for name, arg, default in (
            ("ema.warmup_steps", "warmup_steps", 0), ("ema.power", "power", 2 / 3),
            ("ema.update_after_step", "update_after_step", 0))}
        return ema_init_share(int(n), _number(values, "ema.decay"), schedule,  # type: ignore[arg-type]
                              every=max(1, every), **kw)

    def bound_lr_at(step: float) -> float:
        name = values.get("scheduler.name")
        if not isinstance(name, str):
            raise ValueError("scheduler.name is not known")
        horizon = values.get("scheduler.total_steps", values.get("total_steps"))
        total = int(horizon) if isinstance(horizon, int | float) and not isinstance(
            horizon, bool) else None
        warmup = int(_number(values, "warmup.steps", 0))
        return lr_at(int(step), name, _number(values, "lr"), warmup, total,
                     _number(values, "scheduler.num_cycles", 1),
                     _number(values, "scheduler.power", 1.0))

    return {"ema_init_share": bound_share, "lr_at": bound_lr_at}
