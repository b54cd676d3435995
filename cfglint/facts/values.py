"""Values as trainers coerce them: numbers that are not bools, the kohya_ss GUI's
``float()``/``int()``, dtype spellings, ``key=value`` argument lists, dotted key paths."""

from __future__ import annotations

import math
import re
from typing import Any

from cfglint.source.document import KeyPath

# Beyond 64 bits no trainer can use a number: torch and numpy hold counts in int64, and
# float() of a larger Python int raises OverflowError (a finite float that large is no rate,
# step count or size either). Facts treat such values as unknown (CFG008 reports them).
MAX_MAGNITUDE = 2**63
# facts where +infinity is a meaningful setting: no clipping (torch's clip_grad_norm_ with
# max_norm=inf), no Min-SNR weighting (min(snr, inf) / snr = 1)
INFINITY_MEANS_OFF = frozenset({"grad_clip.value", "noise.min_snr_gamma"})


def unusable_number(value: Any) -> str | None:
    """Why a number (an int or float, not a bool) is one no trainer can use, else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "infinite"
    if abs(value) >= MAX_MAGNITUDE:
        digits = len(str(abs(value))) if isinstance(value, int) else 0
        return (f"an integer of {digits:,} digits" if digits else f"{value:g}") + \
            ", beyond 64 bits"
    return None


def as_number(value: Any) -> float | int | None:
    """A real number (not a bool) a trainer can use, else None: a YAML 1.1 string such as
    ``"1e-4"`` stays a string to the trainer and is *not* converted here; NaN, infinities
    and magnitudes beyond 64 bits are unknown (``unusable_number``)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if unusable_number(value) is not None:
        return None
    return value


def as_int(value: Any) -> int | None:
    n = as_number(value)
    if n is None:
        return None
    if isinstance(n, int):
        return n
    return int(n) if n.is_integer() else None


def as_bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def gui_float(value: Any, fallback: Any = 0.0) -> Any:
    """kohya_ss GUI ``float()`` coercion: strings that parse become floats, others the
    fallback (``kohya_ss:kohya_gui/common_gui.py``, the GH #3455 comment). An int too large
    for a float is returned as it is: ``float()`` raises OverflowError there, which the GUI
    does not catch."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        try:
            return float(value)
        except OverflowError:
            return value
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return fallback
    return value


def gui_int(value: Any, fallback: Any = 0) -> Any:
    """kohya_ss GUI ``int()`` coercion (a float string such as ``"1.0"`` does not parse).

    ``int(nan)`` raises ValueError, which the GUI catches (the fallback); ``int(inf)`` raises
    OverflowError, which it does not, so infinity is returned as it is (unknown to facts)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return fallback
        return value if math.isinf(value) else int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return fallback
    return value


_DTYPES = {
    "fp32": "fp32", "float32": "fp32", "float": "fp32", "single": "fp32", "full": "fp32",
    "32": "fp32", "no": "fp32",
    "fp16": "fp16", "float16": "fp16", "half": "fp16", "16": "fp16", "16-mixed": "fp16",
    "bf16": "bf16", "bfloat16": "bf16", "bf16-mixed": "bf16",
    "8bit": "8bit", "fp8": "fp8", "float8": "fp8", "e4m3fn": "fp8",
}


def norm_dtype(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    return _DTYPES.get(value.strip().lower().replace("torch.", ""))


def norm_mixed(value: Any) -> str | None:
    """accelerate ``mixed_precision`` spelling: ``no``/``fp16``/``bf16``."""
    if isinstance(value, bool):
        return "fp16" if value else "no"
    d = norm_dtype(value)
    if d in ("fp16", "bf16"):
        return d
    if d == "fp32":
        return "no"
    return None



def parse_scalar_text(text: str) -> Any:
    """``True``/``1e-4``/``0.9,0.99``/``(0.9, 0.99)`` from ``key=value`` optimizer args, the
    way sd-scripts' ``ast.literal_eval`` sees them (without evaluating anything)."""
    t = text.strip()
    low = t.lower()
    if low in ("true", "false"):
        return low == "true"
    if low in ("none", "null"):
        return None
    inner = t.strip("()[]")
    if "," in inner:
        parts = [parse_scalar_text(p) for p in inner.split(",") if p.strip()]
        return parts
    try:
        return int(t)
    except ValueError:
        pass
    try:
        return float(t)
    except ValueError:
        return t.strip("'\"")


def parse_kv_args(value: Any) -> dict[str, Any] | None:
    """sd-scripts ``optimizer_args``/``network_args`` (a list of ``"k=v"``) or the kohya_ss
    GUI's single space-separated string, as a dict."""
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    items: list[str]
    if isinstance(value, str):
        items = value.split()
    elif isinstance(value, list):
        items = [str(v) for v in value]
    else:
        return None
    out: dict[str, Any] = {}
    for item in items:
        if "=" not in item:
            continue
        k, _, v = item.partition("=")
        out[k.strip()] = parse_scalar_text(v)
    return out



def path_from_dotted(text: str) -> KeyPath:
    """``a.b[0].c`` → ``("a", "b", 0, "c")`` (the notation of ``format_path``)."""
    out: list[str | int] = []
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", text):
        if part.startswith("["):
            out.append(int(part[1:-1]))
        else:
            out.append(part)
    return tuple(out)


def parse_resolution(value: Any) -> int | None:
    """A resolution as ``"512"``, ``"1024,768"``, an int or a list: the larger side."""
    if isinstance(value, str):
        parts = [p.strip() for p in value.split(",") if p.strip()]
        try:
            nums = [int(float(p)) for p in parts]
        except (ValueError, OverflowError):
            return None
        return as_int(max(nums)) if nums else None
    if isinstance(value, list):
        ints = [as_int(v) for v in value]
        good = [i for i in ints if i is not None]
        return max(good) if good else None
    return as_int(value)
