"""Which findings mean the trainer rejects a file: the rule files say it, with one tag.

A rule tagged ``trainer-rejects`` grades a finding ``error`` exactly where the trainer
cannot load the file, stops before it trains (start-up validation, its first step), or
cannot use a value as written (a string where its code needs a number, a name outside
its choices); where the trainer goes on, the same rule grades lower. ``cfglint probe``
does not train on such a file: the run it would replicate is not the run the trainer
does.
"""

from __future__ import annotations

from collections.abc import Mapping

from cfglint.engine.catalog import Rule
from cfglint.findings import Finding

TAG = "trainer-rejects"


def rejects(rule: Rule | None) -> bool:
    """The rule's errors mean the trainer rejects the file."""
    return rule is not None and TAG in rule.tags


def rejecting(findings: list[Finding], rules: Mapping[str, Rule]) -> list[Finding]:
    """The findings (errors of tagged rules) that mean the trainer rejects the file."""
    return [f for f in findings if f.severity == "error" and rejects(rules.get(f.code))]
