"""What is true about LoRA's alpha and rank, said where a space's guard or range involves
them: α/r scales the adapter's output, which under Adam acts as a multiplier on the
learning rate (LoRA, arXiv 2106.09685 §4.1); it is not a regulariser and not weight decay."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cfglint.space import expr as E
from cfglint.space.context import survey_of
from cfglint.space.model import Expr, Space
from cfglint.space.points import key_expressions

if TYPE_CHECKING:
    from cfglint.engine.context import CheckContext

TRUTH = ("α/r scales the adapter's output, which under Adam acts as a multiplier on the "
         "learning rate (the effective LR is lr·α/r; LoRA, arXiv 2106.09685 §4.1): α = r is "
         "not a lack of regularisation and α < r is not weight decay, only a smaller "
         "effective LR")


def lora_keys(ctx: CheckContext) -> tuple[str, str] | None:
    """The config keys the trainer reads as LoRA alpha and rank."""
    survey = survey_of(ctx)
    if survey is None or not survey.facts:
        return None
    alpha, rank = survey.facts[0].get("lora.alpha"), survey.facts[0].get("lora.rank")
    if alpha is None or rank is None or not alpha.key or not rank.key \
            or alpha.origin != "explicit" or rank.origin != "explicit":
        return None
    return str(alpha.key[0]), str(rank.key[0])


def lora_note(ctx: CheckContext, space: Space, cond: Expr) -> str | None:
    """The truth about α and r when ``cond`` compares the values the trainer reads as
    both."""
    keys = lora_keys(ctx)
    if keys is None:
        return None
    exprs = key_expressions(space, ctx.settings)
    alpha, rank = (exprs.get(k) for k in keys)
    if alpha is None or rank is None:
        return None
    needed = E.params_in(alpha) | E.params_in(rank)
    if not E.params_in(alpha) or not E.params_in(rank) or not needed <= E.params_in(cond):
        return None
    return f"It compares {keys[0]} (LoRA alpha) with {keys[1]} (rank): {TRUTH}"
