"""DiT/MMDiT-like surrogate (Flux, SD3, ...) and WAN 2.2's two-expert variant.

adaLN-modulated blocks (shift/scale/gate), joint text+image attention with QK RMSNorm
and a GELU MLP; WAN uses cross-attention to a umT5-wide text sequence instead, and 2.2
trains two expert copies split at the timestep boundary, alternated every
``switch_every`` micro-batches as ai-toolkit does.
"""

from __future__ import annotations

from typing import Any, cast

import torch
import torch.nn.functional as F
from torch import nn

from cfglint.probe.models.base import (
    Attention,
    MassiveChannels,
    Size,
    Surrogate,
    smooth_patterns,
    timestep_embedding,
)
from cfglint.probe.objectives import DiffusionObjective

# WAN 2.2 T2V boundary (ai-toolkit wan22_14b_model.py): high-noise expert for t ≥ 0.875.
WAN22_BOUNDARY = 0.875


class DiTBlock(nn.Module):
    def __init__(self, width: int, heads: int, magnitude: float, cross_width: int | None) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(width, elementwise_affine=False)
        self.norm2 = nn.LayerNorm(width, elementwise_affine=False)
        self.mod = nn.Linear(width, 6 * width)
        self.attn = Attention(width, heads)
        self.cross = Attention(width, heads, cross_width) if cross_width else None
        self.ff1 = nn.Linear(width, 4 * width)
        self.ff2 = nn.Linear(4 * width, width)
        self.massive = MassiveChannels(width, magnitude)
        with torch.no_grad():
            self.mod.weight.mul_(0.1)
            self.mod.bias.zero_()

    def forward(self, x: torch.Tensor, c: torch.Tensor, text: torch.Tensor | None) -> torch.Tensor:
        s1, sc1, g1, s2, sc2, g2 = self.mod(F.silu(c))[:, None].chunk(6, dim=-1)
        h = self.norm1(x) * (1 + sc1) + s1
        x = x + g1 * self.attn(h)
        if self.cross is not None and text is not None:
            x = x + self.cross(self.norm1(x), text)
        h = self.norm2(x) * (1 + sc2) + s2
        x = x + g2 * self.ff2(F.gelu(self.ff1(h)))
        out: torch.Tensor = x + self.massive(h)
        return out


class DiTCore(nn.Module):
    def __init__(self, size: Size, channels: int, magnitude: float, cross: bool) -> None:
        super().__init__()
        w = size.width
        self.patch = nn.Linear(channels * 4, w)
        self.text_in = nn.Linear(size.text_width, w)
        self.t_in = nn.Sequential(nn.Linear(256, w), nn.SiLU(), nn.Linear(w, w))
        self.cross = cross
        self.blocks = nn.ModuleList(
            DiTBlock(w, size.heads, magnitude, w if cross else None) for _ in range(size.depth))
        self.norm_out = nn.LayerNorm(w, elementwise_affine=False)
        self.proj_final = nn.Linear(w, channels * 4)

    def forward(self, x: torch.Tensor, t: torch.Tensor, text: torch.Tensor) -> torch.Tensor:
        b, ch, hh, ww = x.shape
        tokens = x.view(b, ch, hh // 2, 2, ww // 2, 2).permute(0, 2, 4, 1, 3, 5)
        tokens = tokens.reshape(b, (hh // 2) * (ww // 2), ch * 4)
        h = self.patch(tokens)
        txt = self.text_in(text)
        c = self.t_in(timestep_embedding(t, 256).to(h.dtype)) + txt.mean(1)
        n_img = h.shape[1]
        if not self.cross:
            h = torch.cat([txt, h], dim=1)
        for block in self.blocks:
            h = block(h, c, txt if self.cross else None)
        out = self.proj_final(self.norm_out(h[:, -n_img:]))
        out = out.view(b, hh // 2, ww // 2, ch, 2, 2).permute(0, 3, 1, 4, 2, 5)
        result: torch.Tensor = out.reshape(b, ch, hh, ww)
        return result


def dit_blocks(core: nn.Module) -> list[DiTBlock]:
    return cast(list[DiTBlock], list(cast(nn.ModuleList, core.blocks)))


class LatentData(nn.Module):
    """Class-conditional structured latents and text sequences (pre-train vs fine-tune set)."""

    pre_x: torch.Tensor
    pre_t: torch.Tensor
    ft_x: torch.Tensor
    ft_t: torch.Tensor

    def __init__(self, size: Size, channels: int, gen: torch.Generator, device: torch.device,
                 items: int) -> None:
        super().__init__()
        side = size.tokens
        self.register_buffer("pre_x", smooth_patterns(64, channels, side, gen, device))
        self.register_buffer("pre_t", torch.randn(64, size.text_tokens, size.text_width,
                                                  generator=gen, device=device))
        self.register_buffer("ft_x", smooth_patterns(items, channels, side, gen, device))
        self.register_buffer("ft_t", torch.randn(items, size.text_tokens, size.text_width,
                                                 generator=gen, device=device))

    def batch(self, phase: str, n: int, gen: torch.Generator) -> dict[str, Any]:
        xs, ts = (self.pre_x, self.pre_t) if phase == "pretrain" else (self.ft_x, self.ft_t)
        idx = torch.randint(0, xs.shape[0], (n,), generator=gen, device=xs.device)
        return {"x0": xs[idx], "text": ts[idx]}


class LatentSurrogate(Surrogate):
    """A latent-diffusion surrogate: synthetic latents in, the configured objective out."""

    core: nn.Module

    def __init__(self, size: Size, objective: DiffusionObjective, gen: torch.Generator,
                 device: torch.device, channels: int) -> None:
        super().__init__()
        self.data = LatentData(size, channels, gen, device, self.items)
        self.objective = objective
        self.gen = gen

    def sample_batch(self, batch_size: int, gen: torch.Generator) -> dict[str, Any]:
        return self.data.batch(self.phase, batch_size, gen)

    def loss(self, batch: dict[str, Any], step: int) -> torch.Tensor:
        return self.objective.loss(self.core, batch["x0"], batch["text"], self.gen)


class DiTSurrogate(LatentSurrogate):
    name = "dit"
    core: DiTCore

    def __init__(self, size: Size, objective: DiffusionObjective, magnitude: float,
                 gen: torch.Generator, device: torch.device, channels: int = 16) -> None:
        super().__init__(size, objective, gen, device, channels)
        self.core = DiTCore(size, channels, magnitude, cross=False)
        self.description = (f"DiT-like: {size.depth} joint-attention adaLN blocks, width "
                            f"{size.width}, {size.heads} heads, text width {size.text_width}, "
                            f"{channels}-channel latents {size.tokens}x{size.tokens}")

    def activation_probes(self) -> list[tuple[str, nn.Module]]:
        out: list[tuple[str, nn.Module]] = []
        for i, block in enumerate(dit_blocks(self.core)):
            out += [(f"blocks.{i}", block), (f"blocks.{i}.massive", block.massive.produce)]
        return out


class Wan22Surrogate(LatentSurrogate):
    """Two expert DiTs; each samples t only inside its side of the boundary."""

    name = "wan22"

    def __init__(self, size: Size, objective: DiffusionObjective, magnitude: float,
                 gen: torch.Generator, device: torch.device, switch_every: int = 1) -> None:
        super().__init__(size, objective, gen, device, 16)
        self.experts = nn.ModuleList(DiTCore(size, 16, magnitude, cross=True) for _ in range(2))
        self.core = self.experts[0]
        self.switch_every = max(1, switch_every)
        self.description = (f"WAN 2.2-like: 2 experts (boundary t={WAN22_BOUNDARY}, switch every "
                            f"{self.switch_every} micro-batches), {size.depth} cross-attention "
                            f"block(s) each, width {size.width}, text width {size.text_width}")

    def loss(self, batch: dict[str, Any], step: int) -> torch.Tensor:
        high = (step // self.switch_every) % 2 == 0
        expert = self.experts[0 if high else 1]
        t_range = (WAN22_BOUNDARY, 1.0) if high else (0.0, WAN22_BOUNDARY)
        return self.objective.loss(expert, batch["x0"], batch["text"], self.gen, t_range)

    def activation_probes(self) -> list[tuple[str, nn.Module]]:
        out: list[tuple[str, nn.Module]] = []
        for e, name in enumerate(("high", "low")):
            for i, block in enumerate(dit_blocks(self.experts[e])):
                out += [(f"{name}.blocks.{i}", block),
                        (f"{name}.blocks.{i}.massive", block.massive.produce)]
        return out
