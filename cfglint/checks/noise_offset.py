"""CFG503: noise offset too high for an ε/v model, or set on a flow-matching model;
kohya ``adaptive_noise_scale`` without ``noise_offset``.

The message depends on the trainer: sd-scripts applies ``noise_offset`` only in its
SD/SDXL noise path (``library/train_util.py::get_noise_noisy_latents_and_timesteps``);
its Flux/SD3 scripts never read it. ai-toolkit adds the offset for every model,
flow matching included (``jobs/process/BaseSDTrainProcess.py``).
"""

from __future__ import annotations

from collections.abc import Iterable

from cfglint.edit import EditError, set_path
from cfglint.engine.context import CheckContext
from cfglint.facts.model import Fact
from cfglint.facts.values import as_number
from cfglint.families.base import Program
from cfglint.findings import Finding, Fix
from cfglint.source.document import Span


def run(ctx: CheckContext) -> Iterable[Finding]:
    facts = ctx.facts
    high = float(ctx.params.get("threshold", 0.1))
    suggested = float(ctx.params.get("suggested", 0.0357))
    fact = facts.get("noise.offset")
    offset = as_number(fact.value) if fact is not None else None

    yield from _adaptive_without_offset(ctx, facts.get("noise.adaptive_scale"), fact)

    if fact is None or fact.span is None or offset is None or offset <= 0:
        return
    pred_fact = facts.get("model.prediction")
    pred = pred_fact.value if pred_fact is not None else None
    key = tuple(fact.key or ())
    if pred == "flow":
        model = facts.value("model.family", "a flow-matching model")
        if ctx.family.program is Program.SD_SCRIPTS:
            msg = (f"noise_offset {offset:g} on {model}: sd-scripts' Flux/SD3/Lumina scripts "
                   "never apply noise_offset (only the SD/SDXL noise path does), so this "
                   "setting does nothing")
        else:
            msg = (f"noise_offset {offset:g} on a flow-matching model ({model}): offset noise "
                   "was devised for ε/v DDPM schedules that never reach pure noise; flow "
                   "matching already trains at pure noise, so its effect there is not the "
                   "documented one and no recommended value exists")
        yield ctx.finding(fact.span, msg, key, severity="info",
                          depends_on=tuple(facts.keys_behind(["model.prediction"])))
        return
    if offset <= high:
        return
    twice = offset > 2 * high
    msg = (f"noise_offset {offset:g} is above {high:g} (kohya's guidance is about 0.1; SDXL "
           f"base was trained with 0.0357)"
           + ("; it is more than twice that, and large offsets are reported to flip or wash "
              "out colours (sd-scripts #1173)" if twice else "")
           + f"; try {suggested:g}–{high:g}")
    fix = None
    if fact.key is not None:
        try:
            fix = Fix("suggest", f"set noise_offset to {high:g}",
                      [set_path(ctx.doc, tuple(fact.key), high)], [tuple(fact.key)])
        except EditError:
            fix = None
    yield ctx.finding(fact.span, msg, key, fix)


def _adaptive_without_offset(ctx: CheckContext, adaptive: Fact | None,
                             offset: Fact | None) -> Iterable[Finding]:
    """sd-scripts' ``verify_training_args`` rejects adaptive_noise_scale alone (the adapters
    that model that check record ``noise.adaptive_scale``)."""
    if adaptive is None or adaptive.origin != "explicit" or not adaptive.key:
        return
    if offset is not None and offset.origin == "explicit":
        return
    path = tuple(adaptive.key)
    entry = ctx.doc.find_entry(path)
    if entry is None:
        return
    span = Span(entry.key.span.start, entry.value.span.end)
    yield ctx.finding(span, "adaptive_noise_scale is set without noise_offset: sd-scripts "
                      "stops with a ValueError before training (verify_training_args)", path,
                      severity="error")
