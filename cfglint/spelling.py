"""Did-you-mean: the closest valid choice for a value, and the key a near-miss key was
meant to be. One place, so every message guesses the same way."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

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
    if len(name) < MIN_NEAR_MISS:
        return None
    known = tuple(known)
    by_variant, by_lower, lengths, long_keys = _index(known)
    # a slip is one character inserted, dropped, replaced or two neighbours swapped: then
    # the two keys share a string made by dropping at most one character from each (as
    # SymSpell finds them); or the keys are the same but for case. Only keys that do are
    # compared (a key known twice counts twice, as in the list)
    n = len(name)
    variants = [name, *_dropped(name)] if n in lengths or n - 1 in lengths else [name]
    places = {i for v in variants for i in by_variant.get(v, ())}
    places.update(by_lower.get(name.lower(), ()))
    places.update(long_keys)
    found = [known[i] for i in sorted(places) if known[i] != name and _slip(name, known[i])]
    return found[0] if len(found) == 1 else None


def _dropped(key: str) -> list[str]:
    """``key`` with one of its characters dropped, each way."""
    return [key[:i] + key[i + 1:] for i in range(len(key))]


_Index = tuple[dict[str, list[int]], dict[str, list[int]], frozenset[int], tuple[int, ...]]
# keys longer than this are compared one by one (their shorter forms would be many and long)
_INDEXED_LENGTH = 64


@lru_cache(maxsize=64)
def _index(known: tuple[str, ...]) -> _Index:
    """Where each known key is, by itself and each one-character-shorter form of it, and by
    its lower case, and the keys' lengths (a schema's keys are checked against every unknown
    key of a file: thousands, in a generated one). A name's shorter forms can meet only
    those of a key as long as it or one shorter; the lengths are those of indexed keys, and
    the positions of longer keys come last."""
    by_variant: dict[str, list[int]] = {}
    by_lower: dict[str, list[int]] = {}
    long_keys: list[int] = []
    for i, k in enumerate(known):
        if len(k) > _INDEXED_LENGTH:
            long_keys.append(i)
            continue
        for v in dict.fromkeys((k, *_dropped(k))):
            by_variant.setdefault(v, []).append(i)
        by_lower.setdefault(k.lower(), []).append(i)
    lengths = frozenset(len(k) for k in known if len(k) <= _INDEXED_LENGTH)
    return by_variant, by_lower, lengths, tuple(long_keys)


def _slip(a: str, b: str) -> bool:
    if min(len(a), len(b)) < MIN_NEAR_MISS:
        return False
    if not (a.lower() == b.lower() or _one_edit(a, b)):
        return False  # not a slip at all: no character is compared twice
    return _strip_digits(a) != _strip_digits(b)  # digits alone make a sibling, not a slip


def _strip_digits(s: str) -> str:
    return "".join(c for c in s if not c.isdigit()).rstrip("_")


def _one_edit(a: str, b: str) -> bool:
    """Optimal-string-alignment distance exactly 1."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff: list[int] = []
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                diff.append(i)
                if len(diff) > 2:
                    return False
        if len(diff) == 1:
            return True
        return (len(diff) == 2 and diff[1] == diff[0] + 1
                and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1:]
