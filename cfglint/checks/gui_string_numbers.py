"""CFG706: numbers stored as strings (or ints stored as floats) in kohya_ss GUI JSON.

``kohya_ss:kohya_gui/common_gui.py::update_my_data`` coerces a fixed list of keys when a
config is opened: ``int(value)`` or ``float(value)``, and a value that does not convert
becomes a fallback (0, 1, 1.0). A string the GUI converts is read correctly, so it is
not reported (the rule's ``portability`` parameter keeps a note, with a fix that writes
the JSON number lexeme, for tools that read the JSON directly); a string it cannot
convert silently becomes the fallback, and a fractional count is truncated: those are
reported. Whole floats in count fields (``1.0``) are what current Gradio widgets save
and are not reported.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from cfglint.engine.context import CheckContext
from cfglint.facts.values import gui_float, gui_int
from cfglint.findings import Edit, Finding, Fix
from cfglint.source.document import Mapping, Scalar, resolve_alias

# key → (conversion, fallback), as update_my_data converts them
# (bmaltais/kohya_ss:kohya_gui/common_gui.py)
INT_KEYS: dict[str, int] = {
    "clip_skip": 0, "epoch": 0, "gradient_accumulation_steps": 0, "keep_tokens": 0,
    "lr_warmup": 0, "max_data_loader_n_workers": 0, "max_train_epochs": 0,
    "save_every_n_epochs": 0, "seed": 0, "lr_scheduler_num_cycles": 1, "max_train_steps": 0,
    "caption_dropout_every_n_epochs": 0,
}
FLOAT_KEYS: dict[str, float] = {
    "adaptive_noise_scale": 0.0, "noise_offset": 0.0, "learning_rate": 0.0,
    "text_encoder_lr": 0.0, "unet_lr": 0.0, "lr_scheduler_power": 1.0,
}
_JSON_NUM = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?\Z")


def _gui_int(text: str) -> int | None:
    """The GUI's ``int()`` of the text, or None where it falls back instead."""
    got = gui_int(text, None)
    return got if isinstance(got, int) else None


def _gui_float(text: str) -> float | None:
    """The GUI's ``float()`` of the text; None where it falls back, or where the result
    (inf, nan) has no JSON number to write."""
    got = gui_float(text, None)
    return got if isinstance(got, float) and math.isfinite(got) else None


def run(ctx: CheckContext) -> Iterable[Finding]:
    if ctx.doc.format != "json":
        return
    root = resolve_alias(ctx.doc.root)
    if not isinstance(root, Mapping):
        return
    for entry in root.entries:
        key = entry.name
        node = resolve_alias(entry.value)
        if not isinstance(node, Scalar) or (key not in INT_KEYS and key not in FLOAT_KEYS):
            continue
        value = node.value
        path = (key,)
        if isinstance(value, str):
            text = value
            if text.strip() == "":
                continue  # the GUI's own spelling of "unset" (fallback = default)
            if key in INT_KEYS:
                got = _gui_int(text)
                fallback: float = INT_KEYS[key]
                lexeme = str(got) if got is not None else None
            else:
                fgot = _gui_float(text)
                got = fgot  # type: ignore[assignment]
                fallback = FLOAT_KEYS[key]
                stripped = text.strip()
                lexeme = None
                if fgot is not None:
                    lexeme = stripped if _JSON_NUM.match(stripped) else repr(fgot)
            if got is None:
                yield ctx.finding(node.span, f'"{key}": "{text}" is a string the kohya_ss GUI '
                                  f"cannot convert; it loads it as {fallback:g} instead "
                                  f"(update_my_data falls back silently)", path)
                continue
            assert lexeme is not None  # set whenever the GUI's conversion succeeds
            if not ctx.params.get("portability", False):
                continue  # the GUI converts it on load: the trainer reads the number
            fix = Fix("safe", f"write {lexeme} as a JSON number",
                      [Edit(node.span.start, node.span.end, lexeme)], [path])
            yield ctx.finding(node.span, f'"{key}": "{text}" is a number stored as a string; '
                              f"the GUI converts it to {lexeme} on load, but scripts and "
                              "tools that read this JSON directly get a string", path, fix)
        elif (isinstance(value, float) and key in INT_KEYS and math.isfinite(value)
              and not value.is_integer()):  # NaN and infinities are CFG008's
            # whole floats (1.0) are what Gradio Number/Slider widgets save; the GUI int()s
            # them back, so only a fractional count is worth a word
            yield ctx.finding(node.span, f'"{key}": {node.raw} is not a whole number; the '
                              f"GUI truncates it to {int(value)} on load", path)
