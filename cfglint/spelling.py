"""Did-you-mean: the closest valid choice for a value, and the key a near-miss key was
meant to be. One place, so every message guesses the same way."""

from __future__ import annotations

from collections.abc import Iterable

MIN_NEAR_MISS = 4  # shorter keys (lr, eps, ema) are too close to everything to guess


def closest(value: str, choices: Iterable[str], cutoff: float = 0.5) -> str | None:
    """The choice ``value`` most likely meant: a case-insensitive match, else the nearest
    by difflib's ratio (imported only when a value is wrong)."""
    lowered = {c.lower(): c for c in choices}
    if value.lower() in lowered:
        return lowered[value.lower()]
    import difflib

    found = difflib.get_close_matches(value.lower(), list(lowered), n=1, cutoff=cutoff)
    return lowered[found[0]] if found else None


def near_miss(name: str, known: Iterable[str]) -> str | None:
    """The one key of ``known`` that ``name`` is a slip of the keyboard away from: the same
    but for case, or one character inserted, dropped, replaced or two neighbours swapped.
    Nothing when the keys differ only in digits (``beta1``/``beta2``, ``pixel_opt2``), when
    either is shorter than ``MIN_NEAR_MISS``, or when two keys are that close."""
    found = [k for k in known if k != name and _slip(name, k)]
    return found[0] if len(found) == 1 else None


def _slip(a: str, b: str) -> bool:
    if min(len(a), len(b)) < MIN_NEAR_MISS:
        return False
    same_but_case = a.lower() == b.lower()
    if not same_but_case and abs(len(a) - len(b)) > 1:
        return False  # no edit of one character apart: decided before any work per character
    if _strip_digits(a) == _strip_digits(b):
        return False
    return same_but_case or _one_edit(a, b)


def _strip_digits(s: str) -> str:
    return "".join(c for c in s if not c.isdigit()).rstrip("_")


def _one_edit(a: str, b: str) -> bool:
    """Optimal-string-alignment distance exactly 1."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (len(diff) == 2 and diff[1] == diff[0] + 1
                and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1:]
