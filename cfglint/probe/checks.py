"""P900–P910 verdicts from the recorded steps, without torch.

Each check says PASS, WARN or FAIL, the probe step where it tripped, and the cause in
the trainer's terms (the static rule it confirms, when there is one).
"""

from __future__ import annotations

import math
import statistics
from dataclasses import asdict, dataclass
from typing import Any

from cfglint.facts.taxonomy import optimizer_is_scale_invariant
from cfglint.probe.spec import ProbeSpec

FP16_MAX = 65504.0
# INFO: worth knowing, never a warning (the verdict ignores it)
PASS, INFO, WARN, FAIL = "PASS", "INFO", "WARN", "FAIL"
# P908: a share of clipped steps above this is reported; a growth of the unclipped gradient
# norm by this factor over a run is a divergence that clipping hides
CLIPPED_SHARE = 0.9
NORM_GROWTH = 10.0
STABILITY_CODES = ("P901", "P902", "P903", "P904")


@dataclass
class Check:
    """One probe verdict (pass, warn or fail) with what it measured."""

    code: str
    name: str
    status: str
    message: str
    step: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _fp16_involved(spec: ProbeSpec) -> bool:
    return spec.mixed == "fp16" or spec.train_dtype == "fp16"


def act_absmax(records: list[dict[str, Any]]) -> tuple[float, str, int | None]:
    """Largest activation over the run, where it was, and the first step above fp16 max."""
    best, where, first_over = 0.0, "", None
    for rec in records:
        for name, val in rec["act_absmax"].items():
            v = math.inf if val is None or math.isnan(val) else val
            if v > best:
                best, where = v, name
            if first_over is None and v > FP16_MAX:
                first_over = rec["step"]
    return best, where, first_over


def loss_spike(records: list[dict[str, Any]], window: int = 5,
               factor: float = 10.0) -> tuple[int, float, float] | None:
    """First step whose rolling median loss exceeds ``factor`` x the early-run median.

    A rolling median, not single steps: with batch 1 and random timesteps one sample's
    loss routinely sits 10x above the median, while a divergence stays up.
    """
    finite = [(r["step"], r["loss"]) for r in records if math.isfinite(r["loss"])]
    if len(finite) < 2 * window:
        return None
    early = [v for _s, v in finite[: max(window, len(finite) // 5)]]
    base = statistics.median(early)
    if base <= 0:
        return None
    for i in range(window, len(finite) + 1):
        level = statistics.median(v for _s, v in finite[i - window:i])
        if level > factor * base:
            return finite[i - 1][0], level, base
    return None


def headroom_bits(absmax: float) -> float:
    if absmax <= 0:
        return math.inf
    return math.log2(FP16_MAX / absmax) if math.isfinite(absmax) else -math.inf


def run_checks(spec: ProbeSpec, run: dict[str, Any]) -> list[Check]:
    """Checks P900–P908 for one replay (a RunResult as a dict)."""
    recs: list[dict[str, Any]] = run["records"]
    out: list[Check] = []

    if run["error"]:
        cause = run["error"]
        if "unscale FP16 gradients" in cause:
            cause += (" — trainable weights are fp16 while the trainer uses a GradScaler "
                      "(CFG403); keep trainable parameters in fp32 or use bf16")
        out.append(Check("P900", "step-error", FAIL, f"the training step raised {cause}",
                         run["error_step"]))
    else:
        out.append(Check("P900", "step-error", PASS, "every step ran"))

    bad = run["first_nonfinite_step"]
    if bad is not None:
        msg = f"non-finite loss, gradients or weights at step {bad}"
        if run["localised"]:
            msg += f"; {run['localised']}"
        eps = spec.optimizer_args.get("eps")
        if "optimizer update" in (run["localised"] or "") and spec.train_dtype == "fp16" \
                and isinstance(eps, (int, float)) and eps < 6e-8:
            msg += (f"; Adam eps {eps:g} rounds to 0 in fp16 state, so a zero gradient gives "
                    "0/0 (CFG214): use eps 1e-6 or fp32 master weights")
        out.append(Check("P901", "non-finite", FAIL, msg, bad))
    elif not recs:
        out.append(Check("P901", "non-finite", PASS, "not evaluated: no step completed"))
    else:
        out.append(Check("P901", "non-finite", PASS,
                         f"loss and weights finite for {len(recs)} steps"))

    if spec.grad_scaler and recs:
        skipped = [r["step"] for r in recs if r["skipped"]]
        scales = [r["scale"] for r in recs if r["scale"] is not None]
        min_scale = min(scales) if scales else math.inf
        run_len, streak, trip = 0, 0, None
        for r in recs:
            run_len = run_len + 1 if r["skipped"] else 0
            if r["step"] >= 10 and run_len >= 3 and trip is None:
                trip = r["step"]
            streak = max(streak, run_len)
        heads = [r["headroom_bits"] for r in recs if r["headroom_bits"] is not None]
        head_txt = f"; gradient headroom min {min(heads):.1f} bits" if heads else ""
        share = len(skipped) / len(recs)
        text = (f"{len(skipped)}/{len(recs)} steps skipped, longest streak {streak}, "
                f"min scale {min_scale:g}{head_txt}")
        if trip is not None or share > 0.05 or min_scale < 1:
            first = trip if trip is not None else (skipped[0] if skipped else None)
            out.append(Check("P902", "gradscaler-collapse", FAIL, text, first))
        else:
            out.append(Check("P902", "gradscaler-collapse", PASS, text))
    else:
        out.append(Check("P902", "gradscaler-collapse", PASS, "not applicable: no GradScaler"))

    absmax, where, first_over = act_absmax(recs)
    bits = headroom_bits(absmax)
    if _fp16_involved(spec):
        text = f"activation absmax {absmax:.4g} at {where or '-'} ({bits:.1f} bits below 65504)"
        if absmax > FP16_MAX or not math.isfinite(absmax):
            out.append(Check("P903", "fp16-headroom", FAIL, text + "; fp16 overflows to inf "
                             "(CFG401): use bf16", first_over))
        elif absmax > FP16_MAX / 8:
            out.append(Check("P903", "fp16-headroom", WARN,
                             text + "; less than 3 bits of headroom"))
        else:
            out.append(Check("P903", "fp16-headroom", PASS, text))
    else:
        note = "fp16 would overflow" if absmax > FP16_MAX else f"fp16 would have {bits:.1f} bits"
        out.append(Check("P903", "fp16-headroom", PASS,
                         f"not applicable ({spec.mixed}/{spec.train_dtype}): activation absmax "
                         f"{absmax:.4g} at {where or '-'}; {note}"))

    warn_msgs: list[str] = []
    warn_step = None
    spike = loss_spike(recs)
    if spike is not None:
        step, level, base = spike
        warn_msgs.append(f"loss rose to {level:.4g} (5-step median), > 10x the early median "
                         f"{base:.4g}")
        warn_step = step
    ratios = [(r["step"], r["delta_ratio"]) for r in recs]
    over = [(s, v) for s, v in ratios if v > 1]
    final = ratios[-1][1] if ratios else 0.0
    if over:
        warn_msgs.append(f"‖ΔW‖/‖W‖ reached {max(v for _s, v in over):.3g} (> 1)")
        warn_step = over[0][0] if warn_step is None else min(warn_step, over[0][0])
    if warn_msgs:
        out.append(Check("P904", "divergence", WARN, "; ".join(warn_msgs), warn_step))
    else:
        out.append(Check("P904", "divergence", PASS, f"no loss spike; final ‖ΔW‖/‖W‖ {final:.3g}"))

    lost = [r["lost_update"] for r in recs if r["lost_update"] is not None]
    if spec.train_dtype in ("bf16", "fp16") and lost:
        frac = statistics.mean(lost)
        status = WARN if frac > 0.5 else PASS
        out.append(Check("P905", "lost-updates", status,
                         f"{frac:.0%} of updated {spec.train_dtype} elements unchanged "
                         "(no fp32 master copy, so updates below half an ulp of a weight are "
                         "rounded away)"))
    else:
        out.append(Check("P905", "lost-updates", PASS, "not applicable: fp32 trainable weights"))

    never, never_pre = run["never_grad"], run["never_grad_preclip"]
    clean = sum(1 for r in recs if not r["skipped"])
    if bad is not None or clean < 2:
        out.append(Check("P906", "no-grad", PASS, "not evaluated: fewer than 2 clean steps"))
    elif never:
        causes = []
        zeroed = [n for n in never if n not in never_pre]
        if zeroed and spec.clip_semantics == "norm_zero_zeroes" and spec.grad_clip == 0:
            causes.append("grad_clip 0 multiplies every gradient by 0 (SEDD: `grad_clip >= 0` "
                          "enables clipping; CFG406): nothing trains, use -1 to disable")
        elif zeroed:
            causes.append("clipping zeroed gradients that were non-zero")
        else:
            causes.append("no gradient reaches them (frozen inputs with reentrant checkpointing, "
                          "detached paths)")
        out.append(Check("P906", "no-grad", FAIL,
                         f"{len(never)}/{run['trainable_tensors']} trainable tensors never got a "
                         f"non-zero gradient (e.g. {never[0]}); " + "; ".join(causes), 0))
    else:
        out.append(Check("P906", "no-grad", PASS, "every trainable tensor received gradients"))

    ds = [(r["step"], r["prodigy_d"]) for r in recs if r["prodigy_d"] is not None]
    if ds:
        d0 = float(spec.optimizer_args.get("d0", 1e-6))
        last_step, last = ds[-1]
        if last <= 2 * d0:
            out.append(Check("P907", "adaptive-health", WARN,
                             f"Prodigy d {last:.3g} still near d0 {d0:g} after {last_step + 1} "
                             "steps (raise d0, check lr=1.0)", last_step))
        else:
            out.append(Check("P907", "adaptive-health", PASS, f"Prodigy d grew to {last:.3g}"))
    else:
        out.append(Check("P907", "adaptive-health", PASS,
                         "not applicable: not an adaptive optimizer"))

    out.append(clipped_share(spec, recs))
    return out


def norm_growth(records: list[dict[str, Any]]) -> float | None:
    """How many times the unclipped gradient norm grew over a run: the median of its last
    third over the median of its first (None for a run too short to say)."""
    norms = [r["grad_norm"] for r in records if not r["skipped"]]
    if len(norms) < 9:
        return None
    third = len(norms) // 3
    early = statistics.median(norms[:third])
    late = statistics.median(v if math.isfinite(v) else math.inf for v in norms[-third:])
    if early <= 0 or not math.isfinite(early):
        return None
    return float(late / early)


def clipped_share(spec: ProbeSpec, recs: list[dict[str, Any]]) -> Check:
    """P908. Clipping most steps matters where the step follows the gradient's size (SGD):
    then the max norm, not the LR, sets the step. Adam-family optimizers normalise the
    gradient's scale away, so there it is information, unless the unclipped norm keeps
    growing: then clipping hides a divergence (see also ``clipping_hid``)."""
    if not recs:
        return Check("P908", "clipped-share", PASS, "no steps")
    measured = [r for r in recs if not r["skipped"] and math.isfinite(r["grad_norm"])]
    if len(measured) < 2:  # a run that failed at once: its share says nothing about clipping
        return Check("P908", "clipped-share", PASS,
                     "not evaluated: fewer than 2 steps with a finite gradient norm")
    share = sum(1 for r in measured if r["clipped"]) / len(measured)
    text = f"{share:.0%} of steps clipped at max norm {spec.grad_clip:g}"
    if share <= CLIPPED_SHARE:
        return Check("P908", "clipped-share", PASS, text)
    growth = norm_growth(recs)
    if growth is not None and growth >= NORM_GROWTH:
        return Check("P908", "clipped-share", WARN, f"{text}; the unclipped gradient norm grew "
                     f"{growth:.0f}x over the run, and clipping hides that growth")
    if optimizer_is_scale_invariant(spec.optimizer):
        return Check("P908", "clipped-share", INFO, f"{text}; information only: "
                     f"{spec.optimizer} normalises the gradient's scale, so clipping the whole "
                     "gradient changes its step little")
    return Check("P908", "clipped-share", WARN, f"{text}; {spec.optimizer} steps in proportion "
                 "to the gradient, so the max norm, not the LR, sets the step size")


def clipping_hid(check: Check, higher: list[dict[str, Any]]) -> Check:
    """P908 after the ladder: information becomes a warning when a higher rung diverged
    while clipping held down an unclipped norm that kept growing."""
    if check.status != INFO:
        return check
    for run in higher:
        growth = norm_growth(run["records"])
        if growth is not None and growth >= NORM_GROWTH:
            return Check("P908", "clipped-share", WARN, f"{check.message.split(';')[0]}; at "
                         f"{run['multiplier']:g}x the LR the unclipped gradient norm grew "
                         f"{growth:.0f}x while clipping held it down, and the run diverged")
    return check


def tripped(checks: list[Check]) -> bool:
    return any(c.code in STABILITY_CODES and c.status != PASS for c in checks) or \
        any(c.code == "P900" and c.status == FAIL for c in checks)


def margin_check(ladder: list[tuple[float, bool]],
                 requested: tuple[float, ...]) -> tuple[Check, float | None]:
    """P909 from (multiplier, tripped) pairs in ladder order."""
    trips = [k for k, t in ladder if t]
    if trips:
        k = min(trips)
        status = FAIL if k <= 1 else WARN if k <= 3 else PASS
        return Check("P909", "lr-margin", status,
                     f"stability margin {k:g}x: the run trips P900-P904 at {k:g}x the peak LR"), k
    done = [k for k, _t in ladder]
    if len(done) < 2:
        return Check("P909", "lr-margin", PASS, "ladder not run (only the configured LR)"), None
    missing = [k for k in requested if k not in done]
    extra = f" (not run: {', '.join(f'{k:g}x' for k in missing)})" if missing else ""
    return Check("P909", "lr-margin", PASS,
                 f"stability margin > {max(done):g}x: stable at every rung{extra}"), None


def bf16_check(spec: ProbeSpec, device: str, supported: bool) -> Check:
    wants = "bf16" in (spec.mixed, spec.train_dtype)
    if wants and not supported:
        return Check("P910", "bf16-support", FAIL, f"bf16 requested but {device} has no bf16 "
                     "support (bf16 needs an Ampere or newer GPU)")
    if wants:
        return Check("P910", "bf16-support", PASS, f"bf16 supported on {device}")
    return Check("P910", "bf16-support", PASS, "not applicable: bf16 not requested")


def verdict(checks: list[Check]) -> str:
    if any(c.status == FAIL for c in checks):
        return FAIL
    if any(c.status == WARN for c in checks):
        return WARN
    return PASS
