"""What the registry checks hand back to the schema engine, and what they read from it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, TypeVar

from cfglint.findings import Severity
from cfglint.repo.declare import OpenRegistry
from cfglint.source.document import KeyPath, Scalar, Span


@dataclass
class Verdict:
    code: str
    span: Span
    path: KeyPath
    message: str
    severity: Severity | None = None  # None: the rule's own severity


class Problem(Protocol):
    """What the schema engine's errors expose for ``finish`` to revise."""

    code: str
    path: KeyPath
    missing: str | None


P = TypeVar("P", bound=Problem)


@dataclass
class Noted:
    """A value that names a registry entry, as the schema engine met it."""

    reg: OpenRegistry
    path: KeyPath
    node: Scalar
    value: str
    upstream: tuple[str, ...]  # upstream's names, from the schema at that key


def label(path: KeyPath) -> str:
    """The key as messages name it: the last key, with list indices after it."""
    out = ""
    for part in reversed(path):
        if isinstance(part, int):
            out = f"[{part}]" + out
        else:
            return part + out
    return out or "the document"
