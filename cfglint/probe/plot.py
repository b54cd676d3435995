"""`--plot out.png`: loss, gradient norm, LR and fp16 scale per ladder rung, one glance.

matplotlib is an optional extra (`plot`); the Agg backend keeps it headless.
"""

from __future__ import annotations

import math
from typing import Any


def _num(value: Any) -> float:
    if isinstance(value, str):
        return float(value)  # "inf"/"nan" from strict JSON
    return math.nan if value is None else float(value)


def write_plot(report: dict[str, Any], path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs = report["runs"]
    has_scale = any(r.get("scale") is not None for run in runs for r in run["records"])
    panels = [("loss", "loss"), ("grad_norm", "grad norm (pre-clip)"), ("lr", "learning rate")]
    if has_scale:
        panels.append(("scale", "GradScaler scale"))
    fig, axes = plt.subplots(len(panels), 1, figsize=(8, 2.3 * len(panels)), sharex=True)
    for ax, (key, title) in zip(axes, panels, strict=True):
        for run in runs:
            steps = [r["step"] for r in run["records"]]
            values = [_num(r.get(key)) for r in run["records"]]
            ax.plot(steps, values, label=f"{run['multiplier']:g}x peak LR")
            bad = [s for s, v in zip(steps, values, strict=True) if not math.isfinite(v)]
            if bad:
                ax.scatter(bad, [0.0] * len(bad), marker="x", color="red", zorder=3)
        ax.set_ylabel(title)
        if key != "lr":
            ax.set_yscale("log")
        ax.grid(alpha=0.3)
    axes[0].legend(loc="upper right", fontsize=8)
    margin = report["margin"]
    margin_txt = f"margin {margin:g}x" if margin else "stable on every ladder rung"
    axes[0].set_title(f"cfglint probe: {report['verdict']} ({margin_txt}; red x = non-finite)")
    axes[-1].set_xlabel("probe optimizer step")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
