"""What a rule expression can see: params, facts, and the functions over them.

The environment resolves a name in this order: the rule's params (settings may
override them), then canonical and derived facts. Functions available to
expressions, on top of ``cfglint.engine.expr``'s built-ins: ``ema_init_share(n)`` and
``lr_at(step)`` bound to this run's facts; ``origin(name)`` (``explicit``, ``default``,
``derived``, ``mapped``, or ``missing``); ``has(name)``; ``fact_or(name, default)``;
``arg(name, default)`` (a key of ``optimizer.args``); ``family_is(name, ...)``;
``sig(x, n)`` (n significant digits); ``main_lr()`` / ``main_eff_lr()`` (the
UNet/transformer LR as sd-scripts picks it: a positive ``unet_lr`` replaces
``learning_rate``); ``decay_for_share(steps, share)`` and ``decay_for_updates(n)`` (EMA
decays with a given share of the start after ``steps``, or a time constant of ~10 % of n).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from cfglint.engine.expr import BUILTIN_FUNCTIONS
from cfglint.facts import formulas
from cfglint.facts.collect import expression_functions
from cfglint.facts.model import Facts, Unknown

# every function a rule expression may call (checked when users' rules are loaded)
RULE_FUNCTIONS = frozenset({*BUILTIN_FUNCTIONS, "ema_init_share", "lr_at", "origin", "has",
                            "fact_or", "arg", "family_is", "sig", "main_lr", "main_eff_lr",
                            "decay_for_share", "decay_for_updates"})


def _sig(x: float, n: float = 2) -> float:
    if x == 0 or not math.isfinite(x):
        return x
    if not 0 < n <= 17:
        raise ValueError(f"sig() to {n} significant digits")
    return round(x, int(n) - 1 - math.floor(math.log10(abs(x))))


def functions_for(facts: Facts) -> dict[str, Callable[..., Any]]:
    """Every expression function bound to one file's facts (built once per file)."""
    functions: dict[str, Callable[..., Any]] = dict(BUILTIN_FUNCTIONS)
    functions.update(expression_functions(facts))
    functions.update(_fact_functions(facts))
    return functions


class FactEnv:
    def __init__(self, facts: Facts, params: dict[str, Any],
                 functions: dict[str, Callable[..., Any]] | None = None) -> None:
        self.facts = facts
        self.params = params
        self.functions = functions if functions is not None else functions_for(facts)

    def lookup(self, name: str) -> Any:
        if name in self.params:
            return self.params[name]
        fact = self.facts.get(name)
        if fact is None:
            return Unknown(f"{name} is not known")
        return fact.value

    def function(self, name: str) -> Callable[..., Any] | None:
        return self.functions.get(name)


def _fact_functions(facts: Facts) -> dict[str, Callable[..., Any]]:
    def origin(name: str) -> Any:
        fact = facts.get(name)
        return "missing" if fact is None else fact.origin

    def has(name: str) -> bool:
        fact = facts.get(name)
        return fact is not None and not isinstance(fact.value, Unknown)

    def fact_or(name: str, default: Any) -> Any:
        fact = facts.get(name)
        if fact is None or isinstance(fact.value, Unknown) or fact.value is None:
            return default
        return fact.value

    def arg(name: str, default: Any = None) -> Any:
        fact = facts.get("optimizer.args")
        if fact is None:
            return default  # no optimizer arguments in the file
        if not isinstance(fact.value, dict):
            return Unknown("optimizer.args is not known")
        return fact.value.get(name, default)

    def family_is(*names: str) -> bool:
        return facts.family in names

    def _fact(name: str) -> Any:
        fact = facts.get(name)
        return Unknown(f"{name} is not known") if fact is None else fact.value

    def _main(unet: str, base: str) -> Any:
        # these functions are shared by every rule of a file: read facts, never params
        lr_unet = facts.get("lr.unet")
        value = lr_unet.value if lr_unet is not None else None
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            return _fact(unet)
        return _fact(base)

    return {"origin": origin, "has": has, "fact_or": fact_or, "arg": arg,
            "family_is": family_is, "sig": _sig, "decay_for_share": formulas.decay_for_share,
            "decay_for_updates": formulas.decay_for_updates,
            "main_lr": lambda: _main("lr.unet", "lr"),
            "main_eff_lr": lambda: _main("effective_lr.unet", "effective_lr")}
