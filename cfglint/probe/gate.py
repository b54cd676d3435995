"""Before anything trains: is there a run to replicate, and is it grounded?

Three reasons not to train, each a verdict of its own with exit 3 (the probe says nothing
about the numerics it did not run):

* REJECTED: ``cfglint check`` (the same pipeline and settings) reports errors that mean the
  trainer rejects the file (``cfglint.rejects``), or the spec holds a value the trainer
  cannot use as the probe would (a learning rate that is text). A PASS would describe a run
  that never happens.
* INCONCLUSIVE: a value the verdict rests on is one the probe made up
  (``cfglint.probe.needs``).

No torch here.
"""

from __future__ import annotations

from typing import Any

from cfglint.findings import Finding
from cfglint.probe.engine import INCONCLUSIVE, REJECTED, error_report
from cfglint.probe.needs import Gap, gaps
from cfglint.probe.spec import ProbeSpec

SUPPRESS_HINT = ("Fix them first; a finding you know to be wrong can be suppressed with "
                 "`# cfglint: ignore[CODE]` on its line (per-file-ignores in settings for "
                 "JSON).")
STATE_HINT = ("State them in the file, with --assume NAME=VALUE, or as a literal in "
              "[tool.cfglint.mapping] (\"total_steps\" = \"=3000\"); --model MODULE:FACTORY "
              "supplies the model itself.")


def rejected_by_check(findings: list[Finding]) -> dict[str, Any]:
    """The report for a file whose check errors mean the trainer rejects it."""
    items = [{"code": f.code, "line": f.line, "column": f.column, "key": f.key_text,
              "message": f.message} for f in findings]
    some = "an error that means" if len(items) == 1 else f"{len(items)} errors that mean"
    return error_report(None, f"cfglint check reports {some} the trainer rejects this file "
                        "(it stops, or cannot use a value as written)", verdict=REJECTED,
                        rejected_by=items, hint=SUPPRESS_HINT)


def before_training(spec: ProbeSpec, own_model: bool = False) -> dict[str, Any] | None:
    """A not-run report when the spec cannot ground a verdict, else None (train)."""
    if spec.rejected:
        items = [{"code": "", "line": None, "column": None, "key": "", "message": m}
                 for m in spec.rejected]
        return error_report(spec, "the trainer cannot use a value the probe needs as the "
                            "probe would run it", verdict=REJECTED, rejected_by=items)
    missing = gaps(spec, own_model)
    if missing:
        return inconclusive(spec, missing)
    return None


def inconclusive(spec: ProbeSpec, missing: list[Gap]) -> dict[str, Any]:
    needs = ", ".join(dict.fromkeys(g.need.split(" (")[0] for g in missing))
    return error_report(spec, f"the run would rest on values the probe made up ({needs})",
                        verdict=INCONCLUSIVE, gaps=[g.to_dict() for g in missing],
                        hint=STATE_HINT)
