"""Facts → ProbeSpec: everything the probe replicates, with where each value came from.

The probe must run the optimizer, schedule and precision the *trainer* would run, so it
reads canonical facts (docs/facts.md) rather than native keys. A fact the file and the
trainer's defaults do not give becomes a stand-in of the probe's own (origin
``probe-default``, with why); ``cfglint.probe.needs`` decides which stand-ins leave the
verdict without ground. A value the trainer cannot use as the probe would (a learning rate
that reaches the optimizer as text) is listed in ``rejected``, not converted. The report
prints every resolved value with its origin. No torch here.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from typing import Any

from cfglint.facts.model import Facts, is_known
from cfglint.facts.taxonomy import (
    DIT_FAMILIES,
    FLOW_FAMILIES,
    UNET_FAMILIES,
    optimizer_is_8bit,
)
from cfglint.families import get_family
from cfglint.families.base import ProbeDefaults


@dataclass
class Resolved:
    """One value the probe uses, for the report's resolved-facts table."""

    name: str
    value: Any
    origin: str  # explicit | default | derived | mapped | probe-default | rewrite
    note: str = ""
    # the file sets it, but its value cannot be known statically (a probe-default stands in)
    unknown: bool = False


@dataclass
class ProbeSpec:
    """What the probe replicates; values are the trainer's view after its own rewrites."""

    trainer: str = "generic"
    model_family: str = "unknown"
    method: str = "lora"
    lr: float = 1e-4
    lr_groups: dict[str, float] = field(default_factory=dict)
    optimizer: str = "adamw"
    optimizer_args: dict[str, Any] = field(default_factory=dict)
    scheduler: str = "constant"
    num_cycles: float = 1.0
    power: float = 1.0
    warmup_steps: int = 0
    total_steps: int = 1000
    first_sample_step: int | None = None
    mixed: str = "no"            # no | fp16 | bf16
    train_dtype: str = "fp32"    # dtype of trainable weights
    grad_scaler: bool = False
    scaler_allows_fp16: bool = False  # kohya full_fp16 patches GradScaler unscaling
    grad_clip: float | None = 1.0
    clip_semantics: str = "norm"
    accum: int = 1
    batch: int = 1
    ema_enabled: bool = False
    ema_decay: float = 0.999
    ema_schedule: str = "constant"
    lora_rank: int = 16
    lora_alpha: float = 16.0
    rank_stabilized: bool = False
    prediction: str = "epsilon"
    min_snr_gamma: float | None = None
    noise_offset: float = 0.0
    timestep_sampling: str = "uniform"
    moe_switch_every: int = 1
    device: str = ""             # set by the probe before a --model factory is called
    # values the trainer cannot use as the probe would (why, one line each): no run
    rejected: list[str] = field(default_factory=list)
    resolved: list[Resolved] = field(default_factory=list)

    @property
    def lora_scale(self) -> float:
        if self.method != "lora":
            return 1.0
        denom = math.sqrt(self.lora_rank) if self.rank_stabilized else float(self.lora_rank)
        return self.lora_alpha / denom

    @property
    def effective_lr(self) -> float:
        return self.lr * self.lora_scale

    @property
    def is_8bit(self) -> bool:
        return optimizer_is_8bit(self.optimizer)

    @property
    def surrogate(self) -> str:
        """Which surrogate template stands in for the config's model."""
        fam = self.model_family
        if fam == "wan22":
            return "wan22"
        if fam in UNET_FAMILIES:
            return "unet"
        if fam in DIT_FAMILIES:
            return "dit"
        if fam == "sedd" or self.prediction == "score_entropy":
            return "sedd"
        if fam == "sr":
            return "sr"
        return trainer_surrogate(self.trainer) or "dit"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["lora_scale"] = self.lora_scale
        data["effective_lr"] = self.effective_lr
        data["surrogate"] = self.surrogate
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), default=str)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ProbeSpec:
        names = set(cls.__dataclass_fields__)
        kwargs = {k: v for k, v in data.items() if k in names and k != "resolved"}
        spec = cls(**kwargs)
        spec.resolved = [Resolved(**r) for r in data.get("resolved", [])]
        return spec


def _defaults(trainer: str) -> ProbeDefaults:
    try:
        return get_family(trainer).probe_defaults
    except KeyError:
        return ProbeDefaults()


def trainer_surrogate(trainer: str) -> str | None:
    """The surrogate of a trainer that trains one kind of model only (BasicSR, SEDD)."""
    return _defaults(trainer).surrogate


class _Reader:
    """Reads facts, falling back to a default whose reason is recorded."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.resolved: list[Resolved] = []

    def get(self, name: str, default: Any, why: str) -> Any:
        """The fact's value, else ``default`` recorded as the probe's own stand-in."""
        value = self.known(name)
        if value is not None:
            return value
        fact = self.facts.get(name)
        unknown = fact is not None and not is_known(fact.value)
        reason = getattr(fact.value, "reason", "") if fact is not None else ""
        said = f"unknown ({reason})" if unknown and reason else "not in the file"
        self.resolved.append(Resolved(name, default, "probe-default",
                                      f"{said}; assumed: {why}", unknown))
        return default

    def known(self, name: str) -> Any:
        """The fact's value, recorded with its origin; None (nothing recorded) without one."""
        fact = self.facts.get(name)
        if fact is None or not is_known(fact.value) or fact.value is None:
            return None
        self.resolved.append(Resolved(name, fact.value, fact.origin, fact.note))
        return fact.value

    def peek(self, name: str) -> Any:
        fact = self.facts.get(name)
        if fact is None or not is_known(fact.value):
            return None
        return fact.value

    def rewrite(self, name: str, value: Any, why: str) -> None:
        self.resolved.append(Resolved(name, value, "rewrite", why))


def _num(value: Any, default: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _dtype_name(value: Any) -> str:
    text = str(value).lower().replace("float", "fp").replace("bfloat16", "bf16")
    return {"fp16": "fp16", "half": "fp16", "bf16": "bf16", "bfp16": "bf16", "fp32": "fp32",
            "float": "fp32", "no": "no", "none": "no", "false": "no"}.get(text, text)


def spec_from_facts(facts: Facts) -> ProbeSpec:
    """Build the probe's view of a run from canonical facts (missing → trainer default)."""
    r = _Reader(facts)
    spec = ProbeSpec(trainer=facts.family)
    defaults = _defaults(spec.trainer)
    _model(r, spec)
    _learning_rate(r, spec, defaults)
    _optimizer(r, spec, defaults)
    _schedule(r, spec, defaults)
    _precision(r, spec)
    _clipping_and_batch(r, spec, defaults)
    _ema(r, spec, defaults)
    _adapter(r, spec)
    _objective(r, spec, defaults)
    spec.resolved = r.resolved
    return spec


def _model(r: _Reader, spec: ProbeSpec) -> None:
    spec.model_family = str(r.get("model.family", "unknown",
                                   "the trainer's own model, else a generic DiT surrogate"))
    spec.method = str(r.get("method", "lora", "adapter (LoRA) training"))


def _learning_rate(r: _Reader, spec: ProbeSpec, defaults: ProbeDefaults) -> None:
    stand_in = f"the probe's stand-in for {spec.trainer}"
    spec.lr = _rate(spec, "lr", r.get("lr", defaults.lr, stand_in))
    for part in ("unet", "te", "te1", "te2"):
        val = r.peek(f"lr.{part}")
        if val is not None:
            spec.lr_groups[part] = _rate(spec, f"lr.{part}", val)
    if "unet" in spec.lr_groups and spec.lr_groups["unet"] > 0:
        spec.lr = spec.lr_groups["unet"]


def _rate(spec: ProbeSpec, name: str, value: Any) -> float:
    """A learning rate as the optimizer gets it. Text reaches torch's optimizers as text
    where the trainer's loader is known (they raise a TypeError comparing it with 0): the
    probe does not convert it into the number the file meant, it refuses to run (NaN)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, str):
        spec.rejected.append(f"`{name}` is {value!r}, which is not a learning rate")
        return math.nan
    try:
        known_loader = get_family(spec.trainer).loader_known
    except KeyError:
        known_loader = False
    if known_loader:
        spec.rejected.append(f"`{name}` reaches the optimizer as the string {value!r}: torch's "
                             "optimizers raise a TypeError on a learning rate that is text")
        return math.nan
    return _num(value, math.nan)


def _optimizer(r: _Reader, spec: ProbeSpec, defaults: ProbeDefaults) -> None:
    trainer = spec.trainer
    name = str(r.get("optimizer.name", defaults.optimizer,
                     f"the probe's stand-in for {trainer}")).lower().replace("_", "")
    spec.optimizer = name
    args = r.peek("optimizer.args")
    spec.optimizer_args = dict(args) if isinstance(args, dict) else {}
    for fact_name, key in (("optimizer.eps", "eps"), ("optimizer.betas", "betas"),
                           ("optimizer.weight_decay", "weight_decay")):
        val = r.peek(fact_name)
        if val is not None:
            spec.optimizer_args[key] = val
    if "betas" in spec.optimizer_args and isinstance(spec.optimizer_args["betas"], str):
        spec.optimizer_args["betas"] = [float(x) for x in
                                        spec.optimizer_args["betas"].strip("()[] ").split(",")]


def _schedule(r: _Reader, spec: ProbeSpec, defaults: ProbeDefaults) -> None:
    trainer = spec.trainer
    spec.scheduler = str(r.get("scheduler.name", "constant", "a constant LR")).lower()
    spec.num_cycles = _num(r.peek("scheduler.num_cycles"), 1.0)
    spec.power = _num(r.peek("scheduler.power"), 1.0)
    total = r.get("total_steps", defaults.total_steps, f"the probe's stand-in for {trainer}")
    horizon = r.known("scheduler.total_steps")
    spec.total_steps = max(1, int(_num(horizon or total, 1000)))
    warm = _zero_warmup(r)
    if warm is None:
        warm = r.get("warmup.steps", 0, "no warmup")
    spec.warmup_steps = max(0, int(_num(warm, 0)))
    first = None
    for name in ("first_eval_step", "sample_start", "sample_every", "eval_every"):
        val = r.peek(name)
        if isinstance(val, (int, float)) and not isinstance(val, bool) and val > 0:
            first = val
            break
    spec.first_sample_step = int(_num(first, 0)) if first is not None else None
    r.resolved.append(Resolved("first_sample_step", spec.first_sample_step,
                               "derived" if first is not None else "probe-default",
                               "first positive of first_eval_step, sample_start, "
                               "sample_every, eval_every"))


def _zero_warmup(r: _Reader) -> int | None:
    """0 when the warmup is unknown only for want of the run length but is 0 anyway (a
    warmup of 0 %, of ratio 0, of no steps); None otherwise."""
    fact = r.facts.get("warmup.steps")
    if fact is None or is_known(fact.value):
        return None
    raw, override = r.peek("warmup.raw"), r.peek("warmup.override")
    if not isinstance(raw, (int, float)) or raw > 0 or (
            isinstance(override, (int, float)) and override > 0):
        return None
    r.resolved.append(Resolved("warmup.steps", 0, "derived",
                               f"the warmup is {raw:g} in its unit, so none at any run length"))
    return 0


def _precision(r: _Reader, spec: ProbeSpec) -> None:
    full_fp16 = bool(r.peek("precision.full_fp16"))
    full_bf16 = bool(r.peek("precision.full_bf16"))
    spec.mixed = _dtype_name(r.get("precision.mixed", "no", "no mixed precision"))
    default_train = "fp16" if full_fp16 else "bf16" if full_bf16 else "fp32"
    spec.train_dtype = _dtype_name(r.get("precision.train_dtype", default_train,
                                         "fp32 master weights unless full_fp16/full_bf16"))
    spec.grad_scaler = bool(r.get("precision.grad_scaler", spec.mixed == "fp16",
                                  "accelerate enables a GradScaler exactly for fp16 AMP"))
    spec.scaler_allows_fp16 = full_fp16


def _clipping_and_batch(r: _Reader, spec: ProbeSpec, defaults: ProbeDefaults) -> None:
    trainer = spec.trainer
    spec.grad_clip = _num(r.get("grad_clip.value", defaults.grad_clip,
                                f"the probe's stand-in for {trainer}"), defaults.grad_clip)
    spec.clip_semantics = str(r.get("grad_clip.semantics", defaults.clip_semantics,
                                    "trainer's clipping convention"))
    spec.accum = max(1, int(_num(r.get("accum", 1, "no accumulation"), 1)))
    spec.batch = max(1, int(_num(r.get("batch", 1, "batch size 1"), 1)))


def _ema(r: _Reader, spec: ProbeSpec, defaults: ProbeDefaults) -> None:
    spec.ema_enabled = bool(r.get("ema.enabled", defaults.ema_enabled,
                                  f"the probe's stand-in for {spec.trainer}"))
    if spec.ema_enabled:
        spec.ema_decay = _num(r.get("ema.decay", defaults.ema_decay,
                                    f"the probe's stand-in for {spec.trainer}"), 0.999)
        spec.ema_schedule = str(r.get("ema.schedule", defaults.ema_schedule,
                                      "trainer's EMA decay schedule"))


def _adapter(r: _Reader, spec: ProbeSpec) -> None:
    if spec.method != "lora" and r.peek("lora.rank") is None:
        return
    spec.lora_rank = max(1, int(_num(r.get("lora.rank", 16, "rank 16"), 16)))
    spec.rank_stabilized = bool(r.peek("lora.rank_stabilized"))
    scale = r.peek("lora_scale")
    if r.peek("lora.alpha") is None and isinstance(scale, (int, float)) and scale > 0:
        # a trainer that fixes the scale (diffusion-pipe: alpha = rank) states it, not alpha
        denom = math.sqrt(spec.lora_rank) if spec.rank_stabilized else spec.lora_rank
        spec.lora_alpha = float(scale) * denom
        fact = r.facts.get("lora_scale")
        r.resolved.append(Resolved("lora.alpha", spec.lora_alpha, "derived",
                                   f"from the adapter scale {scale:g} the trainer sets"
                                   + (f" ({fact.note})" if fact is not None and fact.note else "")))
        return
    spec.lora_alpha = _num(r.get("lora.alpha", 1.0, "alpha 1, as kohya and ai-toolkit default"),
                           1.0)


def _objective(r: _Reader, spec: ProbeSpec, defaults: ProbeDefaults) -> None:
    fam = spec.model_family
    pred_default = ("flow" if fam in FLOW_FAMILIES else "score_entropy" if fam == "sedd"
                    else "l1" if fam == "sr" else defaults.objective or "epsilon")
    spec.prediction = str(r.get("model.prediction", pred_default, "the family's objective"))
    gamma = r.peek("noise.min_snr_gamma")
    spec.min_snr_gamma = _num(gamma, 0.0) or None if gamma is not None else None
    spec.noise_offset = _num(r.peek("noise.offset"), 0.0)
    spec.timestep_sampling = str(r.peek("noise.timestep_sampling") or
                                 ("sigmoid" if spec.prediction == "flow" else "uniform"))
    spec.moe_switch_every = max(1, int(_num(r.peek("moe.switch_every"), 1)))
