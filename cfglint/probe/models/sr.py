"""Super-resolution surrogate (BasicSR/traiNNer): residual conv blocks, ×2 pixel shuffle, L1.

ESRGAN's feature width (64) at ``--size full``; depth reduced. SR configs train the
whole network, so the probe fine-tunes all of it (method ``full``).
"""

from __future__ import annotations

from typing import Any, cast

import torch
import torch.nn.functional as F
from torch import nn

from cfglint.probe.models.base import MassiveChannels, Size, Surrogate, smooth_patterns


class ConvBlock(nn.Module):
    def __init__(self, nf: int, magnitude: float) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(nf, nf, 3, padding=1)
        self.conv2 = nn.Conv2d(nf, nf, 3, padding=1)
        self.massive = MassiveChannels(nf, magnitude, conv=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv2(F.leaky_relu(self.conv1(x), 0.2))
        out: torch.Tensor = x + 0.2 * h + self.massive(h)
        return out


class SRSurrogate(Surrogate):
    name = "sr"
    pre: torch.Tensor
    ft: torch.Tensor

    def __init__(self, size: Size, magnitude: float, gen: torch.Generator,
                 device: torch.device) -> None:
        super().__init__()
        nf = size.width
        self.conv_first = nn.Conv2d(3, nf, 3, padding=1)
        self.blocks = nn.ModuleList(ConvBlock(nf, magnitude) for _ in range(size.depth))
        self.conv_body = nn.Conv2d(nf, nf, 3, padding=1)
        self.up = nn.Conv2d(nf, nf * 4, 3, padding=1)
        self.conv_last = nn.Conv2d(nf, 3, 3, padding=1)
        side = size.tokens * 2
        self.register_buffer("pre", smooth_patterns(64, 3, side, gen, device))
        self.register_buffer("ft", smooth_patterns(self.items, 3, side, gen, device))
        self.description = (f"SR conv net: {size.depth} residual blocks, {nf} features, "
                            f"x2 pixel shuffle, L1, HR {side}x{side}")

    def modules_to_adapt(self) -> list[tuple[str, nn.Module]]:
        return []

    def sample_batch(self, batch_size: int, gen: torch.Generator) -> dict[str, Any]:
        data = self.pre if self.phase == "pretrain" else self.ft
        hr = self.pick(data, batch_size, gen)
        return {"hr": hr, "lr": F.avg_pool2d(hr, 2)}

    def forward(self, lr: torch.Tensor) -> torch.Tensor:
        feat = self.conv_first(lr)
        h = feat
        for block in self.blocks:
            h = block(h)
        h = feat + self.conv_body(h)
        h = F.leaky_relu(F.pixel_shuffle(self.up(h), 2), 0.2)
        out: torch.Tensor = self.conv_last(h)
        return out

    def loss(self, batch: dict[str, Any], step: int) -> torch.Tensor:
        return F.l1_loss(self(batch["lr"]).float(), batch["hr"])

    def activation_probes(self) -> list[tuple[str, nn.Module]]:
        out: list[tuple[str, nn.Module]] = []
        for i, block in enumerate(cast(list[ConvBlock], list(self.blocks))):
            out += [(f"blocks.{i}", block), (f"blocks.{i}.massive", block.massive.produce)]
        return out
