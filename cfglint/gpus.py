"""GPUs by name or compute capability, for the settings key ``target-gpu``: what a run will
train on, so that rules can say what that hardware does with a precision setting.

NVIDIA lists each GPU's compute capability (developer.nvidia.com/cuda-gpus); native bf16
arithmetic starts with compute capability 8.0 (Ampere: A100, RTX 30xx). Names are matched
without case, spaces, dashes or an "nvidia"/"tesla"/"geforce"/"quadro" prefix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cfglint.spelling import closest

BF16_FROM = 8.0

# one name per card; the series patterns below cover the consumer ranges
_CARDS: dict[str, float] = {
    "k80": 3.7, "m40": 5.2, "p4": 6.1, "p40": 6.1, "p100": 6.0, "v100": 7.0,
    "titanv": 7.0, "t4": 7.5, "titanrtx": 7.5, "rtx6000": 7.5, "rtx8000": 7.5,
    "a100": 8.0, "a30": 8.0, "a10": 8.6, "a10g": 8.6, "a16": 8.6, "a40": 8.6, "a2": 8.6,
    "a4000": 8.6, "a4500": 8.6, "a5000": 8.6, "a6000": 8.6, "rtxa4000": 8.6,
    "rtxa5000": 8.6, "rtxa6000": 8.6, "l4": 8.9, "l40": 8.9, "l40s": 8.9,
    "rtx6000ada": 8.9, "h100": 9.0, "h200": 9.0, "gh200": 9.0, "b100": 10.0, "b200": 10.0,
    "gb200": 10.0, "rtxpro6000": 12.0,
}
# consumer series: (pattern on the normalised name, compute capability)
_SERIES: tuple[tuple[str, float], ...] = (
    (r"gtx10\d0(ti)?", 6.1), (r"gtx16\d0(ti|super)?", 7.5), (r"rtx20\d0(ti|super)?", 7.5),
    (r"rtx30\d0(ti)?", 8.6), (r"rtx40\d0(ti|super)?", 8.9), (r"rtx50\d0(ti)?", 12.0),
)
_PREFIX = re.compile(r"^(nvidia|tesla|geforce|quadro)+")
_CC = re.compile(r"^(?:sm_?|cc)?(\d{1,3})(?:\.(\d))?$")


@dataclass(frozen=True)
class Gpu:
    """A GPU the user targets (--target-gpu): what its compute capability supports."""

    name: str  # as the user wrote it
    compute_capability: float

    @property
    def bf16(self) -> bool:
        return self.compute_capability >= BF16_FROM


def _normal(name: str) -> str:
    return _PREFIX.sub("", re.sub(r"[\s_\-]+", "", name.lower()))


def parse_gpu(value: object) -> Gpu:
    """A GPU from a name (``"T4"``, ``"RTX 2080 Ti"``) or a compute capability (``7.5``,
    ``"sm_75"``); a ValueError with a did-you-mean otherwise."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError("`target-gpu` must be a GPU name or a compute capability")
    text = str(value).strip()
    if isinstance(value, int | float) or _CC.match(text.lower()):
        m = _CC.match(text.lower())
        if m is None:
            raise ValueError(f"`target-gpu` {text!r} is not a compute capability")
        major, minor = m.groups()
        # 7.5 as written; sm_75 / 75 is 7.5 and sm_120 / 120 is 12.0 (the last digit is minor)
        cc = float(f"{major}.{minor}") if minor is not None else (
            float(f"{major[:-1]}.{major[-1]}") if len(major) > 1 else float(major))
        if not 1.0 <= cc < 20.0:
            raise ValueError(f"`target-gpu` {text!r} is not a compute capability")
        return Gpu(text, cc)
    key = _normal(text)
    # the longest card name the text starts with: "V100-SXM2-16GB" is a V100, "A100" no A10
    known = [c for c in _CARDS if key.startswith(c)]
    if known:
        return Gpu(text, _CARDS[max(known, key=len)])
    for pattern, cc in _SERIES:
        if re.match(pattern, key):
            return Gpu(text, cc)
    guess = closest(key, list(_CARDS))
    hint = f"; did you mean `{guess}`?" if guess else ""
    raise ValueError(f"unknown GPU `{text}` in `target-gpu`{hint} (or give its compute "
                     "capability, e.g. 7.5)")
