"""Training objectives per family, with the config's weighting.

Flow matching for flow families; ε- or v-prediction on SD's scaled-linear DDPM schedule
with min-SNR-γ weighting and offset noise as configured; SEDD's score entropy on the
absorbing graph with log-linear noise; L1 for super-resolution. Losses are reduced in
fp32, as the trainers do (``model_pred.float()``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F

Net = Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor]


def ddpm_alphas_cumprod(device: torch.device, steps: int = 1000) -> torch.Tensor:
    """SD's "scaled_linear" betas from 0.00085 to 0.012 over 1000 steps."""
    betas = torch.linspace(0.00085 ** 0.5, 0.012 ** 0.5, steps, device=device) ** 2
    return torch.cumprod(1.0 - betas, dim=0)


@dataclass
class DiffusionObjective:
    """The training objective the probe's steps use, as the config sets it."""

    prediction: str = "epsilon"          # epsilon | v_prediction | flow
    min_snr_gamma: float | None = None
    noise_offset: float = 0.0
    timestep_sampling: str = "uniform"   # uniform | sigmoid (logit-normal)

    def sample_t(self, n: int, gen: torch.Generator, device: torch.device,
                 t_range: tuple[float, float]) -> torch.Tensor:
        if self.timestep_sampling in ("sigmoid", "logit_normal", "shift"):
            u = torch.sigmoid(torch.randn(n, generator=gen, device=device))
        else:
            u = torch.rand(n, generator=gen, device=device)
        lo, hi = t_range
        return lo + (hi - lo) * u

    def loss(self, net: Net, x0: torch.Tensor, cond: torch.Tensor, gen: torch.Generator,
             t_range: tuple[float, float] = (0.0, 1.0)) -> torch.Tensor:
        b = x0.shape[0]
        dev = x0.device
        noise = torch.randn(x0.shape, generator=gen, device=dev)
        if self.noise_offset:
            shape = (b, x0.shape[1]) + (1,) * (x0.dim() - 2)
            noise = noise + self.noise_offset * torch.randn(shape, generator=gen, device=dev)
        t = self.sample_t(b, gen, dev, t_range)
        bshape = (b,) + (1,) * (x0.dim() - 1)
        if self.prediction == "flow":
            tt = t.view(bshape)
            x_t = (1 - tt) * x0 + tt * noise
            pred = net(x_t, t, cond).float()
            return F.mse_loss(pred, noise - x0)
        ac = ddpm_alphas_cumprod(dev)
        idx = (t * (len(ac) - 1)).long().clamp(0, len(ac) - 1)
        a = ac[idx].view(bshape)
        x_t = a.sqrt() * x0 + (1 - a).sqrt() * noise
        target = noise if self.prediction == "epsilon" else a.sqrt() * noise - (1 - a).sqrt() * x0
        pred = net(x_t, idx.float() / (len(ac) - 1), cond).float()
        per = ((pred - target) ** 2).flatten(1).mean(1)
        if self.min_snr_gamma:
            snr = ac[idx] / (1 - ac[idx])
            clipped = torch.clamp(snr, max=self.min_snr_gamma)
            weight = clipped / (snr + 1) if self.prediction == "v_prediction" else clipped / snr
            per = per * weight
        return per.mean()


def loglinear_noise(t: torch.Tensor, eps: float = 1e-3) -> tuple[torch.Tensor, torch.Tensor]:
    """SEDD's log-linear schedule: total noise σ̄(t) = −log(1 − (1−ε)t) and its rate dσ̄/dt."""
    sigma = -torch.log1p(-(1 - eps) * t)
    dsigma = (1 - eps) / (1 - (1 - eps) * t)
    return sigma, dsigma


def score_entropy_absorbing(log_score: torch.Tensor, x_t: torch.Tensor, x0: torch.Tensor,
                            sigma: torch.Tensor, dsigma: torch.Tensor,
                            mask_id: int) -> torch.Tensor:
    """Denoising score entropy (Lou et al. 2024) on the absorbing graph, summed over tokens.

    At a masked position the true ratio is r = p(x0)/p(mask) = 1/(e^σ̄ − 1) for x0 and 0
    elsewhere, so the loss is Σ_{y≠mask} s_y − r·log s_{x0} + r(log r − 1).
    """
    masked = x_t == mask_id
    ratio = 1.0 / torch.expm1(sigma)[:, None].expand_as(x_t)
    log_score = log_score.float()
    pos = log_score[..., :mask_id].exp().sum(-1)
    neg = ratio * log_score.gather(-1, x0[..., None]).squeeze(-1)
    const = ratio * (ratio.log() - 1)
    entropy = torch.where(masked, pos - neg + const, torch.zeros_like(pos))
    return (dsigma[:, None] * entropy).sum(-1).mean()
