"""CFG703: two keys that state the same quantity.

Known pairs, each with the trainer's rule for which one wins:

* kohya_ss GUI: ``lr_warmup`` (percent of the steps) and ``lr_warmup_steps`` (absolute).
  ``kohya_ss:kohya_gui/common_gui.py::resolve_lr_warmup_steps``: an override > 0 wins and
  the GUI logs a warning when the percentage is also non-zero.
* ai-toolkit: ``train.gradient_accumulation`` and legacy ``train.gradient_accumulation_steps``
  (``toolkit/config_modules.py``; both > 1 is a ValueError, reported by CFG310).
* protein_lig_sedd fork: ``lr_schedule.warmup_steps`` / ``lr_schedule.max_steps`` are read by
  no trainer; ``optim.warmup`` and ``training.n_iters`` drive the hard-coded WarmupCosineLR.
* custom scripts: ``training_method: full`` next to a non-empty ``lora:`` block.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cfglint.engine.context import CheckContext
from cfglint.facts.values import as_int, as_number, gui_float
from cfglint.families.base import Program
from cfglint.findings import Finding
from cfglint.source.document import KeyPath, Mapping, Scalar, Span, resolve_alias


def _num(v: Any) -> float | None:
    n = as_number(v)
    return None if n is None else float(n)


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _key_span(ctx: CheckContext, path: KeyPath) -> Span | None:
    entry = ctx.doc.find_entry(path)
    if entry is None:
        return None
    return Span(entry.key.span.start, entry.value.span.end)


def _value(ctx: CheckContext, path: KeyPath) -> Any:
    node = resolve_alias(ctx.doc.find(path))
    if isinstance(node, Scalar):
        return ctx.family.value(node, ctx.doc.format)
    return None if node is None else node


def run(ctx: CheckContext) -> Iterable[Finding]:
    program = ctx.family.program
    if program is Program.SD_SCRIPTS:
        yield from _percent_and_absolute_warmup(ctx)
    elif program is Program.AI_TOOLKIT:
        yield from _ai_toolkit(ctx)
    elif program is Program.SEDD:
        yield from _sedd_fork(ctx)
    elif program is Program.UNKNOWN:
        yield from _full_with_lora(ctx)


def _percent_and_absolute_warmup(ctx: CheckContext) -> Iterable[Finding]:
    """A percentage warmup overridden by an absolute one (the kohya_ss GUI's pair)."""
    raw, override = ctx.facts.get("warmup.raw"), ctx.facts.get("warmup.override")
    if (raw is None or override is None or not raw.key or not override.key
            or ctx.facts.value("warmup.unit", "") != "percent"):
        return
    pct_path, steps_path = tuple(raw.key), tuple(override.key)
    span = _key_span(ctx, steps_path)
    if span is None or ctx.doc.find(pct_path) is None:
        return
    pct = gui_float(_value(ctx, pct_path), 0.0)
    steps = gui_float(_value(ctx, steps_path), 0.0)
    if not isinstance(pct, float) or not isinstance(steps, float) or steps <= 0 or pct == 0:
        return
    total = as_int(ctx.facts.value("total_steps", -1))
    if total is not None and total > 0:
        from_pct = int(total * pct / 100)
        if from_pct == int(steps):
            yield ctx.finding(span, f"lr_warmup {pct:g}% and lr_warmup_steps {int(steps)} agree "
                              f"({total} steps); the GUI uses lr_warmup_steps, so keep one of "
                              "them", steps_path, severity="info",
                              depends_on=(pct_path, *ctx.facts.keys_behind(["total_steps"])))
            return
        detail = f"lr_warmup {pct:g}% of {total} steps would be {from_pct}"
    else:
        detail = f"lr_warmup {pct:g}% is ignored"
    yield ctx.finding(span, f"lr_warmup_steps {int(steps)} overrides lr_warmup {pct:g}%: "
                      f"{detail}; the kohya_ss GUI uses the absolute value whenever it is > 0 "
                      "and only logs a warning", steps_path,
                      depends_on=(pct_path, *ctx.facts.keys_behind(["total_steps"])))


def _ai_toolkit(ctx: CheckContext) -> Iterable[Finding]:
    facts = ctx.facts
    new, old = facts.get("accum.new"), facts.get("accum.legacy")
    if new is None or old is None or new.origin != "explicit" or old.origin != "explicit":
        return
    n, o = as_int(new.value), as_int(old.value)
    if n is None or o is None or old.key is None or old.span is None:
        return
    if n > 1 and o != 1:
        return  # ai-toolkit raises a ValueError: CFG310 reports it as an error
    key = tuple(old.key)
    if n == o:
        yield ctx.finding(old.span, f"gradient_accumulation and gradient_accumulation_steps are "
                          f"both {n}: the values agree, but ai-toolkit's two keys mean "
                          "different things; keep gradient_accumulation only", key,
                          severity="info")
    elif n > 1:
        yield ctx.finding(old.span, f"gradient_accumulation {n} is used; the legacy "
                          "gradient_accumulation_steps 1 beside it is inert, delete it", key,
                          severity="info")
    else:
        yield ctx.finding(old.span, f"gradient_accumulation_steps {o} (legacy) is what "
                          f"ai-toolkit uses, not gradient_accumulation {n}: it accumulates {o} "
                          "micro-batches per optimizer step and train.steps counts micro-batches, "
                          f"so the run makes {o}× fewer optimizer steps than train.steps says",
                          key)


_FORK_PAIRS = ((("lr_schedule", "warmup_steps"), ("optim", "warmup"), "warmup steps"),
               (("lr_schedule", "max_steps"), ("training", "n_iters"), "schedule horizon"))


def _sedd_fork(ctx: CheckContext) -> Iterable[Finding]:
    if not isinstance(resolve_alias(ctx.doc.find(("lr_schedule",))), Mapping):
        return
    for dead, live, what in _FORK_PAIRS:
        span = _key_span(ctx, dead)
        if span is None or ctx.doc.find(live) is None:
            continue
        d, lv = _num(_value(ctx, dead)), _num(_value(ctx, live))
        if d is None or lv is None:
            continue
        dn, ln = ".".join(dead), ".".join(live)
        ds, ls = _fmt(d), _fmt(lv)
        if d == lv:
            yield ctx.finding(span, f"{dn} and {ln} both say {ls}; only {ln} is read by the "
                              f"protein_lig_sedd trainers, so {dn} is a copy that can drift",
                              dead, severity="info")
        else:
            yield ctx.finding(span, f"{dn} is {ds}, but the {what} the run uses is {ln} = {ls}: "
                              f"no protein_lig_sedd trainer reads lr_schedule.*, the "
                              f"WarmupCosineLR is built from {ln}", dead)


def _full_with_lora(ctx: CheckContext) -> Iterable[Finding]:
    facts = ctx.facts
    method = facts.get("method")
    if method is None or method.origin != "explicit" or str(method.value).lower() != "full":
        return
    root = resolve_alias(ctx.doc.root)
    if not isinstance(root, Mapping):
        return
    candidates: list[KeyPath] = [("lora",)]
    for e in root.entries:
        if isinstance(resolve_alias(e.value), Mapping):
            candidates.append((e.name, "lora"))
    for path in candidates:
        node = resolve_alias(ctx.doc.find(path))
        if not isinstance(node, Mapping) or not node.entries:
            continue
        span = _key_span(ctx, path)
        if span is None:
            continue
        keys = ", ".join(f"{e.name} {e.value.raw}" if isinstance(e.value, Scalar) else e.name
                         for e in node.entries[:4])
        mkey = ".".join(map(str, method.key or ("training_method",)))
        yield ctx.finding(span, f"{mkey} is `full` but `{'.'.join(map(str, path))}` is filled in "
                          f"({keys}): a full fine-tune trains the weights themselves and never "
                          "reads the LoRA settings, so one of the two blocks does not describe "
                          "the run", path)
        return
