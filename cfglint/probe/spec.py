"""Facts → ProbeSpec: everything the probe replicates, with where each value came from.

The probe must run the optimizer, schedule and precision the *trainer* would run, so it
reads canonical facts (docs/facts.md) rather than native keys. A missing fact becomes a
documented trainer default (origin ``probe-default`` with the reason), never a silent
guess, and the report prints every resolved value with its origin. No torch here.
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
        return _defaults(self.trainer).surrogate or "dit"

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


class _Reader:
    """Reads facts, falling back to a default whose reason is recorded."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.resolved: list[Resolved] = []

    def get(self, name: str, default: Any, why: str) -> Any:
        fact = self.facts.get(name)
        if fact is not None and is_known(fact.value) and fact.value is not None:
            self.resolved.append(Resolved(name, fact.value, fact.origin, fact.note))
            return fact.value
        self.resolved.append(Resolved(name, default, "probe-default", why))
        return default

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
    spec.model_family = str(r.get("model.family", "unknown", "model family not known; "
                                   "a generic DiT surrogate stands in"))
    spec.method = str(r.get("method", "lora", "adapter training is the common case"))


def _learning_rate(r: _Reader, spec: ProbeSpec, defaults: ProbeDefaults) -> None:
    trainer = spec.trainer
    spec.lr = _num(r.get("lr", defaults.lr,
                         f"{trainer} default learning rate"), 1e-4)
    for part in ("unet", "te", "te1", "te2"):
        val = r.peek(f"lr.{part}")
        if val is not None:
            spec.lr_groups[part] = _num(val, spec.lr)
    if "unet" in spec.lr_groups and spec.lr_groups["unet"] > 0:
        spec.lr = spec.lr_groups["unet"]


def _optimizer(r: _Reader, spec: ProbeSpec, defaults: ProbeDefaults) -> None:
    trainer = spec.trainer
    name = str(r.get("optimizer.name", defaults.optimizer,
                     f"{trainer} default optimizer")).lower().replace("_", "")
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
    spec.scheduler = str(r.get("scheduler.name", "constant",
                               "constant is the default of ai-toolkit and kohya")).lower()
    spec.num_cycles = _num(r.peek("scheduler.num_cycles"), 1.0)
    spec.power = _num(r.peek("scheduler.power"), 1.0)
    total = r.get("total_steps", defaults.total_steps,
                  f"{trainer} default run length")
    spec.total_steps = max(1, int(_num(r.peek("scheduler.total_steps") or total, 1000)))
    warm = r.get("warmup.steps", 0, "no warmup configured")
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


def _precision(r: _Reader, spec: ProbeSpec) -> None:
    full_fp16 = bool(r.peek("precision.full_fp16"))
    full_bf16 = bool(r.peek("precision.full_bf16"))
    spec.mixed = _dtype_name(r.get("precision.mixed", "no", "no mixed precision (trainer default)"))
    default_train = "fp16" if full_fp16 else "bf16" if full_bf16 else "fp32"
    spec.train_dtype = _dtype_name(r.get("precision.train_dtype", default_train,
                                         "fp32 master weights unless full_fp16/full_bf16"))
    spec.grad_scaler = bool(r.get("precision.grad_scaler", spec.mixed == "fp16",
                                  "accelerate enables a GradScaler exactly for fp16 AMP"))
    spec.scaler_allows_fp16 = full_fp16


def _clipping_and_batch(r: _Reader, spec: ProbeSpec, defaults: ProbeDefaults) -> None:
    trainer = spec.trainer
    spec.grad_clip = _num(r.get("grad_clip.value", defaults.grad_clip,
                                f"{trainer} default max grad norm"), defaults.grad_clip)
    spec.clip_semantics = str(r.get("grad_clip.semantics", defaults.clip_semantics,
                                    "trainer's clipping convention"))
    spec.accum = max(1, int(_num(r.get("accum", 1, "no accumulation"), 1)))
    spec.batch = max(1, int(_num(r.get("batch", 1, "batch size 1"), 1)))


def _ema(r: _Reader, spec: ProbeSpec, defaults: ProbeDefaults) -> None:
    spec.ema_enabled = bool(r.get("ema.enabled", defaults.ema_enabled,
                                  f"{spec.trainer}'s EMA default"))
    if spec.ema_enabled:
        spec.ema_decay = _num(r.get("ema.decay", defaults.ema_decay,
                                    "trainer default EMA decay"), 0.999)
        spec.ema_schedule = str(r.get("ema.schedule", defaults.ema_schedule,
                                      "trainer's EMA decay schedule"))


def _adapter(r: _Reader, spec: ProbeSpec) -> None:
    if spec.method == "lora" or r.peek("lora.rank") is not None:
        spec.lora_rank = max(1, int(_num(r.get("lora.rank", 16, "rank 16"), 16)))
        spec.lora_alpha = _num(r.get("lora.alpha", 1.0, "kohya and ai-toolkit default alpha 1"),
                               1.0)
        spec.rank_stabilized = bool(r.peek("lora.rank_stabilized"))


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
