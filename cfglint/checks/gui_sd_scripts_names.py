"""CFG707: a kohya_ss GUI preset that writes sd-scripts' option names.

The GUI loads a JSON preset with ``open_configuration``, which reads each of its own
parameters with ``my_data.get(name)`` and ignores every other key
(``kohya_ss:kohya_gui/lora_gui.py``, ``dreambooth_gui.py``, ``finetune_gui.py``,
``textual_inversion_gui.py``). sd-scripts' names such as ``optimizer_type`` or
``resolution`` are therefore dropped and the GUI default is used, unless the file also has
the GUI's own name. The LECO and Anima-LLLite tabs read ``network_module`` and
``resolution`` themselves, so a preset with those tabs' parameters is left alone.
"""

from __future__ import annotations

from collections.abc import Iterable

from cfglint.edit import EditError, rename_key
from cfglint.engine.context import CheckContext
from cfglint.families.base import root_mapping
from cfglint.families.kohya_gui import (
    GUI_DEFAULTS,
    MAIN_TAB_MARKERS,
    SD_SCRIPTS_NAMES,
    TAB_MARKERS,
)
from cfglint.findings import Finding, Fix
from cfglint.source.document import Scalar, Span, resolve_alias

# renames whose values mean the same to the GUI (LoRA_type takes the GUI's own labels)
_SAME_VALUES = frozenset({"optimizer_type", "resolution"})


def run(ctx: CheckContext) -> Iterable[Finding]:
    root = root_mapping(ctx.doc)
    if root is None or ctx.doc.format != "json":
        return
    keys = set(root.keys())
    if not keys & MAIN_TAB_MARKERS:
        return  # nothing says which GUI tab reads this file
    for name, (gui_name, other_tab) in SD_SCRIPTS_NAMES.items():
        entry = root.entry(name)
        if entry is None or gui_name in keys:
            continue
        if other_tab is not None and keys & TAB_MARKERS[other_tab]:
            continue
        value = resolve_alias(entry.value)
        if not isinstance(value, Scalar) or value.value in (None, ""):
            continue
        fix = None
        if name in _SAME_VALUES:
            try:
                fix = Fix("unsafe", f"rename `{name}` to `{gui_name}`, the name the GUI reads",
                          [rename_key(ctx.doc, entry.key, gui_name)], [(name,), (gui_name,)])
            except EditError:
                fix = None
        default = GUI_DEFAULTS[gui_name]
        yield ctx.finding(
            Span(entry.key.span.start, entry.value.span.end),
            f"`{name}` is sd-scripts' option name; the kohya_ss GUI reads `{gui_name}` and "
            f"ignores `{name}`, so this preset loads with the GUI default {gui_name} = "
            f"{default!r} and {value.value!r} is never used; rename the key to `{gui_name}`"
            + ("" if name in _SAME_VALUES else " with the GUI's own label for it"),
            (name,), fix)
