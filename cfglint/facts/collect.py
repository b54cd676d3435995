"""``facts_for``: the facts stage, the one entry point the pipeline and the probe use.

It runs the trainer module's adapter (``Family.facts``), applies the user mapping from
settings (``[tool.cfglint.mapping]``: canonical name → dotted native key path), and then
computes the trainer-neutral derived facts from whatever is known, so a mapping feeds
the same arithmetic as a built-in adapter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cfglint.facts import formulas
from cfglint.facts.builder import MISSING, FactBuilder
from cfglint.facts.derive import derive_common
from cfglint.facts.model import Facts
from cfglint.facts.values import parse_scalar_text, path_from_dotted
from cfglint.source.document import Document

if TYPE_CHECKING:
    from cfglint.families.base import Family
    from cfglint.gpus import Gpu


def facts_for(doc: Document, family: Family, mapping: dict[str, str] | None = None,
              gpu: Gpu | None = None) -> Facts:
    """Canonical facts of ``doc`` read as ``family``, with the user mapping applied.

    A mapping value is a dotted key path (``quality.ema.use_ema_weights_for_inference``,
    ``a.b[0].c``) read with the family's scalar typing; a value starting with ``=``
    is a literal (``"=constant"``, ``"=true"``, ``"=2600"``) for semantics the file
    cannot state, such as ``ema.schedule``. Mapped facts replace the adapter's. ``gpu``
    is the settings' ``target-gpu``: the hardware the run is meant for.
    """
    if doc.root is None:
        return Facts(family.name)
    facts = family.facts(doc)
    if mapping:
        apply_mapping(doc, family, facts, mapping)
    if gpu is not None:
        note = f"settings `target-gpu` = {gpu.name!r}"
        facts.set("gpu.name", gpu.name, "mapped", doc.path, None, None, note)
        facts.set("gpu.compute_capability", gpu.compute_capability, "mapped", doc.path, None,
                  None, note)
        facts.set("gpu.bf16", gpu.bf16, "mapped", doc.path, None, None,
                  f"{note}: native bf16 needs compute capability 8.0 or newer")
    return derive_common(facts)


def apply_mapping(doc: Document, family: Family, facts: Facts,
                  mapping: dict[str, str]) -> Facts:
    b = FactBuilder(doc, family)
    b.facts = facts
    for canon, target in sorted(mapping.items()):
        if not isinstance(target, str) or not target.strip():
            continue
        text = target.strip()
        if text.startswith("="):
            value: Any = parse_scalar_text(text[1:])
            facts.set(canon, value, "mapped", doc.path, None, None,
                      f"set in [tool.cfglint.mapping]: {canon} = {text!r}")
            continue
        path = path_from_dotted(text)
        if b.read(path) is MISSING:
            continue
        b.explicit(canon, path, note=f"mapped from {text} ([tool.cfglint.mapping])")
    return facts


def expression_functions(facts: Facts) -> dict[str, Callable[..., Any]]:
    """``ema_init_share(n)`` and ``lr_at(step)`` bound to these facts, for rule expressions."""
    values = {name: fact.value for name, fact in facts.items.items()}
    return dict(formulas.bound_functions(values))
