"""The probe run: pre-train the surrogate, attach adapters, replay the config's numerics.

Each optimizer step does what the trainer does (autocast, accumulation, GradScaler,
unscale, clipping with the trainer's semantics, step, EMA) and records what the checks
read (loss, gradient norms, clipping, scale, activation peaks). The first non-finite
step is re-run with forward hooks and under ``torch.autograd.detect_anomaly`` to name
the module and operation that produced it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import torch
from torch import nn

from cfglint.probe import optim as probe_optim
from cfglint.probe import precision
from cfglint.probe.models.base import LoRA, ProbeModel, Surrogate, attach_lora
from cfglint.probe.schedule import Warp, ema_decay_at
from cfglint.probe.spec import ProbeSpec

DEFAULT_STEPS = {"tiny": 40, "small": 120, "full": 200}
MAX_CONSECUTIVE_SKIPS = 20


@dataclass
class Options:
    """How the probe runs: device, model size, steps and the LR ladder."""

    steps: int | None = None
    device: str = "auto"
    size: str = "tiny"
    ladder: tuple[float, ...] = (1.0, 3.0, 10.0)
    seed: int = 0
    time_limit: float | None = None
    pretrain_steps: int | None = None


@dataclass
class RunResult:
    """One replay of the config at ``multiplier`` × its peak LR."""

    multiplier: float
    records: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    error_step: int | None = None
    first_nonfinite_step: int | None = None
    localised: str | None = None
    stopped: str | None = None
    never_grad: list[str] = field(default_factory=list)
    never_grad_preclip: list[str] = field(default_factory=list)
    trainable_tensors: int = 0
    ema_progress: float | None = None
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunResult:
        return cls(**data)


def pick_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise probe_optim.ProbeCannotRun("--device cuda requested but no CUDA device is available")
    return torch.device(name)


@dataclass
class Setup:
    """Everything a replay starts from: the model with adapters and the snapshot to reset to."""

    model: nn.Module
    probe_model: ProbeModel
    trainables: list[tuple[str, nn.Parameter]]
    loras: list[tuple[str, LoRA, nn.Module]]
    snapshot: list[torch.Tensor]
    base_norm: float
    probes: list[tuple[str, nn.Module]]
    device: torch.device
    gen: torch.Generator
    pretrain: dict[str, Any]
    notes: list[str]


def _pretrain(model: Surrogate, steps: int, lr: float, gen: torch.Generator) -> dict[str, Any]:
    """Brief fp32 pre-training so the frozen base is not random."""
    model.phase = "pretrain"
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.0)
    first = last = float("nan")
    start = time.perf_counter()
    for i in range(steps):
        loss = model.loss(model.sample_batch(4, gen), i)
        loss.backward()  # type: ignore[no-untyped-call]
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        if i == 0:
            first = float(loss.detach())
        last = float(loss.detach())
    model.phase = "finetune"
    return {"steps": steps, "loss_first": first, "loss_last": last,
            "seconds": time.perf_counter() - start}


def prepare(spec: ProbeSpec, opts: Options, device: torch.device,
            user_model: Any = None) -> Setup:
    """Build (or take) the model, pre-train a surrogate, freeze it, attach trainables."""
    torch.manual_seed(opts.seed)
    gen = torch.Generator(device=device).manual_seed(opts.seed)
    notes: list[str] = []
    pretrain: dict[str, Any] = {}
    if user_model is None:
        from cfglint.probe.models import build_surrogate
        from cfglint.probe.models.base import SIZES

        surrogate = build_surrogate(spec, opts.size, device, gen)
        dims = SIZES[spec.surrogate][opts.size]
        steps = dims.pretrain_steps if opts.pretrain_steps is None else opts.pretrain_steps
        pretrain = _pretrain(surrogate, steps, dims.pretrain_lr, gen)
        model: nn.Module = surrogate
        probe_model: ProbeModel = surrogate
        probes = surrogate.activation_probes()
        notes.append(surrogate.description)
    else:
        model = user_model if isinstance(user_model, nn.Module) else nn.Module()
        probe_model = user_model
        get_probes = getattr(user_model, "activation_probes", None)
        probes = [(f"probe.{i}", m) for i, m in enumerate(get_probes())] if get_probes else []
        notes.append(f"user model {type(user_model).__name__}")
    for p in model.parameters():
        p.requires_grad_(False)
    targets = list(probe_model.modules_to_adapt()) if spec.method == "lora" else []
    base_dtype = precision.base_dtype(spec)
    train_dtype = precision.dtype_of(spec.train_dtype)
    loras: list[tuple[str, LoRA, nn.Module]] = []
    trainables: list[tuple[str, nn.Parameter]] = []
    if targets:
        for p in model.parameters():
            p.data = p.data.to(base_dtype)
        loras = attach_lora(targets, spec.lora_rank, spec.lora_scale, train_dtype, device)
        for name, lora, _mod in loras:
            trainables += [(f"{name}.lora_A", lora.A), (f"{name}.lora_B", lora.B)]
    if not trainables:
        if spec.method == "lora":
            notes.append("no LoRA target modules: the whole model is fine-tuned instead")
        explicit = getattr(probe_model, "trainable_parameters", None)
        named = list(explicit()) if explicit else [
            (n, p) for n, p in model.named_parameters() if not _is_fixed(n)]
        for name, p in named:
            p.data = p.data.to(train_dtype)
            p.requires_grad_(True)
            trainables.append((name, p))
    base_sq = sum(float(m.weight.detach().float().pow(2).sum()) for _n, _l, m in loras
                  if isinstance(m, nn.Linear))
    if not loras:
        base_sq = sum(float(p.detach().float().pow(2).sum()) for _n, p in trainables)
    snapshot = [p.detach().clone() for _n, p in trainables]
    return Setup(model, probe_model, trainables, loras, snapshot, math.sqrt(base_sq), probes,
                 device, gen, pretrain, notes)


def _is_fixed(name: str) -> bool:
    return ".massive." in name or name.startswith("massive.")


class _ActTracker:
    """Forward hooks that keep the per-probe absmax of the current step on the device."""

    def __init__(self, probes: list[tuple[str, nn.Module]]) -> None:
        self.values: dict[str, list[torch.Tensor]] = {}
        self.handles = []
        for name, module in probes:
            self.handles.append(module.register_forward_hook(self._hook(name)))

    def _hook(self, name: str) -> Callable[..., None]:
        def fn(_m: nn.Module, _i: Any, out: Any) -> None:
            if isinstance(out, torch.Tensor):
                val = out.detach().abs().amax().float()
                self.values.setdefault(name, []).append(torch.nan_to_num(val, nan=math.inf))
        return fn

    def take(self) -> dict[str, float]:
        out = {k: float(torch.stack(v).max()) for k, v in self.values.items()}
        self.values = {}
        return out

    def close(self) -> None:
        for h in self.handles:
            h.remove()


def _grad_norm(grads: list[torch.Tensor]) -> float:
    if not grads:
        return 0.0
    return float(torch.linalg.vector_norm(
        torch.stack([torch.linalg.vector_norm(g.float()) for g in grads])))


def _clip(spec: ProbeSpec, params: list[nn.Parameter], norm: float) -> bool:
    """Clip with the trainer's semantics; True when gradients were scaled down."""
    value = spec.grad_clip
    sem = spec.clip_semantics
    if value is None or sem == "disabled":
        return False
    if sem == "norm_zero_zeroes":      # SEDD: `if grad_clip >= 0: clip_grad_norm_(...)`
        if value < 0:
            return False
    elif value <= 0:                    # kohya & co.: 0 disables
        return False
    torch.nn.utils.clip_grad_norm_(params, max_norm=value)
    return not math.isfinite(norm) or norm > value


def _localise(setup: Setup, spec: ProbeSpec, gen_state: torch.Tensor, micro: int) -> str:
    """Name the first module whose output is non-finite, and the backward op anomaly mode flags."""
    setup.gen.set_state(gen_state)
    found: list[str] = []
    handles = []
    for name, module in setup.model.named_modules():
        def fn(m: nn.Module, _i: Any, out: Any, name: str = name) -> None:
            if not found and isinstance(out, torch.Tensor) and out.is_floating_point() \
                    and not bool(out.isfinite().all()):
                kind = "inf" if bool(out.isinf().any()) else "NaN"
                found.append(f"forward: {name or 'model'} ({type(m).__name__}) produced {kind} "
                             f"in {out.dtype}".replace("torch.", ""))
        handles.append(module.register_forward_hook(fn))
    op = ""
    try:
        with torch.autograd.detect_anomaly(check_nan=True):
            batch = setup.probe_model.sample_batch(spec.batch, setup.gen)
            with precision.autocast(spec, setup.device):
                loss = setup.probe_model.loss(batch, micro)
            loss.backward()  # type: ignore[no-untyped-call]
    except RuntimeError as err:
        op = str(err).splitlines()[0]
    finally:
        for h in handles:
            h.remove()
        for _n, p in setup.trainables:
            p.grad = None
    parts = found + ([f"anomaly mode: {op}"] if op else [])
    return "; ".join(parts) or "anomaly mode found no non-finite backward output"


def replay(setup: Setup, spec: ProbeSpec, warp: Warp, multiplier: float,
           deadline: float | None = None) -> RunResult:
    """Train the trainables from the snapshot with the config's numerics at ``multiplier``."""
    start = time.perf_counter()
    result = RunResult(multiplier=multiplier, trainable_tensors=len(setup.trainables))
    for (_n, p), init in zip(setup.trainables, setup.snapshot, strict=True):
        p.data.copy_(init)
        p.grad = None
    params = [p for _n, p in setup.trainables]
    opt, arg_notes = probe_optim.build_optimizer(spec, params, spec.lr)
    for note in arg_notes:
        if note not in setup.notes:
            setup.notes.append(note)
    scaler = precision.make_scaler(spec, setup.device)
    ema = [p.detach().float().clone() for p in params] if spec.ema_enabled else []
    dev = setup.device
    nonzero_post = torch.zeros(len(params), dtype=torch.bool, device=dev)
    nonzero_pre = torch.zeros(len(params), dtype=torch.bool, device=dev)
    tracker = _ActTracker(setup.probes)
    pure_low = spec.train_dtype in ("fp16", "bf16")
    consecutive = 0
    micro = 0
    try:
        for i, (real, mult) in enumerate(zip(warp.real_steps, warp.multipliers, strict=True)):
            if deadline is not None and time.perf_counter() > deadline:
                result.stopped = f"time limit reached at step {i}"
                break
            lr = spec.lr * mult * multiplier
            for group in opt.param_groups:
                group["lr"] = lr
            gen_state = setup.gen.get_state()
            step_micro = micro
            loss_sum = 0.0
            try:
                for _a in range(spec.accum):
                    batch = setup.probe_model.sample_batch(spec.batch, setup.gen)
                    with precision.autocast(spec, dev):
                        loss = setup.probe_model.loss(batch, micro)
                    micro += 1
                    loss_sum += float(loss.detach().float()) / spec.accum
                    scaled = loss / spec.accum
                    if scaler is not None:
                        scaled = scaler.scale(scaled)
                    scaled.backward()  # type: ignore[no-untyped-call]
                scale_before = float(scaler.get_scale()) if scaler is not None else None
                if scaler is not None:
                    scaler.unscale_(opt)
                grads = [p.grad if p.grad is not None else torch.zeros_like(p) for p in params]
                nonzero_pre |= torch.stack([g.ne(0).any() for g in grads])
                norm = _grad_norm(grads)
                g_absmax = float(torch.stack([g.abs().amax().float() for g in grads]).max()) \
                    if grads else 0.0
                clipped = _clip(spec, params, norm)
                nonzero_post |= torch.stack(
                    [(p.grad.ne(0) & p.grad.isfinite()).any() if p.grad is not None
                     else torch.zeros((), dtype=torch.bool, device=dev) for p in params])
                before = [p.detach().clone() for p in params] if pure_low and i % 5 == 0 else []
                if scaler is not None:
                    scaler.step(opt)
                    scaler.update()
                    scale_after = float(scaler.get_scale())
                    skipped = scale_after < (scale_before or 0.0)
                else:
                    opt.step()
                    scale_after = None
                    skipped = False
                opt.zero_grad(set_to_none=True)
            except (ValueError, RuntimeError, TypeError) as err:
                result.error = f"{type(err).__name__}: {err}"
                result.error_step = i
                break
            consecutive = consecutive + 1 if skipped else 0
            params_finite = bool(torch.stack([p.detach().isfinite().all() for p in params]).all())
            if ema and not skipped:
                d = ema_decay_at(spec.ema_schedule, spec.ema_decay, i)
                for shadow, p in zip(ema, params, strict=True):
                    shadow.mul_(d).add_(p.detach().float(), alpha=1 - d)
            rec: dict[str, Any] = {
                "step": i, "real_step": real, "lr": lr, "loss": loss_sum, "grad_norm": norm,
                "clipped": clipped, "scale": scale_after, "skipped": skipped,
                "headroom_bits": None, "act_absmax": tracker.take(),
                "delta_ratio": _delta_ratio(setup), "params_finite": params_finite,
                "prodigy_d": probe_optim.prodigy_d(opt), "lost_update": None,
            }
            if scale_before is not None:
                scaled_max = g_absmax * scale_before
                rec["headroom_bits"] = (math.log2(precision.FP16_MAX / scaled_max)
                                        if 0 < scaled_max < math.inf else
                                        (-math.inf if scaled_max == math.inf or
                                         math.isnan(scaled_max) else None))
            if before:
                rec["lost_update"] = _lost_fraction(before, params, grads)
            result.records.append(rec)
            grads_bad = not math.isfinite(norm) and scaler is None
            loss_bad = not math.isfinite(loss_sum)
            if result.first_nonfinite_step is None and (loss_bad or grads_bad or not params_finite):
                result.first_nonfinite_step = i
                if loss_bad or grads_bad:
                    result.localised = _localise(setup, spec, gen_state, step_micro)
                else:
                    result.localised = (f"optimizer update: {type(opt).__name__}.step() turned "
                                        "finite gradients into non-finite weights")
            if not params_finite:
                result.stopped = f"weights non-finite after step {i}"
                break
            if scaler is None and (loss_bad or grads_bad):
                result.stopped = f"non-finite loss or gradients at step {i}"
                break
            collapsed = scale_after is not None and scale_after < 1
            if consecutive >= MAX_CONSECUTIVE_SKIPS or collapsed:
                result.stopped = (f"GradScaler collapsed at step {i} "
                                  f"({consecutive} consecutive skips)")
                break
    finally:
        tracker.close()
    names = [n for n, _p in setup.trainables]
    post = nonzero_post.tolist()
    pre = nonzero_pre.tolist()
    result.never_grad = [n for n, ok in zip(names, post, strict=True) if not ok]
    result.never_grad_preclip = [n for n, ok in zip(names, pre, strict=True) if not ok]
    if ema:
        moved = math.sqrt(sum(float((p.detach().float() - s0.float()).pow(2).sum())
                              for p, s0 in zip(params, setup.snapshot, strict=True)))
        ema_moved = math.sqrt(sum(float((e - s0.float()).pow(2).sum())
                                  for e, s0 in zip(ema, setup.snapshot, strict=True)))
        result.ema_progress = ema_moved / moved if moved > 0 else None
    result.seconds = time.perf_counter() - start
    return result


def _delta_ratio(setup: Setup) -> float:
    """Adapter ‖ΔW‖/‖W‖ (global), or ‖θ−θ0‖/‖θ0‖ for full fine-tunes."""
    if setup.base_norm <= 0:
        return 0.0
    if setup.loras:
        sq = sum(float(lora.delta_norm()) ** 2 for _n, lora, _m in setup.loras)
    else:
        sq = sum(float((p.detach().float() - s.float()).pow(2).sum())
                 for (_n, p), s in zip(setup.trainables, setup.snapshot, strict=True))
    value = math.sqrt(sq) / setup.base_norm
    return value if math.isfinite(value) else math.inf


def _lost_fraction(before: list[torch.Tensor], params: list[nn.Parameter],
                   grads: list[torch.Tensor]) -> float | None:
    """Share of elements with a non-zero gradient whose low-precision weight did not change."""
    changed = 0
    total = 0
    for b, p, g in zip(before, params, grads, strict=True):
        mask = g.ne(0) & g.isfinite()
        total += int(mask.sum())
        changed += int((p.detach().ne(b) & mask).sum())
    return None if total == 0 else 1.0 - changed / total
