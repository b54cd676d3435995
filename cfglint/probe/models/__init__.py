"""Surrogate models per family (imported only by the probe run; needs torch)."""

from __future__ import annotations

import torch

from cfglint.probe.models.base import SIZES, Surrogate, preset_for
from cfglint.probe.objectives import DiffusionObjective
from cfglint.probe.spec import ProbeSpec


def build_surrogate(spec: ProbeSpec, size: str, device: torch.device,
                    gen: torch.Generator) -> Surrogate:
    """The family's surrogate at ``size`` with its activation-magnitude preset."""
    kind = spec.surrogate
    dims = SIZES[kind][size]
    preset = preset_for(spec.model_family if spec.model_family != "unknown" else kind)
    objective = DiffusionObjective(spec.prediction if spec.prediction in
                                   ("epsilon", "v_prediction", "flow") else "epsilon",
                                   spec.min_snr_gamma, spec.noise_offset, spec.timestep_sampling)
    model: Surrogate
    if kind == "unet":
        from cfglint.probe.models.unet import UNetSurrogate

        model = UNetSurrogate(dims, objective, preset.magnitude, gen, device)
    elif kind == "wan22":
        from cfglint.probe.models.dit import Wan22Surrogate

        model = Wan22Surrogate(dims, objective, preset.magnitude, gen, device,
                               spec.moe_switch_every)
    elif kind == "sedd":
        from cfglint.probe.models.sedd import SeddSurrogate

        model = SeddSurrogate(dims, preset.magnitude, gen, device)
    elif kind == "sr":
        from cfglint.probe.models.sr import SRSurrogate

        model = SRSurrogate(dims, preset.magnitude, gen, device)
    else:
        from cfglint.probe.models.dit import DiTSurrogate

        channels = 4 if spec.model_family in ("pixart",) else 16
        model = DiTSurrogate(dims, objective, preset.magnitude, gen, device, channels)
    model.description += (f"; activation preset {preset.magnitude:.3g} ({preset.source}); "
                          f"objective {spec.prediction}")
    return model.to(device)
