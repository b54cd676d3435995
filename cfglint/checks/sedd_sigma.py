"""CFG801: ``noise.sigma_min`` / ``noise.sigma_max`` next to ``noise.type: loglinear``.

Upstream ``SEDD:noise_lib.py::get_noise`` builds ``LogLinearNoise()`` for ``loglinear``,
which has only its own ``eps``; the sigma keys are read only for ``geometric``. The
protein_lig_sedd fork keeps that (its loglinear reads ``noise.eps``; the sigmas serve
``geometric`` and ``cosine``).

Fix safety: the fork loads the file with ``yaml.safe_load`` and nothing overrides it, so
commenting the keys out leaves the run exactly as it was (safe). Upstream composes the file
with Hydra: ``python train.py noise.type=geometric`` is the documented way to switch noise,
and it needs the keys in the file, so there the patch is only suggested. The shipped
upstream values (1e-4, 20) are the geometric defaults and are not reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cfglint.engine.context import CheckContext
from cfglint.findings import Edit, Finding, Fix
from cfglint.source.document import KeyPath, Mapping, Scalar, Span, resolve_alias

UPSTREAM_DEFAULTS = {"sigma_min": 1e-4, "sigma_max": 20.0}


def _equals(value: Any, default: float) -> bool:
    """Whether the loader's value is the shipped default (an integer too large for a
    float, or text that is no number, is not)."""
    try:
        return float(value) == default
    except (TypeError, ValueError, OverflowError):
        return False


def run(ctx: CheckContext) -> Iterable[Finding]:
    facts = ctx.facts
    ntype = facts.get("noise.type")
    if ntype is None or not isinstance(ntype.value, str) or ntype.value.lower() != "loglinear":
        return
    noise = resolve_alias(ctx.doc.find(("noise",)))
    if not isinstance(noise, Mapping):
        return
    entries = [e for e in noise.entries if e.name in UPSTREAM_DEFAULTS]
    if not entries:
        return
    variant = facts.value("sedd.variant", "upstream")
    fork = variant != "upstream"
    values = {e.name: resolve_alias(e.value) for e in entries}
    shipped = not fork and all(
        isinstance(v, Scalar) and isinstance(v.value, int | float)
        and _equals(ctx.family.value(v, ctx.doc.format), UPSTREAM_DEFAULTS[k])
        for k, v in values.items())
    listed = ", ".join(f"{e.name} {e.value.raw}" if isinstance(e.value, Scalar) else e.name
                       for e in entries)
    edits: list[Edit] = []
    for e in entries:
        line = ctx.doc.line_col(e.key.span.start)[0]
        same_line = ctx.doc.line_col(e.value.span.end)[0] == line
        if noise.flow or not same_line or not isinstance(resolve_alias(e.value), Scalar):
            edits = []
            break
        edits.append(Edit(e.key.span.start, e.key.span.start, "# "))
    changes: list[KeyPath] = [("noise", e.name) for e in entries]
    first = entries[0]
    span = Span(first.key.span.start, entries[-1].value.span.end)
    if fork:
        fix = Fix("safe", "comment out " + " and ".join(e.name for e in entries), edits,
                  changes) if edits else None
        yield ctx.finding(span, f"noise.type is loglinear, so {listed} do nothing: "
                          "protein_lig_sedd's LogLinearNoise reads only noise.eps (the sigmas "
                          "are for geometric and cosine noise)", ("noise", first.name), fix,
                          depends_on=tuple(facts.keys_behind(["noise.type"])))
        return
    fix = Fix("suggest", "comment out " + " and ".join(e.name for e in entries) +
              " (keep them if you switch to noise.type=geometric on the command line)",
              edits, changes) if edits else None
    if shipped:
        return  # upstream's own geometric defaults, kept for noise.type=geometric overrides
    yield ctx.finding(span, f"noise.type is loglinear, so {listed} do nothing: SEDD's "
                      "get_noise builds LogLinearNoise() without them (only geometric noise "
                      "reads the sigmas); changing them does not change training",
                      ("noise", first.name), fix,
                      depends_on=tuple(facts.keys_behind(["noise.type"])))
