"""A search space as cfglint reads it: parameters with their distributions, derived
values, the config keys they reach, and the guards that prune trials.

Every reader (Optuna, Ray Tune, W&B) produces this one shape, so the rules over spaces
do not care which library wrote the space. A bound that could not be read is ``None``
(unknown): rules that need it say nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from cfglint.source.document import KeyPath, Span

Kind = Literal["float", "int", "categorical"]
Library = Literal["optuna", "ray", "hyperopt", "wandb"]
Expr = tuple[Any, ...]  # see cfglint.space.expr


@dataclass
class Param:
    """One searched parameter, where it is written, and what it samples."""

    name: str
    kind: Kind
    library: Library
    api: str  # the call or distribution that defines it (suggest_float, loguniform, ...)
    span: Span  # the whole definition (a call, or a W&B parameter entry)
    low: float | None = None
    high: float | None = None
    log: bool = False
    step: float | None = None
    choices: list[Any] | None = None
    # where each argument is written ("name", "low", "high", "step", "log", "q", ...)
    args: dict[str, Span] = field(default_factory=dict)
    key: KeyPath = ()  # W&B: the parameter's key path in the sweep file
    var: str | None = None  # the Python variable it is assigned to
    active: Expr | None = None  # the condition under which it is suggested (None: always)
    statement: Span | None = None  # the statement that suggests it (where guards go)
    exponent_bounds: bool = False  # bounds are exponents (W&B log_uniform, hyperopt)
    high_inclusive: bool = True
    scope: str = ""  # the function that suggests it (one trial runs one objective)
    notes: list[str] = field(default_factory=list)

    @property
    def bounded(self) -> bool:
        """Both bounds given, and the values between them finite (a bound of 400 digits, or
        an exponent bound of 800, leaves nothing to compute with)."""
        if self.low is None or self.high is None:
            return False
        try:
            lo, hi = self.value_range()
        except (TypeError, ValueError):
            return True  # not a number: the checks say so themselves
        return math.isfinite(lo) and math.isfinite(hi)

    def values(self) -> list[Any] | None:
        """Every value it can take when that set is small and known (else None)."""
        if self.kind == "categorical":
            return self.choices
        if not self.bounded:
            return None
        assert self.low is not None and self.high is not None
        lo, hi = self.value_range()
        if self.kind == "int" and not self.log:
            step = int(self.step or 1)
            if step <= 0 or (hi - lo) / step > 32:
                return None
            return list(range(int(lo), int(hi) + 1, step))
        if self.step and self.step > 0 and not self.log and (hi - lo) / self.step <= 32:
            n = math.floor((hi - lo) / self.step + 1e-9)
            return [round(lo + i * self.step, 12) for i in range(n + 1)]
        return None

    def value_range(self) -> tuple[float, float]:
        """The range of values it yields (exponent bounds turned into values)."""
        assert self.low is not None and self.high is not None
        lo, hi = _float(self.low), _float(self.high)
        if self.exponent_bounds:
            lo, hi = _exp(lo), _exp(hi)
        if self.kind == "int" and not self.high_inclusive:
            hi -= 1
        return lo, hi



def _float(x: Any) -> float:
    """``float(x)``, infinite for an integer past the float range (a bound of 400 digits)."""
    try:
        return float(x)
    except OverflowError:
        return math.inf if x > 0 else -math.inf


def _exp(x: float) -> float:
    """``math.exp(x)``, infinite past the float range (an exponent bound of 800)."""
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf

@dataclass
class Guard:
    """A condition that prunes a trial (``raise TrialPruned``) or marks it infeasible
    (a constraint above zero)."""

    kind: Literal["prune", "constraint"]
    cond: Expr  # prune: the condition; constraint: the value (feasible when <= 0)
    span: Span  # the ``if`` statement or the constraint expression
    test: Span  # the condition or value as written


@dataclass
class Space:
    """Everything one file says about one search."""

    library: Library
    params: list[Param] = field(default_factory=list)
    guards: list[Guard] = field(default_factory=list)
    keys: dict[str, Expr] = field(default_factory=dict)  # config key → value expression
    key_spans: dict[str, Span] = field(default_factory=dict)
    trainer_hint: str | None = None  # a trainer named by the code (a script path)
    method: str | None = None  # W&B: grid, random, bayes

    def param(self, name: str) -> Param | None:
        for p in self.params:
            if p.name == name:
                return p
        return None

    def first_params(self) -> list[Param]:
        """One parameter per name (Optuna keeps the first definition of a name)."""
        seen: set[str] = set()
        out = []
        for p in self.params:
            if p.name not in seen:
                seen.add(p.name)
                out.append(p)
        return out

    def view(self) -> dict[str, Any]:
        """The space as plain data: what a safe fix must leave unchanged."""
        return {
            "params": {p.name: {"kind": p.kind, "low": p.low, "high": p.high, "log": p.log,
                                "step": p.step, "choices": p.choices,
                                "exponent": p.exponent_bounds}
                       for p in self.first_params()},
            "guards": [repr(g.cond) for g in self.guards],
            "keys": {k: repr(v) for k, v in sorted(self.keys.items())},
        }
