"""The config's optimizer, built from its real class with the trainer's arguments.

bitsandbytes and prodigyopt are optional extras: a config that needs one and lacks it
gets a MissingExtra naming the extra to install (exit 3), never a silent substitute,
because 8-bit state and Prodigy's d are exactly what the probe is meant to exercise.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from collections.abc import Iterable
from typing import Any

import torch

from cfglint import install_hint
from cfglint.facts.taxonomy import optimizer_is_8bit
from cfglint.probe.spec import ProbeSpec


class ProbeCannotRun(RuntimeError):
    """The probe cannot replicate the config here (exit code 3)."""


class MissingExtra(ProbeCannotRun):
    def __init__(self, module: str, extra: str, why: str) -> None:
        super().__init__(f"{why} needs the `{module}` package: {install_hint(extra)}")
        self.module = module
        self.extra = extra


_BNB_CLASSES = {
    "adamw8bit": "AdamW8bit", "adam8bit": "Adam8bit", "pagedadamw8bit": "PagedAdamW8bit",
    "pagedadam8bit": "PagedAdam8bit", "lion8bit": "Lion8bit", "pagedlion8bit": "PagedLion8bit",
    "ademamix8bit": "AdEMAMix8bit", "pagedademamix8bit": "PagedAdEMAMix8bit",
}


def _coerce(value: Any) -> Any:
    """kohya passes optimizer_args as strings ("0.01", "True", "(0.9,0.99)")."""
    if isinstance(value, str):
        try:
            return ast.literal_eval(value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return value
    return value


class Lion(torch.optim.Optimizer):
    """Sign-momentum update of Chen et al. 2023 (arXiv 2302.06675), written from the paper."""

    def __init__(self, params: Iterable[Any], lr: float = 1e-4,
                 betas: tuple[float, float] = (0.9, 0.99), weight_decay: float = 0.0) -> None:
        super().__init__(params, {"lr": lr, "betas": betas, "weight_decay": weight_decay})

    @torch.no_grad()
    def step(self, closure: Any = None) -> None:  # type: ignore[override]
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if "exp_avg" not in state:
                    state["exp_avg"] = torch.zeros_like(p)
                m = state["exp_avg"]
                p.mul_(1 - group["lr"] * group["weight_decay"])
                update = (m * beta1 + p.grad * (1 - beta1)).sign_()
                p.add_(update, alpha=-group["lr"])
                m.mul_(beta2).add_(p.grad, alpha=1 - beta2)


def _import(module: str, extra: str, why: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as err:
        raise MissingExtra(module, extra, why) from err


def optimizer_class(spec: ProbeSpec) -> tuple[Any, str]:
    """(class, description) for the config's optimizer name."""
    name = spec.optimizer
    if name in ("adamw", "adamwtorch", "", "adamwscheduleFree".lower()):
        return torch.optim.AdamW, "torch.optim.AdamW"
    if name == "adam":
        return torch.optim.Adam, "torch.optim.Adam"
    if name == "sgd" or name == "sgdnesterov":
        return torch.optim.SGD, "torch.optim.SGD"
    if name == "lion":
        return Lion, "Lion (cfglint, from the paper's update rule)"
    if name == "adafactor":
        return torch.optim.Adafactor, "torch.optim.Adafactor (no relative_step)"
    if name in _BNB_CLASSES:
        bnb = _import("bitsandbytes", "probe-8bit", f"optimizer {name!r}")
        return getattr(bnb.optim, _BNB_CLASSES[name]), f"bitsandbytes.optim.{_BNB_CLASSES[name]}"
    if name == "prodigy":
        mod = _import("prodigyopt", "probe-prodigy", "optimizer 'prodigy'")
        return mod.Prodigy, "prodigyopt.Prodigy"
    raise ProbeCannotRun(f"optimizer {name!r} is not replicated by the probe "
                         "(supported: adamw, adam, sgd, lion, adafactor, bitsandbytes 8-bit, "
                         "prodigy)")


def build_optimizer(spec: ProbeSpec, params: list[torch.nn.Parameter],
                    lr: float) -> tuple[torch.optim.Optimizer, list[str]]:
    """The optimizer plus notes on arguments the class does not accept."""
    cls, _desc = optimizer_class(spec)
    accepted = set(inspect.signature(cls.__init__).parameters)
    kwargs: dict[str, Any] = {}
    notes: list[str] = []
    for key, raw in spec.optimizer_args.items():
        value = _coerce(raw)
        if key == "betas" and isinstance(value, list):
            value = tuple(float(v) for v in value)
        if key in accepted and key not in ("params", "lr"):
            kwargs[key] = value
        else:
            notes.append(f"optimizer argument {key}={raw!r} not accepted by {cls.__name__}")
    if spec.optimizer == "sgdnesterov":
        kwargs.setdefault("momentum", 0.9)
        kwargs.setdefault("nesterov", True)
    # some optimizers (prodigyopt) print on construction: keep stdout for the report,
    # so `--format json` stays parseable
    import contextlib
    import sys

    with contextlib.redirect_stdout(sys.stderr):
        try:
            opt = cls(params, lr=lr, **kwargs)
        except (TypeError, ValueError, RuntimeError) as err:  # the config's arguments
            args = ", ".join(f"{k}={v!r}" for k, v in kwargs.items()) or "no arguments"
            raise ProbeCannotRun(f"{cls.__name__} rejects the config's optimizer arguments "
                                 f"({args}): {err}") from None
    return opt, notes


def prodigy_d(opt: torch.optim.Optimizer) -> float | None:
    """Prodigy's current step-size estimate ``d`` (None for other optimizers)."""
    group = opt.param_groups[0]
    d = group.get("d")
    return float(d) if d is not None else None


def is_8bit(spec: ProbeSpec) -> bool:
    return optimizer_is_8bit(spec.optimizer)
