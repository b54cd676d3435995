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
    "dataset_repeats", "gui_sd_scripts_names", "gui_string_numbers", "latent_cache",
    "noise_offset", "schedule_horizon", "sedd_sigma", "te_cache", "two_sources",
    "unusable_numbers", "yaml_exponent",
    # search spaces (Optuna, Ray Tune, W&B); they read cfglint.space
    "space_categorical", "space_deprecated", "space_effective_lr", "space_exponent",
    "space_guards", "space_invalid", "space_points", "space_quantized", "space_reuse",
    "space_scale", "space_unsatisfiable", "space_wandb_int", "space_wandb_log",
})
PIPELINE_CHECKS: frozenset[str] = frozenset({"schema", "builtin"})


def run_check(name: str, ctx: CheckContext) -> list[Finding]:
    module = importlib.import_module(f"cfglint.checks.{name}")
    return list(module.run(ctx))
