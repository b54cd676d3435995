"""Vocabularies shared by every trainer module and the probe: optimizer classes
(8-bit state, adaptive step size, Adam family) and model families (from architecture
names and model paths) with their default training objective."""

from __future__ import annotations

import re
from typing import Any

_EIGHT_BIT = re.compile(r"8bit|8_bit|_8$|adamw?8$|bnb\.|bitsandbytes")
_ADAPTIVE = ("prodigy", "dadapt", "automagic")
_ADAM_FAMILY = re.compile(r"adam|prodigy|lamb|ademamix")


def optimizer_is_8bit(name: str) -> bool:
    """bitsandbytes 8-bit state (AdamW8bit, Lion8bit, PagedAdamW8bit, prodigy8bit, ...)."""
    return bool(_EIGHT_BIT.search(name.lower()))


def optimizer_is_adaptive(name: str, args: dict[str, Any] | None = None,
                          adafactor_relative_default: bool = False) -> bool:
    """The optimizer sets the step size: Prodigy, D-Adaptation, automagic, and Adafactor
    with ``relative_step`` (whose default depends on the trainer)."""
    low = name.lower()
    if any(low.startswith(p) or f".{p}" in low for p in _ADAPTIVE):
        return True
    if "adafactor" in low:
        rel = (args or {}).get("relative_step", adafactor_relative_default)
        return bool(rel) if isinstance(rel, bool) else adafactor_relative_default
    return False


def optimizer_is_adam(name: str) -> bool:
    return bool(_ADAM_FAMILY.search(name.lower()))


def optimizer_is_scale_invariant(name: str) -> bool:
    """The step does not grow with the gradient's overall scale: the Adam family divides by
    a running RMS of the gradient, Lion takes its sign, Adafactor divides by a factored
    RMS. Clipping the whole gradient then changes the step little."""
    low = name.lower()
    return optimizer_is_adam(low) or "lion" in low or "adafactor" in low



_FAMILY_PATTERNS: tuple[tuple[str, str], ...] = (
    ("wan22", r"wan[-_ .]?2[._]?2"),
    ("wan21", r"wan[-_ .]?2[._]?1|\bwan\b|wan_?i2v|wan_?t2v"),
    ("hunyuan_video", r"hunyuan[-_ ]?video"),
    ("lumina2", r"lumina"),
    ("qwen_image", r"qwen[-_]?image"),
    ("hidream", r"hidream"),
    ("omnigen2", r"omnigen"),
    ("chroma", r"chroma"),
    ("pixart", r"pixart"),
    ("auraflow", r"aura[-_]?flow"),
    ("flux", r"flux|flex[12]|\bkontext\b"),
    ("sd3", r"sd3|sd[-_]3|stable[-_]diffusion[-_]3"),
    ("sdxl", r"sdxl|sd[-_]xl|stable[-_]diffusion[-_]xl|\bxl\b|[-_]xl[-_.]|pony|illustrious|"
             r"animagine|noobai|playground[-_]v2"),
    ("sd2", r"\bsd2|sd[-_]2|stable[-_]diffusion[-_]2|v2[-_]1|768[-_]v"),
    ("sd15", r"sd1|sd[-_]1|stable[-_]diffusion[-_]v?1|v1[-_]5|runwayml"),
)
_COMPILED = tuple((fam, re.compile(pat)) for fam, pat in _FAMILY_PATTERNS)


def model_family(*hints: Any) -> str:
    """Model family from architecture names and model paths (first hint that names one).

    ``model_family("wan22_14b")`` → ``wan22``; ``"stabilityai/stable-diffusion-xl-base-1.0"``
    → ``sdxl``; ``"black-forest-labs/FLUX.1-dev"`` → ``flux``; nothing recognisable →
    ``unknown``. Hints are tried in order, so pass the most specific (arch) first.
    """
    for hint in hints:
        if not isinstance(hint, str) or not hint:
            continue
        low = hint.lower()
        for fam, rx in _COMPILED:
            if rx.search(low):
                return fam
    return "unknown"


FLOW_FAMILIES = frozenset({"flux", "sd3", "wan21", "wan22", "hunyuan_video", "lumina2", "chroma",
                           "qwen_image", "hidream", "omnigen2", "auraflow"})


def prediction_for(family: str) -> str | None:
    """Default training objective of a model family (flow matching vs epsilon)."""
    if family in FLOW_FAMILIES:
        return "flow"
    if family in ("sd15", "sdxl", "pixart"):
        return "epsilon"
    return None


UNET_FAMILIES = frozenset({"sd15", "sd2", "sdxl"})
# Transformer (DiT/MMDiT) families; WAN 2.2 has two experts and a surrogate of its own.
DIT_FAMILIES = FLOW_FAMILIES - {"wan22"} | {"pixart"}


def optimizer_is_prodigy(name: str) -> bool:
    """Prodigy and its variants (prodigy8bit, ProdigyPlusScheduleFree)."""
    return name.lower().replace("_", "").startswith("prodigy")


# The resolution each family was trained at: sd-scripts' docs/train_SDXL-en.md ("The default
# resolution of SDXL is 1024x1024"); Flux and SD3 are trained at 1024² (Esser et al. 2024,
# arXiv 2403.03206, for SD3); SD 1.x at 512²; SD 2.x at 768² (its v-prediction models).
NATIVE_RESOLUTION: dict[str, int] = {"sdxl": 1024, "flux": 1024, "sd3": 1024, "sd15": 512,
                                     "sd2": 768}
