"""UNet-like surrogate for SD1.x/SD2/SDXL: ResBlocks plus Transformer2D cross-attention.

At ``--size full`` the channel widths are SD's (320/640/1280) and the cross-attention
context is SDXL's 2048, so LoRA factors on to_q/k/v/out and the FF layers have the real
shapes the trainers adapt.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from cfglint.probe.models.base import (
    Attention,
    MassiveChannels,
    Size,
    timestep_embedding,
)
from cfglint.probe.models.dit import LatentSurrogate
from cfglint.probe.objectives import DiffusionObjective


def _groups(ch: int) -> int:
    return min(32, max(1, ch // 4))


class ResBlock(nn.Module):
    def __init__(self, c_in: int, c_out: int, t_width: int) -> None:
        super().__init__()
        self.norm1 = nn.GroupNorm(_groups(c_in), c_in)
        self.conv1 = nn.Conv2d(c_in, c_out, 3, padding=1)
        self.t_proj = nn.Linear(t_width, c_out)
        self.norm2 = nn.GroupNorm(_groups(c_out), c_out)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, padding=1)
        self.skip = nn.Conv2d(c_in, c_out, 1) if c_in != c_out else nn.Identity()

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.t_proj(F.silu(t))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        out: torch.Tensor = self.skip(x) + h
        return out


class Transformer2D(nn.Module):
    def __init__(self, ch: int, heads: int, context: int, magnitude: float) -> None:
        super().__init__()
        self.norm = nn.GroupNorm(_groups(ch), ch)
        self.proj_in = nn.Linear(ch, ch)
        self.ln1 = nn.LayerNorm(ch)
        self.attn1 = Attention(ch, heads)
        self.ln2 = nn.LayerNorm(ch)
        self.attn2 = Attention(ch, heads, context)
        self.ln3 = nn.LayerNorm(ch)
        self.ff1 = nn.Linear(ch, 8 * ch)   # GEGLU: value and gate
        self.ff2 = nn.Linear(4 * ch, ch)
        self.proj_out = nn.Linear(ch, ch)
        self.massive = MassiveChannels(ch, magnitude)

    def forward(self, x: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        b, c, hh, ww = x.shape
        h = self.proj_in(self.norm(x).flatten(2).transpose(1, 2))
        h = h + self.attn1(self.ln1(h))
        h = h + self.attn2(self.ln2(h), context)
        val, gate = self.ff1(self.ln3(h)).chunk(2, dim=-1)
        h = h + self.ff2(val * F.gelu(gate))
        h = h + self.massive(h)
        out: torch.Tensor = x + self.proj_out(h).transpose(1, 2).reshape(b, c, hh, ww)
        return out


class Level(nn.Module):
    """One resolution: a ResBlock then (down path) a Transformer2D, or (up path) a skip conv."""

    def __init__(self, res: ResBlock, attn: Transformer2D | None, conv: nn.Module | None,
                 sampler: nn.Module | None) -> None:
        super().__init__()
        self.res = res
        self.attn = attn
        self.conv = conv
        self.sampler = sampler


class UNetCore(nn.Module):
    def __init__(self, size: Size, magnitude: float, channels: int = 4) -> None:
        super().__init__()
        widths = [size.width * (2 ** i) for i in range(size.depth)]
        t_width = widths[0] * 4
        self.t_in = nn.Sequential(nn.Linear(256, t_width), nn.SiLU(), nn.Linear(t_width, t_width))
        self.conv_in = nn.Conv2d(channels, widths[0], 3, padding=1)
        self.down_levels: list[Level] = []
        self.up_levels: list[Level] = []
        c_prev = widths[0]
        for i, w in enumerate(widths):
            heads = max(1, w // 64) if size.width >= 64 else size.heads
            sampler = nn.Conv2d(w, w, 3, stride=2, padding=1) if i < len(widths) - 1 else None
            self.down_levels.append(Level(ResBlock(c_prev, w, t_width),
                                          Transformer2D(w, heads, size.text_width, magnitude),
                                          None, sampler))
            c_prev = w
        for w in reversed(widths[:-1]):
            self.up_levels.append(Level(ResBlock(w, w, t_width), None,
                                        nn.Conv2d(c_prev, w, 3, padding=1), None))
            c_prev = w
        self.down = nn.ModuleList(self.down_levels)
        self.up = nn.ModuleList(self.up_levels)
        self.norm_out = nn.GroupNorm(_groups(c_prev), c_prev)
        self.conv_out = nn.Conv2d(c_prev, channels, 3, padding=1)

    def forward(self, x: torch.Tensor, t: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        temb = self.t_in(timestep_embedding(t, 256))
        h = self.conv_in(x)
        skips = []
        for level in self.down_levels:
            assert level.attn is not None
            h = level.attn(level.res(h, temb), context)
            skips.append(h)
            if level.sampler is not None:
                h = level.sampler(h)
        skips.pop()
        for level in self.up_levels:
            assert level.conv is not None
            h = F.interpolate(h, scale_factor=2.0, mode="nearest")
            h = level.res(level.conv(h) + skips.pop(), temb)
        out: torch.Tensor = self.conv_out(F.silu(self.norm_out(h)))
        return out


class UNetSurrogate(LatentSurrogate):
    name = "unet"
    core: UNetCore

    def __init__(self, size: Size, objective: DiffusionObjective, magnitude: float,
                 gen: torch.Generator, device: torch.device) -> None:
        super().__init__(size, objective, gen, device, 4)
        self.core = UNetCore(size, magnitude)
        widths = [size.width * 2 ** i for i in range(size.depth)]
        self.description = (f"UNet-like: {size.depth} levels {widths}, ResBlock + Transformer2D "
                            f"(context {size.text_width}), 4-channel latents "
                            f"{size.tokens}x{size.tokens}")

    def activation_probes(self) -> list[tuple[str, nn.Module]]:
        out: list[tuple[str, nn.Module]] = []
        for i, level in enumerate(self.core.down_levels):
            if level.attn is not None:
                out += [(f"down.{i}", level.attn),
                        (f"down.{i}.massive", level.attn.massive.produce)]
        for i, level in enumerate(self.core.up_levels):
            out.append((f"up.{i}", level.res))
        return out
