"""Text and JSON rendering of probe report data (no torch).

The text report always ends with the scope statement, so a PASS is never read as more
than a surrogate can prove.
"""

from __future__ import annotations

import json
import math
from typing import Any

from cfglint.probe.engine import NOT_RUN


def _clean(value: Any) -> Any:
    """Strict JSON: non-finite floats become the strings "inf", "-inf", "nan"."""
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def render_json(report: dict[str, Any], records: bool = True) -> str:
    data = dict(report)
    if not records:
        data["runs"] = [{k: v for k, v in r.items() if k != "records"} for r in data["runs"]]
    return json.dumps(_clean(data), indent=2, sort_keys=False)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict):
        return ", ".join(f"{k}={_fmt(v)}" for k, v in value.items()) or "{}"
    return str(value)


def _not_run(report: dict[str, Any], config: str) -> list[str]:
    """Head of a report whose probe did not train: the verdict, then what stopped it."""
    verdict = report["verdict"]
    if verdict == "ERROR":
        return [f"verdict: could not run: {report['error']}"]
    lines = [f"verdict: {verdict} (not run): {report['error']}"]
    for item in report.get("rejected_by") or []:
        at = f"{config}:{item['line']}:{item['column']}: " if item.get("line") else ""
        code = f"{item['code']} " if item.get("code") else ""
        lines.append(f"  {at}{code}{item['message']}")
    for gap in report.get("gaps") or []:
        need = gap["need"]
        if gap["why"]:
            lines.append(f"  {need}: {gap['why']}")
        for f in gap["facts"]:
            lines.append(f"  {need}: {f['name']} = {_fmt(f['value'])} ({f['note']})")
    if report.get("hint"):
        lines.append(report["hint"])
    return lines


def render_text(report: dict[str, Any], config: str = "") -> str:
    spec = report.get("spec") or {}
    head = f"cfglint probe {config}".rstrip()
    if report["verdict"] in NOT_RUN:
        # nothing was measured, so there is no scope of a measurement to state
        lines = [head, *_not_run(report, config), *_resolved(report, spec)]
        return "\n".join(lines) + "\n"
    lines = [head + f"  [{spec.get('trainer')}, surrogate {spec.get('surrogate')}, "
             f"size {report['size']}, {report['device']}, {report['steps']} steps, "
             f"seed {report['seed']}]", f"verdict: {report['verdict']}",
             *_resolved(report, spec), *_measured(report),
             "", "Scope: what a surrogate can and cannot prove", report["scope"]]
    return "\n".join(lines) + "\n"


def _resolved(report: dict[str, Any], spec: dict[str, Any]) -> list[str]:
    if not report.get("resolved"):
        return []
    lines = ["", "Resolved facts (origin: explicit/default/derived from the config and the "
             "trainer's defaults, rewrite = the trainer's own rewrite, probe-default = a "
             "stand-in of the probe's own)"]
    for r in report["resolved"]:
        note = f"  ({r['note']})" if r.get("note") else ""
        lines.append(f"  {r['name']:<22} {_fmt(r['value']):<14} {r['origin']}{note}")
    if spec:
        scale = (f"lr {_fmt(spec['lr'])} x LoRA scale {_fmt(spec['lora_scale'])}"
                 if spec.get("method") == "lora" else "full fine-tune: the lr itself")
        lines.append(f"  {'effective lr':<22} {_fmt(spec['effective_lr']):<14} derived  "
                     f"({scale})")
        lines.append(f"  {'optimizer (built)':<22} {spec['optimizer']} "
                     f"{_fmt(spec['optimizer_args'])}")
    return lines


def _measured(report: dict[str, Any]) -> list[str]:
    ema = report["ema"]
    prec = report["precision"]
    pre = report["pretrain"]
    lines = ["", f"Surrogate: {report['surrogate']}",
             f"Pre-training (fp32): {pre.get('steps', 0)} steps, loss "
             f"{_fmt(pre.get('loss_first'))} -> {_fmt(pre.get('loss_last'))}" if pre else
             "Pre-training: none (user model)", f"Schedule: {report['schedule']}"]
    if ema["enabled"]:
        share = ema["init_share_at_first_sample"]
        share_txt = (f"; initial weights are {share:.0%} of the EMA at the first sample step "
                     f"{ema['first_sample_step']}" if share is not None else "")
        lines.append(f"EMA: decay {ema['decay']} ({ema['schedule']}){share_txt}")
    lines.append(f"Precision: mixed {prec['mixed']}, trainable {prec['train_dtype']}, "
                 f"GradScaler {'yes' if prec['grad_scaler'] else 'no'}; activation absmax "
                 f"{_fmt(prec['act_absmax'])} at {prec['at'] or '-'}, fp16 headroom "
                 f"{_fmt(prec['fp16_headroom_bits'])} bits")
    lines += ["", "Checks"]
    for c in report["checks"]:
        at = f" @step {c['step']}" if c.get("step") is not None else ""
        lines.append(f"  {c['code']} {c['status']:<4} {c['name']:<20}{at}  {c['message']}")
    ladder = ", ".join(f"{x['multiplier']:g}x {'tripped' if x['tripped'] else 'ok'}"
                       for x in report["ladder"])
    margin = report["margin"]
    lines += ["", f"Stability margin: {f'{margin:g}x' if margin else 'beyond the ladder'} "
              f"(ladder: {ladder})"]
    lines += [f"Note: {note}" for note in report.get("notes", [])]
    timing = report["timing"]
    mem = timing.get("peak_memory_bytes")
    lines.append(f"Time: {timing['seconds']:.1f} s" +
                 (f"; peak GPU memory {mem / 2**30:.2f} GiB" if mem else ""))
    return lines
