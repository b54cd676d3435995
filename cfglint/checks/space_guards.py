"""CFG905: a guard that can never fire over the space (dead protection)."""

from __future__ import annotations

from collections.abc import Iterable

from cfglint.engine.context import CheckContext
from cfglint.findings import Finding
from cfglint.space import expr as E
from cfglint.space.analysis import guard_verdict, ranges_text
from cfglint.space.context import space_of
from cfglint.space.lora import lora_note


def run(ctx: CheckContext) -> Iterable[Finding]:
    space = space_of(ctx)
    if space is None:
        return
    for g in space.guards:
        if g.kind != "prune" or guard_verdict(g, space) != "never":
            continue
        test = ctx.doc.text[g.test.start:g.test.end]
        names = E.params_in(g.cond)
        message = (f"this guard never fires: `{test}` is false on every point of the space "
                   f"({ranges_text(names, space)}), so it prunes nothing and protects "
                   "nothing; tighten it or remove it")
        note = lora_note(ctx, space, g.cond)
        yield ctx.finding(g.test, message + (f". {note}" if note else ""))
