"""CFG008: a setting holds a number no trainer can use.

NaN, an infinity, an integer beyond 64 bits (the facts layer treats all three as unknown,
``cfglint.facts.model.Unusable``), or a negative LoRA rank. The finding sits on the key the
trainer reads. kohya_ss GUI configs get the GUI's own outcome: ``update_my_data`` applies
``int()`` to some keys and catches only ValueError, so NaN silently becomes the fallback and
an infinity (OverflowError) stops the GUI from loading the file
(``kohya_ss:kohya_gui/common_gui.py``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from cfglint.checks.gui_string_numbers import INT_KEYS
from cfglint.engine.context import CheckContext
from cfglint.facts.model import Fact, Unusable
from cfglint.families.kohya_gui import KohyaGui
from cfglint.findings import Finding
from cfglint.source.document import Mapping, Scalar, Span, format_path, resolve_alias

# facts that size a layer: torch refuses a negative dimension (nn.Linear(in, -4) raises)
_RANKS = ("lora.rank", "lora.conv_rank")


def run(ctx: CheckContext) -> Iterable[Finding]:
    seen: set[Span] = set()
    if isinstance(ctx.family, KohyaGui) and ctx.doc.format == "json":
        yield from _gui_int_keys(ctx, seen)
    for name, fact in ctx.facts.items.items():
        if fact.origin != "explicit" or fact.span is None or fact.span in seen:
            continue
        message = _message(name, fact)
        if message is not None:
            seen.add(fact.span)
            yield ctx.finding(fact.span, message, fact.key or ())


def _message(name: str, fact: Fact) -> str | None:
    key = f"`{format_path(fact.key or ())}`"
    if isinstance(fact.value, Unusable):
        what = fact.value.reason.removeprefix(f"{name} is ")
        return (f"{key} is {what}: no training setting can use that number (the trainer "
                "fails on it, or trains on NaN/inf without a word); write a finite value")
    value = fact.value
    if name in _RANKS and isinstance(value, int | float) and not isinstance(value, bool) \
            and value < 0:
        return (f"{key} is {value:g}, a negative LoRA rank: torch refuses a layer with a "
                "negative dimension (RuntimeError when the network is built)")
    return None


def _gui_int_keys(ctx: CheckContext, seen: set[Span]) -> Iterable[Finding]:
    """NaN or an infinity in a key the GUI int()s when it opens the config."""
    root = resolve_alias(ctx.doc.root)
    if not isinstance(root, Mapping):
        return
    for entry in root.entries:
        node = resolve_alias(entry.value)
        if entry.name not in INT_KEYS or not isinstance(node, Scalar) or node.span in seen:
            continue
        value = node.value
        if not isinstance(value, float) or math.isfinite(value):
            continue
        seen.add(node.span)
        if math.isnan(value):
            message = (f"`{entry.name}` is NaN: the kohya_ss GUI's int() fails on it and the "
                       f"GUI loads {INT_KEYS[entry.name]} instead, without a word; write the "
                       "number you mean")
        else:
            message = (f"`{entry.name}` is infinite: the kohya_ss GUI applies int() to it when "
                       "it opens the config, and int() of infinity raises OverflowError, which "
                       "the GUI does not catch: the config does not load; write a whole number")
        yield ctx.finding(node.span, message, (entry.name,))
