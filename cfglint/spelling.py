"""Did-you-mean: the closest valid choice for a value. One place, so every message guesses
the same way."""

from __future__ import annotations

from collections.abc import Iterable


def closest(value: str, choices: Iterable[str], cutoff: float = 0.5) -> str | None:
    """The choice ``value`` most likely meant: a case-insensitive match, else the nearest
    by difflib's ratio (imported only when a value is wrong)."""
    lowered = {c.lower(): c for c in choices}
    if value.lower() in lowered:
        return lowered[value.lower()]
    import difflib

    found = difflib.get_close_matches(value.lower(), list(lowered), n=1, cutoff=cutoff)
    return lowered[found[0]] if found else None
