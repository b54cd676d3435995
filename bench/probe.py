"""GPU evidence for `cfglint probe`: time to verdict and peak GPU memory per config.

    python bench/probe.py CONFIG... --size full --device cuda --out results.jsonl

One JSON line per config: verdict, margin, failing checks, seconds to verdict (ladder
included), pre-training seconds, peak ``torch.cuda.max_memory_allocated`` and the device.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def bench_one(config: str, args: argparse.Namespace) -> dict[str, Any]:
    import torch

    from cfglint.probe.command import ProbeSetupError, load_facts
    from cfglint.probe.engine import execute
    from cfglint.probe.optim import ProbeCannotRun
    from cfglint.probe.run import Options
    from cfglint.probe.spec import spec_from_facts

    row: dict[str, Any] = {"config": config, "size": args.size, "device": args.device}
    if torch.cuda.is_available():
        row["gpu"] = torch.cuda.get_device_name(0)
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()
    start = time.perf_counter()
    try:
        spec = spec_from_facts(load_facts(config, args.family))
        opts = Options(steps=args.steps, device=args.device, size=args.size,
                       ladder=tuple(float(x) for x in args.ladder.split(",")), seed=args.seed)
        report = execute(spec, opts)
    except (ProbeSetupError, ProbeCannotRun) as err:
        row.update(verdict="ERROR", error=str(err), seconds=time.perf_counter() - start)
        return row
    row.update(
        verdict=report["verdict"], margin=report["margin"],
        surrogate=report["spec"]["surrogate"], family=report["spec"]["model_family"],
        steps=report["steps"],
        failing=[f"{c['code']}:{c['status']}" for c in report["checks"] if c["status"] != "PASS"],
        seconds=round(time.perf_counter() - start, 2),
        pretrain_seconds=round(report["pretrain"].get("seconds", 0.0), 2),
        runs=[{"multiplier": r["multiplier"], "steps": len(r["records"]),
               "seconds": round(r["seconds"], 2)} for r in report["runs"]],
        peak_memory_gib=(round(torch.cuda.max_memory_allocated() / 2**30, 3)
                         if torch.cuda.is_available() else None),
    )
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("configs", nargs="+")
    parser.add_argument("--size", default="full", choices=["tiny", "small", "full"])
    parser.add_argument("--device", default="cuda", choices=["auto", "cuda", "cpu"])
    parser.add_argument("--steps", type=int, default=None)
    parser.add_argument("--ladder", default="1,3,10")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--family", default=None)
    parser.add_argument("--out", default="-", help="JSON lines file (default: stdout)")
    args = parser.parse_args(argv)
    out = sys.stdout if args.out == "-" else open(args.out, "a", encoding="utf-8")
    try:
        for config in args.configs:
            row = bench_one(config, args)
            out.write(json.dumps(row) + "\n")
            out.flush()
            print(f"{config}: {row['verdict']} in {row.get('seconds')} s, peak "
                  f"{row.get('peak_memory_gib')} GiB", file=sys.stderr)
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
