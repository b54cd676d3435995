"""`--plot out.png`: loss, gradient norm, LR and fp16 scale per ladder rung, one glance.

A failed probe's plot leads with what failed: the failing checks, activation absmax per
layer against fp16's largest value when fp16 overflowed, and the step (and tensor) of the
first non-finite value marked on every curve. A run that failed before its first step
still gets a plot that says why, not empty axes.

matplotlib is an optional extra (`plot`); the Agg backend keeps it headless.
"""

from __future__ import annotations

import math
import textwrap
from typing import Any

from cfglint.probe.checks import FAIL, FP16_MAX

SERIES = (("loss", "loss"), ("grad_norm", "grad norm (pre-clip)"), ("lr", "learning rate"))


def _num(value: Any) -> float:
    if isinstance(value, str):
        return float(value)  # "inf"/"nan" from strict JSON
    return math.nan if value is None else float(value)


def failed_checks(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in report.get("checks") or [] if c.get("status") == FAIL]


def first_bad_step(run: dict[str, Any]) -> tuple[int, str] | None:
    """The probe step where the run first went wrong and what went wrong there: the first
    non-finite value (with the tensor it was localised to) or the step that raised."""
    step = run.get("first_nonfinite_step")
    if step is not None:
        where = (run.get("localised") or "").split(";")[0].strip()
        return step, f"first non-finite value at step {step}" + (f": {where}" if where else "")
    if run.get("error"):
        step = run.get("error_step") or 0
        return step, textwrap.shorten(f"step {step} raised {run['error']}", 110)
    return None


def layer_absmax(run: dict[str, Any]) -> dict[str, float]:
    """Each probed layer's largest activation over the run, in forward order."""
    out: dict[str, float] = {}
    for rec in run["records"]:
        for name, val in rec["act_absmax"].items():
            v = _num(val)
            v = math.inf if math.isnan(v) else v
            out[name] = max(out.get(name, 0.0), v)
    return out


def plot_title(report: dict[str, Any]) -> str:
    """The figure's title: the verdict and, for a failure, the failing checks by code."""
    fails = failed_checks(report)
    if fails:
        codes = ", ".join(f"{c['code']} {c['name']}" for c in fails)
        bad = first_bad_step(report["runs"][0]) if report.get("runs") else None
        return f"cfglint probe: FAIL ({codes})" + (f"\n{bad[1]}" if bad else "")
    margin = report["margin"]
    margin_txt = f"margin {margin:g}x" if margin else "stable on every ladder rung"
    return f"cfglint probe: {report['verdict']} ({margin_txt}; red x = non-finite)"


def _fp16_overflowed(report: dict[str, Any]) -> bool:
    return any(c["code"] == "P903" for c in failed_checks(report))


def _failure_text(ax: Any, report: dict[str, Any]) -> None:
    """The failing checks' own messages, so the plot carries the cause without the log."""
    lines = []
    for c in failed_checks(report):
        at = f" (step {c['step']})" if c.get("step") is not None else ""
        lines.append(textwrap.shorten(f"{c['code']}{at}: {c['message']}", 160))
    ax.axis("off")
    ax.set_title("what failed", loc="left", fontsize=10)
    wrapped = "\n".join(textwrap.fill(line, 100, subsequent_indent="    ") for line in lines)
    ax.text(0.0, 1.0, wrapped, va="top", ha="left", fontsize=8, family="monospace",
            transform=ax.transAxes)


def _overflow_bars(ax: Any, run: dict[str, Any]) -> None:
    """Activation absmax per layer on a log axis with fp16's 65504 drawn across; a layer
    that overflowed (inf) is drawn above the line and labelled inf."""
    values = layer_absmax(run)
    finite = [v for v in values.values() if math.isfinite(v)]
    cap = max([FP16_MAX, *finite]) * 10
    heights = [v if math.isfinite(v) else cap for v in values.values()]
    colors = ["tab:red" if v > FP16_MAX else "tab:blue" for v in values.values()]
    bars = ax.bar(range(len(values)), heights, color=colors)
    for bar, v in zip(bars, values.values(), strict=True):
        if not math.isfinite(v):
            ax.annotate("inf", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                        ha="center", va="bottom", fontsize=8, color="tab:red")
    ax.axhline(FP16_MAX, color="red", linestyle="--", label=f"fp16 max {FP16_MAX:g}")
    ax.set_yscale("log")
    ax.set_ylim(bottom=min([FP16_MAX, *finite]) / 10)
    ax.set_xticks(range(len(values)), list(values), rotation=30, ha="right", fontsize=7)
    ax.set_ylabel("activation absmax")
    ax.set_title("fp16 overflow: activation absmax per layer vs fp16 max 65504",
                 loc="left", fontsize=10)
    ax.legend(loc="upper left", fontsize=8)


def _series(ax: Any, key: str, label: str, report: dict[str, Any]) -> None:
    """One quantity per ladder rung; non-finite values are red x at the panel's foot (a log
    axis cannot place them), and a panel with nothing finite says so."""
    finite_any = False
    for run in report["runs"]:
        steps = [r["step"] for r in run["records"]]
        values = [_num(r.get(key)) for r in run["records"]]
        finite_any |= any(math.isfinite(v) and v > 0 for v in values)
        ax.plot(steps, values, label=f"{run['multiplier']:g}x peak LR",
                marker="o" if len(steps) < 3 else None)  # a lone point has no line
        bad = [s for s, v in zip(steps, values, strict=True) if not math.isfinite(v)]
        if bad:
            ax.scatter(bad, [0.03] * len(bad), marker="x", color="red", zorder=3,
                       transform=ax.get_xaxis_transform())
    first = first_bad_step(report["runs"][0])
    if first is not None and failed_checks(report):
        ax.axvline(first[0], color="red", linestyle=":", label=f"first failure (step {first[0]})")
    if not finite_any:
        ax.text(0.5, 0.5, f"no finite {label} (red x = non-finite)", ha="center", va="center",
                color="tab:red", transform=ax.transAxes)
    ax.set_ylabel(label)
    if not finite_any:
        ax.set_yticks([])
    elif key != "lr":
        ax.set_yscale("log")
    ax.grid(alpha=0.3)


def _panels(report: dict[str, Any]) -> list[tuple[str, str]]:
    """Which panels the figure has, top to bottom: (kind, label)."""
    runs = report["runs"]
    out: list[tuple[str, str]] = []
    if failed_checks(report):
        out.append(("failure", "what failed"))
    if _fp16_overflowed(report) and layer_absmax(runs[0]):
        out.append(("overflow", "activation absmax"))
    if any(run["records"] for run in runs):
        out.extend(("series:" + key, label) for key, label in SERIES)
        if any(r.get("scale") is not None for run in runs for r in run["records"]):
            out.append(("series:scale", "GradScaler scale"))
    return out or [("failure", "what failed")]


def write_plot(report: dict[str, Any], path: str) -> list[str]:
    """Write the PNG (its title also goes into the PNG's Title text); return the title and
    panel labels, which name what failed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    panels = _panels(report)
    heights = [1.4 if kind == "failure" else 2.6 if kind == "overflow" else 2.1
               for kind, _l in panels]
    fig, axes = plt.subplots(len(panels), 1, figsize=(9, sum(heights) + 0.8), squeeze=False,
                             gridspec_kw={"height_ratios": heights})
    series_axes = []
    for ax, (kind, label) in zip(axes[:, 0], panels, strict=True):
        if kind == "failure":
            _failure_text(ax, report)
        elif kind == "overflow":
            _overflow_bars(ax, report["runs"][0])
        else:
            _series(ax, kind.split(":", 1)[1], label, report)
            series_axes.append(ax)
    last = max((r["step"] for run in report["runs"] for r in run["records"]), default=0)
    for ax in series_axes:  # set, not autoscaled: a curve of only non-finite values has none
        ax.set_xlim(-0.5, last + 0.5)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
    if series_axes:
        series_axes[0].legend(loc="upper right", fontsize=8)
        series_axes[-1].set_xlabel("probe optimizer step")
    title = plot_title(report)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata={"Title": title})
    plt.close(fig)
    return [title, *(label for _k, label in panels)]
