"""Shared pieces of the surrogates: sizes, activation presets, LoRA, attention, data.

Surrogates are width-faithful and depth-reduced: the LoRA-targeted
projections keep the real hidden sizes at ``--size full`` so optimizer statistics and
bitsandbytes' 8-bit path (tensors of 4096+ elements) are representative.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import torch
import torch.nn.functional as F
from torch import nn


@runtime_checkable
class ProbeModel(Protocol):
    """What the probe trains; surrogates and user hooks both implement it."""

    def modules_to_adapt(self) -> Iterable[tuple[str, nn.Module]]: ...
    def sample_batch(self, batch_size: int, gen: torch.Generator) -> dict[str, Any]: ...
    def loss(self, batch: dict[str, Any], step: int) -> torch.Tensor: ...


@dataclass(frozen=True)
class Size:
    """The shape of a probe model, scaled down from the real one."""

    width: int
    heads: int
    depth: int
    tokens: int        # image tokens side (latent spatial size) or sequence length
    text_width: int
    text_tokens: int
    pretrain_steps: int
    pretrain_lr: float


# Per surrogate and --size; "full" keeps the real widths (Flux 3072/24 heads, T5 4096, ...).
SIZES: dict[str, dict[str, Size]] = {
    "dit": {"tiny": Size(64, 4, 2, 8, 32, 8, 40, 2e-3),
            "small": Size(1024, 16, 4, 16, 1024, 32, 150, 3e-4),
            "full": Size(3072, 24, 4, 16, 4096, 64, 200, 2e-4)},
    "wan22": {"tiny": Size(64, 4, 1, 8, 32, 8, 40, 2e-3),
              "small": Size(1024, 16, 2, 16, 1024, 32, 150, 3e-4),
              "full": Size(5120, 40, 1, 16, 4096, 64, 150, 2e-4)},
    "unet": {"tiny": Size(32, 4, 2, 8, 32, 8, 40, 2e-3),
             "small": Size(320, 5, 2, 16, 768, 32, 150, 3e-4),
             "full": Size(320, 10, 3, 32, 2048, 77, 200, 2e-4)},
    "sedd": {"tiny": Size(64, 4, 2, 32, 0, 0, 40, 2e-3),
             "small": Size(768, 12, 4, 256, 0, 0, 150, 3e-4),
             "full": Size(768, 12, 6, 256, 0, 0, 200, 3e-4)},
    "sr": {"tiny": Size(16, 1, 2, 8, 0, 0, 40, 2e-3),
           "small": Size(64, 1, 4, 24, 0, 0, 150, 5e-4),
           "full": Size(64, 1, 8, 48, 0, 0, 200, 5e-4)},
}


@dataclass(frozen=True)
class Preset:
    """Largest activation the family carries in normal operation, and where that is known from."""

    magnitude: float
    source: str


_T5 = Preset(6.6e4, "T5/umT5 FFN outputs reach 66246 > 65504 (transformers #5651)")
PRESETS: dict[str, Preset] = {
    "flux": Preset(7.0e4, "Flux has activations beyond the fp16 range (diffusers PR #9097)"),
    "chroma": Preset(7.0e4, "Flux-derived; Flux overflows fp16 (diffusers PR #9097)"),
    "sd3": _T5, "wan21": _T5, "wan22": _T5, "hidream": _T5, "lumina2": _T5,
    "qwen_image": _T5, "hunyuan_video": _T5, "auraflow": _T5, "omnigen2": _T5, "pixart": _T5,
    "sdxl": Preset(3.0e3, "preset: SDXL UNet trains in fp16 with the fp16-fix VAE; "
                   "order of magnitude"),
    "sd15": Preset(2.0e3, "preset: SD1.x UNet trains in fp16; order of magnitude"),
    "sd2": Preset(2.0e3, "preset: SD2 UNet; order of magnitude"),
    "sedd": Preset(5.0e2, "preset: small transformer trained in bf16; order of magnitude"),
    "sr": Preset(5.0e2, "preset: SR conv nets; order of magnitude"),
}
DEFAULT_PRESET = Preset(1.0e3, "preset: unknown family; order of magnitude")


def preset_for(family: str) -> Preset:
    return PRESETS.get(family, DEFAULT_PRESET)


class MassiveChannels(nn.Module):
    """A few channels carrying a large constant, absorbed downstream (function-preserving).

    Real models keep "massive activations" that later layers neutralise; in fp16 a value
    above 65504 becomes inf and inf·0 = NaN, in bf16/fp32 it is harmless. This reproduces
    that precision-dependent behaviour without changing what the model computes.
    """

    def __init__(self, width: int, magnitude: float, channels: int = 4, conv: bool = False) -> None:
        super().__init__()
        self.conv = conv
        self.produce = nn.Linear(width, channels)
        self.absorb = nn.Linear(channels, width, bias=False)
        with torch.no_grad():
            self.produce.weight.normal_(0.0, 1e-3)
            self.produce.bias.fill_(magnitude)
            self.absorb.weight.zero_()
        for p in self.parameters():
            p.requires_grad_(False)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        if self.conv:
            h = h.movedim(1, -1)
        out: torch.Tensor = self.absorb(self.produce(h))
        return out.movedim(-1, 1) if self.conv else out


class LoRA(nn.Module):
    """Low-rank adapter with real factor shapes: ΔW = scale·B·A (B starts at zero)."""

    def __init__(self, d_in: int, d_out: int, rank: int, scale: float, dtype: torch.dtype,
                 device: torch.device) -> None:
        super().__init__()
        self.scale = scale
        self.A = nn.Parameter(torch.empty(rank, d_in, device=device, dtype=torch.float32))
        self.B = nn.Parameter(torch.zeros(d_out, rank, device=device, dtype=torch.float32))
        nn.init.kaiming_uniform_(self.A, a=math.sqrt(5))
        self.A.data = self.A.data.to(dtype)
        self.B.data = self.B.data.to(dtype)

    def delta(self, x: torch.Tensor) -> torch.Tensor:
        if not torch.is_autocast_enabled(x.device.type):
            x = x.to(self.A.dtype)
        return F.linear(F.linear(x, self.A), self.B) * self.scale

    def delta_norm(self) -> torch.Tensor:
        """‖scale·B·A‖_F from r×r Gram matrices (no d_out×d_in product)."""
        a = self.A.detach().float()
        b = self.B.detach().float()
        sq = ((b.T @ b) * (a @ a.T)).sum().clamp_min(0.0)
        return sq.sqrt() * abs(self.scale)


def attach_lora(targets: Iterable[tuple[str, nn.Module]], rank: int, scale: float,
                dtype: torch.dtype, device: torch.device) -> list[tuple[str, LoRA, nn.Module]]:
    """Add adapters through forward hooks, so any nn.Linear (user models too) can take one."""
    out: list[tuple[str, LoRA, nn.Module]] = []
    for name, module in targets:
        weight = getattr(module, "weight", None)
        if not isinstance(module, nn.Linear) or weight is None:
            continue
        lora = LoRA(module.in_features, module.out_features, min(rank, module.in_features,
                                                                 module.out_features),
                    scale, dtype, device)

        def hook(mod: nn.Module, inputs: tuple[Any, ...], output: torch.Tensor,
                 lora: LoRA = lora) -> torch.Tensor:
            return output + lora.delta(inputs[0]).to(output.dtype)

        module.register_forward_hook(hook)
        out.append((name, lora, module))
    return out


class Attention(nn.Module):
    """Multi-head attention with QK RMSNorm; kv from ``context`` for cross-attention."""

    def __init__(self, width: int, heads: int, context_width: int | None = None) -> None:
        super().__init__()
        ctx = context_width or width
        self.heads = heads
        self.to_q = nn.Linear(width, width)
        self.to_k = nn.Linear(ctx, width)
        self.to_v = nn.Linear(ctx, width)
        self.to_out = nn.Linear(width, width)
        self.q_norm = nn.RMSNorm(width // heads)
        self.k_norm = nn.RMSNorm(width // heads)

    def forward(self, x: torch.Tensor, context: torch.Tensor | None = None) -> torch.Tensor:
        ctx = x if context is None else context
        b, n, d = x.shape
        h = self.heads
        q = self.q_norm(self.to_q(x).view(b, n, h, d // h)).transpose(1, 2)
        k = self.k_norm(self.to_k(ctx).view(b, ctx.shape[1], h, d // h)).transpose(1, 2)
        v = self.to_v(ctx).view(b, ctx.shape[1], h, d // h).transpose(1, 2)
        q, k = q.to(v.dtype), k.to(v.dtype)
        y = F.scaled_dot_product_attention(q, k, v)
        out: torch.Tensor = self.to_out(y.transpose(1, 2).reshape(b, n, d))
        return out


def timestep_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    """Sinusoidal embedding of t ∈ [0, 1] (scaled to the trainers' 0..1000 range)."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, device=t.device) / half)
    args = (t.float() * 1000.0)[:, None] * freqs[None]
    return torch.cat([args.cos(), args.sin()], dim=-1)


def smooth_patterns(n: int, channels: int, side: int, gen: torch.Generator,
                    device: torch.device) -> torch.Tensor:
    """n low-frequency 2D patterns: structured, learnable stand-ins for latents or images."""
    coords = torch.linspace(0, 2 * math.pi, side, device=device)
    yy, xx = torch.meshgrid(coords, coords, indexing="ij")
    freq = torch.randint(1, 4, (n, channels, 2), generator=gen, device=device).float()
    phase = torch.rand(n, channels, 1, 1, generator=gen, device=device) * 2 * math.pi
    return torch.sin(freq[..., 0, None, None] * xx + phase) * torch.cos(
        freq[..., 1, None, None] * yy + phase)


class Surrogate(nn.Module):
    """Base of the built-in surrogates: a fixed fine-tuning set of 24 items, like a LoRA set."""

    name = "surrogate"
    items = 24

    def __init__(self) -> None:
        super().__init__()
        self.phase = "pretrain"
        self.description = ""

    def modules_to_adapt(self) -> list[tuple[str, nn.Module]]:
        """Attention and MLP projections, the layers LoRA trainers target."""
        keys = ("to_q", "to_k", "to_v", "to_out", "ff1", "ff2", "qkv", "proj_out", "proj_in")
        return [(n, m) for n, m in self.named_modules()
                if isinstance(m, nn.Linear) and n.rsplit(".", 1)[-1] in keys]

    def sample_batch(self, batch_size: int, gen: torch.Generator) -> dict[str, Any]:
        raise NotImplementedError

    def loss(self, batch: dict[str, Any], step: int) -> torch.Tensor:
        raise NotImplementedError

    def activation_probes(self) -> list[tuple[str, nn.Module]]:
        """Block outputs and massive-channel producers, hooked for the absmax per block."""
        return []

    def pick(self, data: torch.Tensor, batch_size: int, gen: torch.Generator) -> torch.Tensor:
        idx = torch.randint(0, data.shape[0], (batch_size,), generator=gen, device=data.device)
        return data[idx]
