"""SEDD-like surrogate: an adaLN transformer over tokens trained with score entropy.

Absorbing graph, log-linear noise and ``scale_by_sigma`` output scaling as in the paper
(Lou et al. 2024); data are sequences from a fixed random Markov chain (learnable
structure), with a different chain for the fine-tuning set.
"""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn

from cfglint.probe.models.base import Size, Surrogate, timestep_embedding
from cfglint.probe.models.dit import DiTBlock, dit_blocks
from cfglint.probe.objectives import loglinear_noise, score_entropy_absorbing


def markov_sequences(n: int, length: int, vocab: int, gen: torch.Generator,
                     device: torch.device) -> torch.Tensor:
    logits = torch.randn(vocab, vocab, generator=gen, device=device) * 3.0
    probs = torch.softmax(logits, dim=-1)
    seq = torch.empty(n, length, dtype=torch.long, device=device)
    seq[:, 0] = torch.randint(0, vocab, (n,), generator=gen, device=device)
    for i in range(1, length):
        seq[:, i] = torch.multinomial(probs[seq[:, i - 1]], 1, generator=gen).squeeze(-1)
    return seq


class SeddSurrogate(Surrogate):
    name = "sedd"
    pre: torch.Tensor
    ft: torch.Tensor

    def __init__(self, size: Size, magnitude: float, gen: torch.Generator,
                 device: torch.device) -> None:
        super().__init__()
        self.vocab = 32 if size.width <= 64 else 1024
        self.mask_id = self.vocab
        w = size.width
        self.embed = nn.Embedding(self.vocab + 1, w)
        self.sigma_in = nn.Sequential(nn.Linear(256, w), nn.SiLU(), nn.Linear(w, w))
        self.blocks = nn.ModuleList(DiTBlock(w, size.heads, magnitude, None)
                                    for _ in range(size.depth))
        self.norm_out = nn.LayerNorm(w, elementwise_affine=False)
        self.out = nn.Linear(w, self.vocab + 1)
        self.register_buffer("pre", markov_sequences(128, size.tokens, self.vocab, gen, device))
        self.register_buffer("ft", markov_sequences(self.items, size.tokens, self.vocab, gen,
                                                    device))
        self.gen = gen
        self.description = (f"SEDD-like DDiT: {size.depth} adaLN blocks, width {w}, {size.heads} "
                            f"heads, vocab {self.vocab}+mask, length {size.tokens}, "
                            "score entropy (absorbing, log-linear noise)")

    def sample_batch(self, batch_size: int, gen: torch.Generator) -> dict[str, Any]:
        data = self.pre if self.phase == "pretrain" else self.ft
        return {"x0": self.pick(data, batch_size, gen)}

    def log_score(self, x_t: torch.Tensor, sigma: torch.Tensor) -> torch.Tensor:
        h = self.embed(x_t)
        c = self.sigma_in(timestep_embedding(sigma / 10.0, 256).to(h.dtype))
        for block in self.blocks:
            h = block(h, c, None)
        out = self.out(self.norm_out(h)).float()
        # scale_by_sigma: subtract log(e^σ̄ − 1) + log(V − 1), the absorbing graph's prior ratio
        scaled: torch.Tensor = (out - torch.log(torch.expm1(sigma))[:, None, None]
                                - math.log(self.vocab - 1))
        return scaled

    def loss(self, batch: dict[str, Any], step: int) -> torch.Tensor:
        x0 = batch["x0"]
        t = (1e-3 + (1 - 1e-3) * torch.rand(x0.shape[0], generator=self.gen,
                                            device=x0.device))
        sigma, dsigma = loglinear_noise(t)
        move = torch.rand(x0.shape, generator=self.gen, device=x0.device) < -torch.expm1(
            -sigma)[:, None]
        x_t = torch.where(move, torch.full_like(x0, self.mask_id), x0)
        return score_entropy_absorbing(self.log_score(x_t, sigma), x_t, x0, sigma, dsigma,
                                       self.mask_id)

    def activation_probes(self) -> list[tuple[str, nn.Module]]:
        out: list[tuple[str, nn.Module]] = []
        for i, block in enumerate(dit_blocks(self)):
            out += [(f"blocks.{i}", block), (f"blocks.{i}.massive", block.massive.produce)]
        return out
