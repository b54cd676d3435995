"""CFG902: Optuna's deprecated suggest APIs, rewritten to what they call.

``suggest_uniform(n, a, b)`` is ``suggest_float(n, a, b)``, ``suggest_loguniform`` adds
``log=True`` and ``suggest_discrete_uniform(n, a, b, q)`` ``step=q``
(``optuna/trial/_trial.py``: deprecated in 3.0, removal planned for 6.0); ``suggest_int``
takes ``step`` and ``log`` as keywords only (positional use was deprecated in 3.5 and has
since been removed). The rewrite samples the same distribution: a safe fix.
"""

from __future__ import annotations

from collections.abc import Iterable

from cfglint.engine.context import CheckContext
from cfglint.findings import Finding, Fix
from cfglint.source.writing import EditError
from cfglint.space.context import space_of, where
from cfglint.space.fixes import rewrite_suggest
from cfglint.space.model import Param


def _what(p: Param) -> str | None:
    if p.api == "suggest_uniform":
        return "`suggest_uniform(name, low, high)` is deprecated since Optuna 3.0; it is " \
               "`suggest_float(name, low, high)`"
    if p.api == "suggest_loguniform":
        return "`suggest_loguniform(name, low, high)` is deprecated since Optuna 3.0; it is " \
               "`suggest_float(name, low, high, log=True)`"
    if p.api == "suggest_discrete_uniform":
        return "`suggest_discrete_uniform(name, low, high, q)` is deprecated since Optuna 3.0; " \
               "it is `suggest_float(name, low, high, step=q)`"
    if p.api == "suggest_int" and ("step" in p.args or "log" in p.args) and \
            "step.value" not in p.args and "log.value" not in p.args:
        return "`suggest_int` takes `step` and `log` as keywords only (positional use was " \
               "deprecated in Optuna 3.5 and now raises TypeError)"
    return None


def run(ctx: CheckContext) -> Iterable[Finding]:
    space = space_of(ctx)
    if space is None or space.library != "optuna":
        return
    for p in space.params:
        what = _what(p)
        if what is None:
            continue
        fix = None
        try:
            edit = rewrite_suggest(ctx.doc, p)
            fix = Fix("safe", "rewrite to the current API (the same distribution)", [edit])
        except EditError:
            pass
        yield ctx.finding(p.span, f"{where(p)}: {what}", fix=fix)
