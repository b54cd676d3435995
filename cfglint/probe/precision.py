"""Autocast, trainable dtype and GradScaler exactly as the trainer sets them up.

The GradScaler is enabled only when the trainer enables one, and refuses fp16 gradients
unless the trainer patches it (kohya full_fp16), because that refusal *is* the CFG403
failure the probe must reproduce, not paper over.
"""

from __future__ import annotations

import contextlib
from typing import Any

import torch

from cfglint.probe.spec import ProbeSpec

FP16_MAX = 65504.0
DTYPES = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}


def dtype_of(name: str) -> torch.dtype:
    return DTYPES.get(name, torch.float32)


def compute_dtype(spec: ProbeSpec) -> torch.dtype | None:
    """Autocast dtype; pure low-precision weights without AMP still compute in their dtype."""
    if spec.mixed in ("fp16", "bf16"):
        return dtype_of(spec.mixed)
    if spec.train_dtype in ("fp16", "bf16"):
        return dtype_of(spec.train_dtype)
    return None


def autocast(spec: ProbeSpec, device: torch.device) -> contextlib.AbstractContextManager[Any]:
    dtype = compute_dtype(spec)
    if dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(device.type, dtype=dtype)


def base_dtype(spec: ProbeSpec) -> torch.dtype:
    """Frozen weights: the trainer's weight dtype (mixed precision dtype for adapters)."""
    if spec.method != "lora":
        return dtype_of(spec.train_dtype)
    return compute_dtype(spec) or torch.float32


class _PatchedScaler(torch.amp.GradScaler):
    """kohya full_fp16: unscaling fp16 gradients is allowed (sd-scripts patches accelerate)."""

    def _unscale_grads_(self, optimizer: Any, inv_scale: Any, found_inf: Any,
                        allow_fp16: bool) -> Any:
        return super()._unscale_grads_(optimizer, inv_scale, found_inf, True)


def make_scaler(spec: ProbeSpec, device: torch.device) -> torch.amp.GradScaler | None:
    if not spec.grad_scaler:
        return None
    cls = _PatchedScaler if spec.scaler_allows_fp16 else torch.amp.GradScaler
    return cls(device.type)


def bf16_supported(device: torch.device) -> bool:
    if device.type == "cuda":
        return bool(torch.cuda.is_bf16_supported())
    return True
