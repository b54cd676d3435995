"""Canonical facts: trainer-neutral values with provenance.

Adapters in ``cfglint/families/`` map each trainer's native keys onto the
canonical names of facts/names.py (``lr``, ``optimizer.name``, ``ema.decay``, ...).
Every Fact says what the trainer will see, where it came from (``explicit`` in
the file, trainer ``default``, ``derived``, ``mapped``: a literal from the user
mapping), and where it is in which file, so a finding can point at it and a fix
can edit (or insert) the native key.
A fact that cannot be known statically is ``Unknown``; rules that need it are
not evaluated instead of guessing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from cfglint.source.document import KeyPath, Span

Origin = Literal["explicit", "default", "derived", "mapped"]


@dataclass(frozen=True)
class Unknown:
    """A value that cannot be known statically, with the reason (shown by --explain)."""

    reason: str = "unknown"

    def __bool__(self) -> bool:  # pragma: no cover - guarded by the evaluator
        raise TypeError("Unknown has no truth value; the rule engine must propagate it")


@dataclass(frozen=True)
class Unusable(Unknown):
    """A number no trainer can use (NaN, an infinity, beyond 64 bits): unknown to every rule;
    CFG008 reports it on its key."""


def _usable(name: str, value: Any) -> Any:
    """``value``, or Unusable when it is (or a list holds) a number no trainer can use."""
    from cfglint.facts.values import INFINITY_MEANS_OFF, unusable_number

    items = value if isinstance(value, list | tuple) else (value,)
    for item in items:
        if item == float("inf") and name in INFINITY_MEANS_OFF:
            continue
        why = unusable_number(item)
        if why is not None:
            return Unusable(f"{name} is {why}")
    return value


def is_known(value: Any) -> bool:
    return not isinstance(value, Unknown)


@dataclass
class Fact:
    """One canonical value.

    ``key``/``span`` locate the native key that holds the value (for defaults:
    the native key path the trainer would read, and ``span`` of the closest
    existing ancestor so findings still point somewhere useful). ``note`` is the
    explanation trace of a derived fact; ``inputs`` names the facts it was computed
    from, so a finding can say which keys it depends on.
    """

    value: Any
    origin: Origin = "explicit"
    file: str = ""
    key: KeyPath | None = None
    span: Span | None = None
    note: str = ""
    inputs: tuple[str, ...] = ()


# Facts that only a training config states; a file with none of them is not one.
TRAINING_FACTS = ("lr", "optimizer.name", "total_steps", "epochs", "precision.mixed",
                  "scheduler.name", "warmup.raw", "lora.rank", "ema.decay")


@dataclass
class Facts:
    """Canonical name → Fact for one training run (possibly several files)."""

    family: str
    items: dict[str, Fact] = field(default_factory=dict)

    def set(self, name: str, value: Any, origin: Origin = "explicit", file: str = "",
            key: KeyPath | None = None, span: Span | None = None, note: str = "",
            inputs: tuple[str, ...] = ()) -> Fact:
        fact = Fact(_usable(name, value), origin, file, key, span, note, inputs)
        self.items[name] = fact
        return fact

    def keys_behind(self, names: list[str]) -> list[KeyPath]:
        """The native keys the named facts come from, following derived facts to their
        inputs (each fact once, in order of first appearance)."""
        out: list[KeyPath] = []
        seen: set[str] = set()
        stack = list(reversed(names))
        while stack:
            name = stack.pop()
            fact = self.items.get(name)
            if name in seen or fact is None:
                continue
            seen.add(name)
            if fact.key and tuple(fact.key) not in out:
                out.append(tuple(fact.key))
            stack += reversed(fact.inputs)
        return out

    def get(self, name: str) -> Fact | None:
        return self.items.get(name)

    def value(self, name: str, default: Any = None) -> Any:
        fact = self.items.get(name)
        if fact is None:
            return Unknown(f"{name} is not known for {self.family}") if default is None else default
        return fact.value

    def describe_training(self) -> bool:
        """The file itself states at least one training setting."""
        return any(f.origin in ("explicit", "mapped") for n in TRAINING_FACTS
                   if (f := self.items.get(n)) is not None)

    def __contains__(self, name: str) -> bool:
        return name in self.items

    def __iter__(self) -> Iterator[str]:
        return iter(self.items)
