"""Trainer-neutral derived facts (effective batch, steps, warmup in optimizer steps,
LoRA scale and effective LR, EMA half-life and the share of the starting weights at
the first sample), computed from canonical facts whatever produced them: a trainer
module or a user mapping."""

from __future__ import annotations

from typing import Any

from cfglint.facts import formulas as derived
from cfglint.facts.model import Facts, Unknown
from cfglint.facts.taxonomy import NATIVE_RESOLUTION
from cfglint.facts.values import as_int, as_number
from cfglint.source.document import KeyPath, Span


def _num(facts: Facts, name: str) -> float | int | None:
    fact = facts.get(name)
    return None if fact is None else as_number(fact.value)


def _loc(facts: Facts, name: str) -> tuple[KeyPath | None, Span | None]:
    fact = facts.get(name)
    return (None, None) if fact is None else (fact.key, fact.span)


def _set_derived(facts: Facts, name: str, value: Any, note: str, like: str | None = None,
                 inputs: tuple[str, ...] = ()) -> None:
    """Record a derived fact located at the fact ``like`` and computed from ``inputs``
    (the facts that exist of them: a missing input is a default the formula assumed)."""
    key, span = _loc(facts, like) if like else (None, None)
    file = ""
    if like and facts.get(like) is not None:
        file = facts.items[like].file
    used = tuple(n for n in (like, *inputs) if n and n in facts)
    facts.set(name, value, "derived", file, key, span, note, tuple(dict.fromkeys(used)))


def _fmt(x: float | int) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def derive_common(facts: Facts) -> Facts:
    """Fill the trainer-neutral derived facts that are still missing."""
    _derive_batch(facts)
    _derive_steps(facts)
    _derive_samples(facts)
    _derive_warmup(facts)
    _derive_warmup_shares(facts)
    _derive_lora(facts)
    _derive_ema(facts)
    _derive_ema_run(facts)
    _derive_native_resolution(facts)
    _derive_experts(facts)
    return facts


def _derive_native_resolution(facts: Facts) -> None:
    fam = facts.value("model.family", None)
    if "model.native_resolution" not in facts and fam in NATIVE_RESOLUTION:
        _set_derived(facts, "model.native_resolution", NATIVE_RESOLUTION[fam],
                     f"{fam} was trained at {NATIVE_RESOLUTION[fam]}²", like="model.family")


# timestep samplers whose t is uniform on [noise.t_min, noise.t_max] (musubi-tuner's
# `uniform`, and `sigma`, which indexes an unshifted linear schedule)
_UNIFORM_T = frozenset({"uniform", "sigma"})


def _derive_experts(facts: Facts) -> None:
    """Wan 2.2's two experts: the high-noise one's share of the updates and their density
    per unit of t against the low-noise one's, or, for a run that trains one expert, the
    share of its timestep range that lies in that expert's own range."""
    b = as_number(_num(facts, "moe.boundary"))
    expert = facts.value("moe.expert", None)
    if b is None or not 0.0 < b < 1.0 or expert not in ("both", "high", "low"):
        return
    lo = as_number(_num(facts, "noise.t_min"))
    hi = as_number(_num(facts, "noise.t_max"))
    lo, hi = (0.0 if lo is None else float(lo)), (1.0 if hi is None else float(hi))
    if expert != "both":
        if hi <= lo or facts.value("moe.split", None) == "one":
            return  # the trainer keeps the expert in its own range by itself
        own = (b, 1.0) if expert == "high" else (0.0, b)
        inside = max(0.0, min(hi, own[1]) - max(lo, own[0])) / (hi - lo)
        _set_derived(facts, "moe.range_in_expert", inside,
                     f"share of t ∈ [{_fmt(lo)}, {_fmt(hi)}] inside the {expert}-noise expert's "
                     f"range [{_fmt(own[0])}, {_fmt(own[1])}] = {inside:.3g}", like="moe.expert",
                     inputs=("moe.boundary", "noise.t_min", "noise.t_max"))
        return
    _derive_expert_split(facts, b, lo, hi)


def _derive_expert_split(facts: Facts, b: float, lo: float, hi: float) -> None:
    """A run that trains both experts: the high-noise one's share of the steps, that share
    in steps, and its density per unit of t against the low-noise one's."""
    split = facts.value("moe.split", None)
    if split == "alternate":
        share, how = 0.5, "the trainer alternates the experts"
    elif split == "timestep" and facts.value("noise.timestep_sampling", None) in _UNIFORM_T \
            and hi > lo:
        share = max(0.0, hi - max(lo, b)) / (hi - lo)
        how = f"t uniform on [{_fmt(lo)}, {_fmt(hi)}] picks the expert"
    else:
        return
    if not 0.0 < share < 1.0:
        return
    _set_derived(facts, "moe.high_share", share, f"moe.high_share = {share:.3g} ({how})",
                 like="moe.expert", inputs=("moe.split", "moe.boundary", "noise.t_min",
                                            "noise.t_max", "noise.timestep_sampling"))
    total = as_int(_num(facts, "total_steps"))
    if total is not None and total > 0:
        _set_derived(facts, "moe.high_steps", round(total * share), f"moe.high_steps = "
                     f"{total} × {share:.3g} = {round(total * share)}", like="moe.expert",
                     inputs=("total_steps", "moe.high_share"))
    ratio = (share / (1 - b)) / ((1 - share) / b)
    _set_derived(facts, "moe.density_ratio", ratio,
                 f"moe.density_ratio = ({share:.3g} / {_fmt(round(1 - b, 6))}) / "
                 f"({1 - share:.3g} / {_fmt(b)}) = {ratio:.3g} updates per unit of t, high "
                 "against low", like="moe.expert", inputs=("moe.high_share", "moe.boundary"))


def _derive_batch(facts: Facts) -> None:
    batch = as_int(_num(facts, "batch"))
    if "effective_batch" in facts or batch is None or batch <= 0:
        return
    accum = as_int(_num(facts, "accum")) or 1
    procs = as_int(_num(facts, "processes"))
    note_p = "" if procs is not None else " (process count unknown: 1 assumed)"
    try:
        eb = derived.effective_batch(batch, max(accum, 1), procs or 1)
    except ValueError:
        return
    _set_derived(facts, "effective_batch", eb,
                 f"effective_batch = {batch} batch × {accum} accum × {procs or 1} processes"
                 f"{note_p}", like="batch", inputs=("accum", "processes"))


def _derive_steps(facts: Facts) -> None:
    if "steps_per_epoch" not in facts:
        size = as_int(_num(facts, "dataset.size"))
        batch = as_int(_num(facts, "batch"))
        if size and batch and size > 0 and batch > 0:
            accum = as_int(_num(facts, "accum")) or 1
            procs = as_int(_num(facts, "processes")) or 1
            repeats = as_int(_num(facts, "dataset.repeats")) or 1
            try:
                spe = derived.steps_per_epoch(size, batch, accum, procs, repeats)
            except ValueError:
                spe = None
            if spe is not None:
                _set_derived(facts, "steps_per_epoch", spe,
                             f"steps_per_epoch = ⌈⌈{size} samples × {repeats} repeats / {batch} "
                             f"batch⌉ / {procs} processes / {accum} accum⌉ = {spe}",
                             like="dataset.size",
                             inputs=("batch", "accum", "processes", "dataset.repeats"))
    spe = as_int(_num(facts, "steps_per_epoch"))
    epochs = as_int(_num(facts, "epochs"))
    if "total_steps" not in facts and epochs is not None and spe is not None:
        _set_derived(facts, "total_steps", epochs * spe,
                     f"total_steps_opt = {epochs} epochs × {spe} optimizer steps/epoch",
                     like="epochs", inputs=("steps_per_epoch",))
    for every in ("sample_every", "eval_every", "save_every"):
        per_epoch = as_number(_num(facts, f"{every}_epochs"))
        if every not in facts and per_epoch is not None and spe is not None and per_epoch > 0:
            _set_derived(facts, every, int(per_epoch * spe),
                         f"{every} = {_fmt(per_epoch)} epochs × {spe} optimizer steps/epoch",
                         like=f"{every}_epochs", inputs=("steps_per_epoch",))


def _derive_samples(facts: Facts) -> None:
    steps = as_int(_num(facts, "total_steps"))
    batch = as_int(_num(facts, "effective_batch"))
    if "total_samples" in facts or steps is None or batch is None:
        return
    _set_derived(facts, "total_samples", steps * batch,
                 f"total_samples = {steps} optimizer steps × {batch} effective batch",
                 like="total_steps", inputs=("effective_batch",))


def _derive_warmup(facts: Facts) -> None:
    if "warmup.steps" in facts:
        return
    raw = _num(facts, "warmup.raw")
    unit = facts.value("warmup.unit", "steps")
    override = as_int(_num(facts, "warmup.override"))
    if raw is None and override is None:
        return
    total = as_int(_num(facts, "total_steps"))
    per_opt = as_int(_num(facts, "scheduler.steps_per_opt")) or 1
    try:
        steps = derived.warmup_steps_opt(raw, unit, total, override=override,
                                         scheduler_steps_per_opt=per_opt)
    except ValueError as err:
        facts.set("warmup.steps", Unknown(str(err)), "derived", note=str(err))
        return
    parts = []
    if override is not None and override > 0:
        parts.append(f"warmup override {override} steps wins over {_fmt(raw or 0)} {unit}")
    elif unit == "ratio":
        parts.append(f"warmup = int({_fmt(raw or 0)} × {total} total steps) = {steps}")
    elif unit == "percent":
        parts.append(f"warmup = round({_fmt(raw or 0)} % × {total} total steps) = {steps}")
    else:
        parts.append(f"warmup = {_fmt(raw or 0)} steps" + (" (≤ 0: none)" if (raw or 0) <= 0
                                                           else ""))
    if per_opt > 1:
        parts.append(f"the scheduler steps {per_opt}× per optimizer step, so the warmup lasts "
                     f"{steps} optimizer steps")
    _set_derived(facts, "warmup.steps", steps, "; ".join(parts),
                 like="warmup.override" if override else "warmup.raw",
                 inputs=("warmup.raw", "warmup.override", "warmup.unit",
                         *(("total_steps",) if unit in ("ratio", "percent") else ()),
                         "scheduler.steps_per_opt"))


# torch.optim.Adam/AdamW's default β2, used when the config gives no betas
_ADAM_BETA2 = 0.999


def _derive_warmup_shares(facts: Facts) -> None:
    """The warmup's share of the run, and the warmup Adam needs without tuning."""
    warmup = as_number(_num(facts, "warmup.steps"))
    total = as_int(_num(facts, "total_steps"))
    if "warmup.share" not in facts and warmup is not None and total and total > 0:
        share = min(1.0, warmup / total)
        _set_derived(facts, "warmup.share", share,
                     f"warmup.share = min(1, {_fmt(warmup)} / {total} steps) = {share:.3g}",
                     like="warmup.steps", inputs=("total_steps",))
    name = facts.value("optimizer.name", "")
    if "warmup.untuned_steps" in facts or not isinstance(name, str) or "adam" not in name:
        return
    betas = facts.value("optimizer.betas", None)
    given = isinstance(betas, list | tuple) and betas and all(
        isinstance(b, int | float) and not isinstance(b, bool) for b in betas)
    beta2 = float(max(betas)) if given else _ADAM_BETA2
    try:
        steps = derived.untuned_warmup(beta2)
    except ValueError:
        return
    source = "" if given else " (torch's default β2)"
    _set_derived(facts, "warmup.untuned_steps", steps,
                 f"warmup.untuned_steps = 2 / (1 − β2 {_fmt(beta2)}){source} = {steps:.0f}",
                 like="optimizer.betas" if given else "optimizer.name",
                 inputs=("optimizer.betas",))


_LORA_METHODS = frozenset({"lora", "locon", "lokr", "loha", "dora", "lycoris", "ia3", "oft",
                           "glora", "diag-oft", "boft", "lora_fa", "lorm"})


# LyCORIS' documented "full matrix" trick sets network_dim to a huge value (e.g. 100000)
_FULL_DIM_RANK = 10000


def _derive_lora(facts: Facts) -> None:
    method = facts.value("method", "")
    rank = _num(facts, "lora.rank")
    alpha = _num(facts, "lora.alpha")
    rs = facts.value("lora.rank_stabilized", False) is True
    is_lora = isinstance(method, str) and method.lower() in _LORA_METHODS
    if ("lora_scale" not in facts and is_lora and rank is not None and rank >= _FULL_DIM_RANK
            and method.lower() in ("lokr", "loha", "lycoris", "glora")):
        facts.set("lora_scale", Unknown("a rank this large is LyCORIS' full-dimension mode"),
                  "derived", note=f"rank {_fmt(rank)} ≥ {_FULL_DIM_RANK}: LyCORIS full-dimension "
                  "mode, whose scale is not α/r")
    if "lora_scale" not in facts and is_lora and rank is not None and alpha is not None:
        try:
            scale = derived.lora_scale(float(alpha), float(rank), rs)
        except ValueError:
            scale = None
        if scale is not None:
            how = f"{_fmt(alpha)} / √{_fmt(rank)}" if rs else f"{_fmt(alpha)} / {_fmt(rank)}"
            _set_derived(facts, "lora_scale", scale, f"lora_scale = α/r = {how} = {scale:g}",
                         like="lora.alpha", inputs=("lora.rank", "lora.rank_stabilized"))
    if facts.value("optimizer.is_adaptive", False) is True:
        for name in ("effective_lr", "effective_lr.unet", "effective_lr.te"):
            if name not in facts:
                facts.set(name, Unknown("the optimizer sets the step size (adaptive)"),
                          "derived", note="undefined for Prodigy/D-Adaptation/automagic")
        return
    scale = _num(facts, "lora_scale")
    if is_lora and scale is None:
        return  # an adapter with unknown rank/alpha: no effective LR
    for src, dst in (("lr", "effective_lr"), ("lr.unet", "effective_lr.unet"),
                     ("lr.te", "effective_lr.te")):
        lr = _num(facts, src)
        if dst in facts or lr is None:
            continue
        val = derived.effective_lr(float(lr), None if scale is None else float(scale))
        note = (f"{dst} = {src} {_fmt(lr)} × lora_scale {_fmt(scale)} = {val:.3g}"
                if scale is not None else f"{dst} = {src} {_fmt(lr)} (full fine-tune)")
        _set_derived(facts, dst, val, note, like=src, inputs=("lora_scale",))


def _derive_ema(facts: Facts) -> None:
    if facts.value("ema.enabled", None) is False:
        return  # no EMA in this run: its default decay describes nothing
    decay = _num(facts, "ema.decay")
    if decay is not None and 0.0 < decay < 1.0:
        if "ema_half_life" not in facts:
            hl = derived.ema_half_life(float(decay))
            _set_derived(facts, "ema_half_life", hl,
                         f"ema_half_life = ln 2 / −ln {_fmt(decay)} = {hl:.0f} updates",
                         like="ema.decay")
        if "ema_mean_lag" not in facts:
            lag = derived.ema_mean_lag(float(decay))
            _set_derived(facts, "ema_mean_lag", lag,
                         f"ema_mean_lag = d/(1−d) = {lag:.0f} updates", like="ema.decay")
    if "first_eval_step" not in facts:
        streams: list[tuple[str, int]] = []
        for name in ("sample_every", "eval_every"):
            v = as_int(_num(facts, name))
            if v is not None and v > 0:
                streams.append((name, v))
        if facts.value("ema.used_for_saving", False) is True:
            v = as_int(_num(facts, "save_every"))
            if v is not None and v > 0:
                streams.append(("save_every", v))
        start = as_int(_num(facts, "sample_start")) or 0
        first = derived.first_eval_step(*(v for _, v in streams), start=start)
        if first is not None:
            which = min(streams, key=lambda s: derived.first_step_at(s[1], start) or 0)[0]
            _set_derived(facts, "first_eval_step", first,
                         "first_eval_step = min over " +
                         ", ".join(f"{n} {v}" for n, v in streams) +
                         (f" from step {start}" if start else "") + f" = {first}", like=which,
                         inputs=(*(n for n, _ in streams), "sample_start"))
    first = as_int(_num(facts, "first_eval_step"))
    schedule = facts.value("ema.schedule", "constant")
    if ("ema.init_share_at_first_eval" not in facts and decay is not None and first is not None
            and schedule in derived.EMA_SCHEDULES and 0.0 <= decay <= 1.0):
        _derive_init_share(facts, first, float(decay), schedule)


def _schedule_kw(facts: Facts) -> dict[str, float]:
    """The schedule parameters of this run's EMA that ``cfglint.facts.ema`` takes."""
    kw: dict[str, float] = {}
    for name, arg in (("ema.warmup_steps", "warmup_steps"), ("ema.power", "power"),
                      ("ema.update_after_step", "update_after_step")):
        v = _num(facts, name)
        if v is not None:
            kw[arg] = v
    return kw


_FORMULAS = {
    "constant": "{d}^{n}",
    "torch_ema": "Π_k min({d}, (1+k)/(10+k)), {ks}",
    "diffusers": "Π_k clip((1+s)/(10+s), s=k−1), {ks}",
    "onetrainer": "Π_k min({d}, k/(9+k)), {ks}",
    "copy_then_constant": "Π_k (0 before step {w}, else {d}), {ks}",
    "ema_pytorch": "Π_k min({d}, 1 − (k − {a})^−{p}) after the first copy, {ks}",
}


def _derive_init_share(facts: Facts, first: int, decay: float, schedule: str) -> None:
    every = max(1, as_int(_num(facts, "ema.update_every")) or 1)
    kw = _schedule_kw(facts)
    try:
        share = derived.ema_init_share(first, decay, schedule,  # type: ignore[arg-type]
                                       every=every, **kw)
    except ValueError:
        return
    ks = f"k={every}, {2 * every}, …, {first}" if every > 1 else f"k=1..{first}"
    formula = _FORMULAS[schedule].format(
        d=_fmt(decay), n=first // every, ks=ks, w=int(kw.get("warmup_steps", 0)),
        a=int(kw.get("update_after_step", 0)), p=_fmt(kw.get("power", 2 / 3)))
    _set_derived(facts, "ema.init_share_at_first_eval", share,
                 f"ema_init_share({first}) = {formula} = {share:.4g}", like="first_eval_step",
                 inputs=("ema.decay", "ema.schedule", "ema.update_every", "ema.warmup_steps",
                         "ema.power", "ema.update_after_step"))


_EMA_INPUTS = ("ema.schedule", "total_steps", "ema.update_every", "ema.warmup_steps",
               "ema.power", "ema.update_after_step")


def _derive_ema_run(facts: Facts) -> None:
    """The EMA measured against the run: its time constant, its updates, and where the
    final EMA's weight comes from (the start, the first half, the last tenth of the run)
    under the trainer's decay schedule."""
    if facts.value("ema.enabled", None) is False:
        return
    decay = _num(facts, "ema.decay")
    if decay is None or not 0.0 <= decay < 1.0:
        return
    if "ema.time_constant" not in facts:
        tc = derived.ema_time_constant(float(decay))
        _set_derived(facts, "ema.time_constant", tc,
                     f"ema.time_constant = 1 / (1 − {_fmt(decay)}) = {tc:.0f} updates",
                     like="ema.decay")
    total = as_int(_num(facts, "total_steps"))
    every = as_int(_num(facts, "ema.update_every")) or 1
    if total is None or total <= 0 or every <= 0:
        return
    updates = total / every
    if "ema.updates" not in facts:
        _set_derived(facts, "ema.updates", updates,
                     f"ema.updates = {total} optimizer steps / every {every} = {updates:.0f}",
                     like="total_steps", inputs=("ema.update_every",))
    schedule = facts.value("ema.schedule", "constant")
    if schedule in derived.EMA_SCHEDULES:
        _derive_final_shares(facts, total, float(decay), schedule, every)


def _derive_final_shares(facts: Facts, total: int, decay: float, schedule: str,
                         every: int) -> None:
    kw = _schedule_kw(facts)
    n = total // every
    try:
        start = derived.ema_init_share(total, decay, schedule,  # type: ignore[arg-type]
                                       every=every, **kw)
        half = derived.ema_recent_share(total, 0.5, decay, schedule,  # type: ignore[arg-type]
                                        every=every, **kw)
        tenth = derived.ema_recent_share(total, 0.1, decay, schedule,  # type: ignore[arg-type]
                                         every=every, **kw)
    except ValueError:
        return
    how = f"under the {schedule} schedule over {n} updates"
    for name, value, note in (
            ("ema.init_share_at_end", start,
             f"ema.init_share_at_end = Π d_k over all {n} updates {how} = {start:.4g}"),
            ("ema.final_share_first_half", 1 - half,
             f"ema.final_share_first_half = Π d_k over the last {n - n // 2} updates "
             f"{how} = {1 - half:.4g} (the start and the first half of the run)"),
            ("ema.final_share_last_tenth", tenth,
             f"ema.final_share_last_tenth = 1 − Π d_k over the last {n - int(n * 0.9 + 1e-9)} "
             f"updates {how} = {tenth:.4g}")):
        if name not in facts:
            _set_derived(facts, name, value, note, like="ema.decay", inputs=_EMA_INPUTS)
