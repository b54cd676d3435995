"""What the space checks share: the file's space, read once per file, and the trainer
survey of its points, computed once for the checks that need it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cfglint.space.model import Param, Space

if TYPE_CHECKING:
    from cfglint.engine.context import CheckContext
    from cfglint.space.points import Survey


def space_of(ctx: CheckContext) -> Space | None:
    cache = ctx.file.cache
    if "space" not in cache:
        cache["space"] = ctx.family.space(ctx.doc)
    found: Space | None = cache["space"]
    return found


def survey_of(ctx: CheckContext) -> Survey | None:
    """The space's points linted as its trainer's configs (None when the trainer or the
    config keys the values reach are not known)."""
    cache = ctx.file.cache
    if "survey" not in cache:
        from cfglint.space.points import survey
        from cfglint.space.regions import trainer_for

        space = space_of(ctx)
        trainer = trainer_for(space, ctx.settings) if space is not None else None
        cache["survey"] = survey(space, trainer, ctx.settings) if space and trainer else None
    found: Survey | None = cache["survey"]
    return found


def where(p: Param) -> str:
    """How a parameter is named in messages."""
    return f"`{p.name}`" if not p.name.startswith("<") else f"the parameter named {p.name[1:-1]}"
