"""One probe from spec to report data: main replay, LR ladder, checks, verdict.

The ladder restarts every rung from the same snapshot (pre-trained base, fresh adapters)
so the rungs differ only in the LR multiplier; it stops at the first rung that trips.
"""

from __future__ import annotations

import time
import warnings
from typing import Any

from cfglint.probe import SCOPE_STATEMENT
from cfglint.probe.checks import (
    FAIL,
    act_absmax,
    bf16_check,
    clipping_hid,
    headroom_bits,
    margin_check,
    run_checks,
    tripped,
    verdict,
)
from cfglint.probe.schedule import ema_init_share, time_warp
from cfglint.probe.spec import ProbeSpec

# Verdicts of a probe that did not train, each exit 3: it could not run (ERROR), the
# trainer rejects the file (REJECTED), or the run would rest on made-up values
# (INCONCLUSIVE). cfglint.probe.gate decides the last two.
ERROR, REJECTED, INCONCLUSIVE = "ERROR", "REJECTED", "INCONCLUSIVE"
NOT_RUN = (ERROR, REJECTED, INCONCLUSIVE)
EXIT = {"PASS": 0, "WARN": 0, "FAIL": 2, **dict.fromkeys(NOT_RUN, 3)}


def error_report(spec: ProbeSpec | None, message: str, **extra: Any) -> dict[str, Any]:
    """Report data for a probe that could not run (exit 3)."""
    return {"verdict": ERROR, "error": message, "spec": spec.to_dict() if spec else None,
            "resolved": [r.__dict__ for r in spec.resolved] if spec else [],
            "checks": [], "runs": [], "notes": [], "scope": SCOPE_STATEMENT, **extra}


def execute(spec: ProbeSpec, opts: Any, user_model: Any = None) -> dict[str, Any]:
    """Run the probe and return JSON-able report data (raises ProbeCannotRun)."""
    import torch

    from cfglint.probe.run import pick_device

    started = time.perf_counter()
    device = pick_device(opts.device)
    threads = torch.get_num_threads()
    if device.type == "cpu" and opts.size == "tiny":
        # tiny models gain nothing from intra-op threads and lose 10-100x on a busy CPU
        torch.set_num_threads(1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # anomaly-mode tracebacks, dtype notes
            return _execute(spec, opts, user_model, device, started)
    finally:
        torch.set_num_threads(threads)


def _execute(spec: ProbeSpec, opts: Any, user_model: Any, device: Any,
             started: float) -> dict[str, Any]:
    import torch

    from cfglint.probe import precision
    from cfglint.probe.optim import optimizer_class
    from cfglint.probe.run import DEFAULT_STEPS, prepare, replay

    optimizer_class(spec)  # a missing optional package fails before any pre-training

    deadline = started + opts.time_limit if opts.time_limit else None
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    steps = opts.steps or DEFAULT_STEPS.get(opts.size, 40)
    warp = time_warp(spec.scheduler, steps, spec.warmup_steps, spec.total_steps,
                     spec.first_sample_step, spec.num_cycles, spec.power)
    setup = prepare(spec, opts, device, user_model)
    runs = [replay(setup, spec, warp, 1.0, deadline)]
    checks = run_checks(spec, runs[0].to_dict())
    ladder: list[tuple[float, bool]] = [(1.0, tripped(checks))]
    rungs = sorted(k for k in opts.ladder if k > 1)
    if not ladder[0][1]:
        for k in rungs:
            if deadline is not None and time.perf_counter() > deadline:
                setup.notes.append(f"time limit: ladder stopped before {k:g}x")
                break
            run = replay(setup, spec, warp, k, deadline)
            runs.append(run)
            hit = tripped(run_checks(spec, run.to_dict()))
            ladder.append((k, hit))
            if hit:
                break
    p909, margin = margin_check(ladder, tuple(opts.ladder))
    tripped_higher = [r.to_dict() for r, (k, hit) in zip(runs, ladder, strict=True)
                      if k > 1 and hit]
    checks = [clipping_hid(c, tripped_higher) if c.code == "P908" else c for c in checks]
    checks.append(p909)
    checks.append(bf16_check(spec, str(device), precision.bf16_supported(device)))
    absmax, where, _first = act_absmax(runs[0].records)
    share = (ema_init_share(spec.ema_schedule, spec.ema_decay, spec.first_sample_step)
             if spec.ema_enabled and spec.first_sample_step is not None else None)
    peak = int(torch.cuda.max_memory_allocated(device)) if device.type == "cuda" else None
    result = verdict(checks)
    return {
        "verdict": result,
        "error": None,
        "spec": spec.to_dict(),
        "resolved": [r.__dict__ for r in spec.resolved],
        "surrogate": setup.notes[0] if setup.notes else "",
        "size": opts.size, "device": str(device), "steps": steps, "seed": opts.seed,
        "schedule": warp.describe(),
        "ema": {"enabled": spec.ema_enabled, "decay": spec.ema_decay,
                "schedule": spec.ema_schedule, "first_sample_step": spec.first_sample_step,
                "init_share_at_first_sample": share,
                "ema_progress": runs[0].ema_progress},
        "precision": {"mixed": spec.mixed, "train_dtype": spec.train_dtype,
                      "grad_scaler": spec.grad_scaler, "act_absmax": absmax, "at": where,
                      "fp16_headroom_bits": headroom_bits(absmax)},
        "checks": [c.to_dict() for c in checks],
        "margin": margin,
        "ladder": [{"multiplier": k, "tripped": t} for k, t in ladder],
        "runs": [r.to_dict() for r in runs],
        "pretrain": setup.pretrain,
        "notes": setup.notes[1:],
        "timing": {"seconds": time.perf_counter() - started, "peak_memory_bytes": peak},
        "scope": SCOPE_STATEMENT,
    }


def exit_code(report: dict[str, Any], strict: bool = False) -> int:
    v = report["verdict"]
    if v == "WARN" and strict:
        return 1
    return EXIT.get(v, 3)


__all__ = ["FAIL", "NOT_RUN", "error_report", "execute", "exit_code"]
