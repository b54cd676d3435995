"""Hand-written checks: the rules a ``when:`` condition over facts cannot state, one
module per check, named by rule files' ``check:`` key. ``CHECKS`` is the registry; a
rule file naming anything else is rejected when it is loaded."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cfglint.engine.context import CheckContext
    from cfglint.findings import Finding

# check name → module in this package ("schema" and "builtin" are produced by the pipeline)
CHECKS: frozenset[str] = frozenset({
    "gui_string_numbers", "latent_cache", "noise_offset", "schedule_horizon", "sedd_sigma",
    "te_cache", "two_sources", "unusable_numbers", "yaml_exponent",
})
PIPELINE_CHECKS: frozenset[str] = frozenset({"schema", "builtin"})


def run_check(name: str, ctx: CheckContext) -> list[Finding]:
    module = importlib.import_module(f"cfglint.checks.{name}")
    return list(module.run(ctx))
