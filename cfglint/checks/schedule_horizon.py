"""CFG307: the LR scheduler's horizon does not match the length of the run.

A condition over facts cannot say this well: each scheduler keeps its horizon in a
different shape (a ``T_max``, a list of ``milestones``, a list of ``periods``) and
each case points at a different key. The arithmetic is small, so it lives here:

* torch ``CosineAnnealingLR`` (traiNNer-redux ``COSINEANNEALINGLR``): the closed form
  is periodic in ``T_max``, so after ``T_max`` steps the LR climbs back towards its
  peak. ``T_max < total_iter`` is a warning.
* ``MultiStepLR`` / BasicSR ``MultiStepRestartLR``: a milestone past ``total_iter`` is a
  decay that never happens (warning). A milestone *equal* to ``total_iter`` is the idiom
  Real-ESRGAN's configs use for "no decay" and is not reported.
* BasicSR / traiNNer ``CosineAnnealingRestartLR``: the cumulative ``periods`` must
  cover the run. When they end early, ``get_position_from_periods`` finds no period
  and the scheduler fails at iteration ``sum(periods) + 1`` (BasicSR: a TypeError from
  indexing with None; traiNNer-redux raises ValueError)
  (error); when they end late, the last cosine is cut off before it reaches
  ``eta_min`` (warning).
* ai-toolkit ``cosine`` / ``cosine_with_restarts``: ``BaseSDTrainProcess`` injects
  ``total_iters = train.steps`` (unless ``max_iterations`` is given) and
  ``toolkit/scheduler.py`` renames it to ``T_max`` / ``T_0``, so a ``T_max`` or
  ``T_0`` written in ``lr_scheduler_params`` is replaced (warning).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cfglint.engine.context import CheckContext
from cfglint.facts.model import Facts, Unknown
from cfglint.facts.values import as_int
from cfglint.families.base import Program
from cfglint.findings import Finding
from cfglint.source.document import KeyPath, Scalar, Sequence, resolve_alias

_MULTISTEP = ("multisteplr", "multisteprestartlr")
_RESTART = ("cosineannealingrestartlr",)
_COSINE = ("cosineannealinglr",)


def _known(facts: Facts, name: str) -> Any:
    fact = facts.get(name)
    if fact is None or isinstance(fact.value, Unknown):
        return None
    return fact.value


def _total_keys(facts: Facts) -> tuple[KeyPath, ...]:
    """The keys the run length comes from (a horizon finding depends on them)."""
    return tuple(facts.keys_behind(["total_steps"]))


def _ints(ctx: CheckContext, path: KeyPath) -> list[tuple[int, Scalar]] | None:
    """Integer items of the sequence at ``path`` with their nodes (None if not all ints)."""
    node = resolve_alias(ctx.doc.find(path))
    if not isinstance(node, Sequence):
        return None
    out: list[tuple[int, Scalar]] = []
    for raw in node.items:
        item = resolve_alias(raw)
        if not isinstance(item, Scalar):
            return None
        value = as_int(ctx.family.value(item, ctx.doc.format))
        if value is None:
            return None
        out.append((value, item))
    return out


def run(ctx: CheckContext) -> Iterable[Finding]:
    facts = ctx.facts
    name = _known(facts, "scheduler.name")
    if not isinstance(name, str):
        return []
    name = name.lower()
    if ctx.family.program is Program.AI_TOOLKIT:
        return list(_ai_toolkit(ctx, facts, name))
    if ctx.family.program not in (Program.BASICSR, Program.TRAINNER):
        return []
    total = as_int(_known(facts, "total_steps"))
    if total is None or total <= 0:
        return []
    return list(_basicsr(ctx, facts, name, total))


def _basicsr(ctx: CheckContext, facts: Facts, name: str, total: int) -> Iterable[Finding]:
    S: KeyPath = ("train", "scheduler")
    doc = ctx.doc
    if name in _COSINE:
        node = resolve_alias(doc.find((*S, "T_max")))
        t_max = as_int(ctx.family.value(node, doc.format)) if isinstance(node, Scalar) else None
        if node is not None and t_max is not None and 0 < t_max < total:
            yield ctx.finding(
                node.span,
                f"CosineAnnealingLR T_max {t_max} is shorter than total_iter {total}: torch's "
                f"cosine is periodic, so the LR reaches its minimum at iteration {t_max} and "
                f"then climbs back towards the peak for the remaining {total - t_max} "
                f"iterations; set T_max to {total}",
                (*S, "T_max"), severity="warning", depends_on=_total_keys(facts))
    elif name in _MULTISTEP:
        items = _ints(ctx, (*S, "milestones"))
        for value, node in items or []:
            if value > total:
                yield ctx.finding(
                    node.span,
                    f"milestone {value} is past total_iter {total}: this LR decay never "
                    f"happens, so the run ends at a higher LR than the schedule implies",
                    node.path, severity="warning", depends_on=_total_keys(facts))
    elif name in _RESTART:
        items = _ints(ctx, (*S, "periods"))
        if not items:
            return
        span_of = resolve_alias(doc.find((*S, "periods")))
        assert span_of is not None
        covered = sum(v for v, _ in items)
        raised = "a ValueError" if ctx.family.program is Program.TRAINNER else "a TypeError"
        if covered < total:
            yield ctx.finding(
                span_of.span,
                f"periods sum to {covered} but total_iter is {total}: CosineAnnealingRestartLR "
                f"finds no period for iteration {covered + 1} and the run stops there with "
                f"{raised}; make the "
                f"periods sum to {total}",
                (*S, "periods"), severity="error", depends_on=_total_keys(facts))
        elif covered > total:
            yield ctx.finding(
                span_of.span,
                f"periods sum to {covered} but total_iter is {total}: the last cosine cycle is "
                f"cut off {covered - total} iterations before it reaches eta_min; make the "
                f"periods sum to {total}",
                (*S, "periods"), severity="warning", depends_on=_total_keys(facts))


def _ai_toolkit(ctx: CheckContext, facts: Facts, name: str) -> Iterable[Finding]:
    horizon = {"cosine": "T_max", "cosine_with_restarts": "T_0"}.get(name)
    loop = facts.get("steps.loop")
    if horizon is None or loop is None or not loop.key:
        return
    train_key = tuple(loop.key[:-1])  # config.process[i].train
    params: KeyPath = (*train_key, "lr_scheduler_params")
    if ctx.doc.find((*params, "max_iterations")) is not None:
        return
    node = resolve_alias(ctx.doc.find((*params, horizon)))
    if not isinstance(node, Scalar):
        return
    steps = as_int(loop.value)
    yield ctx.finding(
        node.span,
        f"`{horizon}: {node.raw}` is replaced: ai-toolkit passes total_iters = train.steps "
        f"({steps if steps is not None else '?'}) to the scheduler as {horizon} unless "
        f"lr_scheduler_params.max_iterations is set, so this value is never used",
        (*params, horizon), severity="warning", depends_on=(tuple(loop.key),))
