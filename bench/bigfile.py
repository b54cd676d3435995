"""A config of about 10 MB through `cfglint check`: wall time and peak RSS per format.

    python bench/bigfile.py [--mb 10] [--formats yaml,json,toml] [--shape runs] [--fix]

Each file is a list of runs, the shape of a generated sweep: ``--shape runs`` gives each run
as a block of keys ({name, lr, steps}: YAML block mappings, JSON objects, TOML ``[[runs]]``
tables), ``--shape nested`` as one line of nested flow collections (YAML flow mappings, JSON
objects on one line, TOML inline tables in an array of tables), the shapes each reader takes
its slowest way through. ``--shape unknown`` is one flat mapping of keys no trainer reads,
checked as a trainer with a closed set of options (``UNKNOWN_AS``): one problem per key,
the most a file can make. ``--shape dense`` is one list of small numbers and ``--shape
twice`` one key set again on every line: the most values and duplicates 10 MB can hold,
which cfglint refuses past its bound on values (CFG004) or reports up to a bound (CFG012).
cfglint runs as a fresh process with the default size limit; the child's peak RSS comes
from getrusage. The bound: at most 10 s and 300 MiB for 10 MB.
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# the trainer each format's ``unknown`` file is checked as (one that rejects unknown keys)
UNKNOWN_AS = {"json": "simpletuner", "yaml": "ai-toolkit", "toml": "kohya"}


def _item(fmt: str, shape: str, i: int, lr: str, steps: int) -> str:
    if shape == "dense":
        return {"yaml": f"- {steps}\n", "json": f"{steps},\n", "toml": f"{steps},\n"}[fmt]
    if shape == "twice":
        return {"yaml": f"lr: {lr}\n", "json": f'"lr": {lr},\n', "toml": f"lr = {lr}\n"}[fmt]
    if shape == "unknown":
        key = f"setting_{i:07d}_x"
        return {"yaml": f"{key}: {steps}\n", "json": f'"{key}": {steps},\n',
                "toml": f"{key} = {steps}\n"}[fmt]
    if shape == "nested":
        opt = f"type: adamw, lr: {lr}, betas: [0.9, 0.999]"
        return {"yaml": f"  - {{name: run{i}, optimizer: {{{opt}}}, train: {{steps: {steps}}}}}\n",
                "json": f'{{"name": "run{i}", "optimizer": {{"type": "adamw", "lr": {lr}, '
                        f'"betas": [0.9, 0.999]}}, "train": {{"steps": {steps}}}}},\n',
                "toml": f'[[runs]]\nname = "run{i}"\noptimizer = {{type = "adamw", lr = {lr}, '
                        f'betas = [0.9, 0.999]}}\ntrain = {{steps = {steps}}}\n'}[fmt]
    return {"yaml": f"  - name: run{i}\n    lr: {lr}\n    steps: {steps}\n",
            "json": f'{{"name": "run{i}", "lr": {lr}, "steps": {steps}}},\n',
            "toml": f'[[runs]]\nname = "run{i}"\nlr = {lr}\nsteps = {steps}\n'}[fmt]


def make(fmt: str, size: int, rng: random.Random, shape: str = "runs") -> str:
    parts: list[str] = []
    total = i = 0
    flat = shape in ("unknown", "twice")
    head = {"yaml": "" if flat else "runs:\n", "json": "{\n" if flat else '{"runs": [\n',
            "toml": "runs = [\n" if shape == "dense" else ""}[fmt]
    parts.append(head)
    while total < size:
        lr, steps = f"{rng.random():.6f}", rng.randint(1, 10000)
        item = _item(fmt, shape, i, lr, steps)
        parts.append(item)
        total += len(item)
        i += 1
    if fmt == "json":
        parts[-1] = parts[-1].rstrip(",\n") + "\n"
        parts.append("}\n" if flat else "]}\n")
    elif fmt == "toml" and shape == "dense":
        parts.append("]\n")
    return "".join(parts)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=9.9)
    ap.add_argument("--formats", default="yaml,json,toml")
    ap.add_argument("--shape", default="runs",
                    choices=("runs", "nested", "unknown", "dense", "twice"))
    ap.add_argument("--fix", action="store_true")
    args = ap.parse_args()
    rng = random.Random(0)
    worst = 0
    with tempfile.TemporaryDirectory(prefix="cfglint-big-") as tmp:
        for fmt in args.formats.split(","):
            path = Path(tmp) / f"big.{fmt}"
            path.write_text(make(fmt, int(args.mb * 1e6), rng, args.shape), encoding="utf-8")
            cmd = [sys.executable, "-m", "cfglint", "check", "--exit-zero", "--format", "json",
                   "--select", "ALL", str(path)] + (["--fix"] if args.fix else [])
            if args.shape == "unknown":
                cmd += ["--family", UNKNOWN_AS[fmt]]
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, check=False)
            took = time.perf_counter() - t0
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            peak = after.ru_maxrss
            cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
            # on a shared, loaded machine the CPU time is the figure that compares
            print(f"{fmt} ({args.shape}): {path.stat().st_size / 1e6:.1f} MB, "
                  f"{took:.1f} s ({cpu:.1f} s CPU), "
                  f"peak RSS {max(peak, before.ru_maxrss) / 1024:.0f} MiB (of all runs so far), "
                  f"exit {proc.returncode}"
                  f", {len(proc.stdout):,} bytes of output")
            print("  command:", " ".join(cmd))
            if proc.returncode not in (0, 1):  # a usage or settings error says why on stderr
                print("  stderr:", proc.stderr.decode("utf-8", "replace")[-2000:])
            worst = max(worst, proc.returncode)
    return worst


if __name__ == "__main__":
    sys.exit(main())
