"""What the registry checks hand back to the schema engine, and what they read from it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple, Protocol, TypeVar

from cfglint.findings import Fix, Severity
from cfglint.repo.declare import OpenRegistry
from cfglint.source.document import KeyPath, Scalar, Span


@dataclass
class Verdict:
    """What a repository's own code says about one key, before it becomes a Finding."""

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


class UpstreamOnly(NamedTuple):
    """A problem that holds against upstream's code only: a key its strict loader rejects
    (``key``), a name its code does not branch on (``choice``). A fork may accept either."""

    kind: str  # "key" | "choice" | "type" | "ignored" (a key upstream drops unread: evidence)
    name: str  # the key, or the value
    where: str  # where the key is, as the message says it ("at the top level", "here")
    slip: bool  # one keystroke from something upstream reads: a typo, never a fork's


class Revisable(Problem, Protocol):
    """What ``cfglint.repo.forks`` revises: the message, severity and fix of a problem."""

    message: str
    severity: Severity | None
    fix: Fix | None
    upstream: UpstreamOnly | None


R = TypeVar("R", bound=Revisable)


@dataclass
class Noted:
    """A value that names a registry entry, as the schema engine met it."""

    reg: OpenRegistry
    path: KeyPath
    node: Scalar
    value: str
    upstream: tuple[str, ...]  # upstream's names, from the schema at that key
