"""What a probe verdict rests on, and which of it the probe had to make up.

A verdict is only as good as the values it was run with. Each value comes from the file,
from the trainer's documented defaults and derivations (origins explicit, default,
derived, mapped, rewrite) or from the probe's own stand-ins (origin probe-default). When
a value the verdict rests on is a stand-in, the probe gives no verdict (INCONCLUSIVE) and
lists the gaps: PASS on a learning rate, a model or a schedule nobody configured would
say nothing about the run. No torch here.
"""

from __future__ import annotations

from dataclasses import dataclass

from cfglint.probe.schedule import depends_on_length, modelled
from cfglint.probe.spec import ProbeSpec, Resolved, trainer_surrogate

STAND_IN = "probe-default"


@dataclass(frozen=True)
class Gap:
    """One thing the verdict needs that the probe would have to make up."""

    need: str                  # what a person calls it
    stand_ins: tuple[Resolved, ...]
    why: str = ""              # when it is not a stand-in: why the value is not usable

    def to_dict(self) -> dict[str, object]:
        return {"need": self.need, "why": self.why,
                "facts": [{"name": r.name, "value": r.value, "note": r.note}
                          for r in self.stand_ins]}


def gaps(spec: ProbeSpec, own_model: bool = False) -> list[Gap]:
    """The needs the probe can only meet with stand-ins; empty when the run is grounded.

    ``own_model``: ``--model`` supplies the model, so the model family is not needed.
    """
    made_up = {r.name: r for r in spec.resolved if r.origin == STAND_IN}

    def all_made_up(need: str, *names: str) -> list[Gap]:
        picked = [made_up[n] for n in names if n in made_up]
        return [Gap(need, tuple(picked))] if len(picked) == len(names) else []

    out = all_made_up("learning rate", "lr")
    out += all_made_up("optimizer", "optimizer.name")
    out += all_made_up("LR schedule", "scheduler.name")
    if "scheduler.name" not in made_up and not modelled(spec.scheduler):
        out.append(Gap("LR schedule", (), f"the probe has no model of the `{spec.scheduler}` "
                       "schedule and would run a constant LR instead"))
    if depends_on_length(spec.scheduler) and "scheduler.total_steps" not in _names(spec):
        out += all_made_up(f"run length (the `{spec.scheduler}` schedule decays over it)",
                           "total_steps")
    warmup = made_up.get("warmup.steps")
    if warmup is not None and warmup.unknown:
        out.append(Gap("warmup", (warmup,)))
    out += all_made_up("precision", "precision.mixed", "precision.train_dtype")
    if not own_model and trainer_surrogate(spec.trainer) is None:
        out += all_made_up("model family (it picks the surrogate model)", "model.family")
    out += all_made_up("training method (full fine-tune or adapter)", "method")
    if spec.method == "lora":
        out += all_made_up("LoRA rank", "lora.rank")
        out += all_made_up("LoRA alpha (with the rank, it scales the LR)", "lora.alpha")
    return out


def _names(spec: ProbeSpec) -> set[str]:
    return {r.name for r in spec.resolved}
