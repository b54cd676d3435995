"""New, fixed or existing: the two sides of a change compared by fingerprint.

A fingerprint never contains a line number (``cfglint.fingerprint``), so a finding that
only moved, or whose quoted value changed, is the same finding on both sides.
"""

from __future__ import annotations

from dataclasses import dataclass

from cfglint.findings import SEVERITY_RANK, Finding
from cfglint.fingerprint import finding_hash, numbered
from cfglint.review.sides import Side


@dataclass
class Tracked:
    """A finding with its line-independent fingerprint and the side it came from."""

    fingerprint: str
    finding: Finding
    side: Side

    @property
    def path(self) -> str:
        return self.side.rel

    def rank(self) -> tuple[int, str, int, int, str]:
        """Most severe first, then by place: the order comments are planned in."""
        f = self.finding
        return (-SEVERITY_RANK[f.severity], self.path, f.line, f.column, f.code)


def track(side: Side) -> list[Tracked]:
    findings = side.result.findings
    prints = numbered([finding_hash(f, side.rel) for f in findings])
    return [Tracked(fp, f, side) for fp, f in zip(prints, findings, strict=True)]


@dataclass
class Classified:
    """Findings of a change: new in head, fixed by it, or already there."""

    new: list[Tracked]
    fixed: list[Tracked]
    existing: list[Tracked]


def classify(base: list[Tracked], head: list[Tracked]) -> Classified:
    before = {t.fingerprint for t in base}
    after = {t.fingerprint for t in head}
    return Classified(
        new=sorted((t for t in head if t.fingerprint not in before), key=Tracked.rank),
        fixed=sorted((t for t in base if t.fingerprint not in after), key=Tracked.rank),
        existing=sorted((t for t in head if t.fingerprint in before), key=Tracked.rank),
    )
