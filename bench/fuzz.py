"""The long fuzz campaign: mutated configs of every trainer and format through the check
and fix paths, in process, each under a time limit.

    python bench/fuzz.py [--inputs 100000] [--seed 1] [--fix-share 0.3] [--limit 10] [--jobs 2]
        [--progress 1000]

Prints the command, inputs, crashes (exceptions, internal errors, fixes the trainer's loader
rejects, fixes a second run changes), hangs over the limit, the slowest input and the time.
Mutants live in memory and one temp file (with $CFGLINT_FUZZ_KEEP set, each failing input is
written whole to that folder); with ../shared/corpus (or $CFGLINT_CORPUS) its
configs are seeds too. Exit 1 when anything crashed or hung.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sys
import tempfile
import time
import zlib
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fuzz_inputs import SUFFIX, Input, corpus_root, corpus_seeds, inputs, run_input


class _Hang(BaseException):
    """Raised by the alarm; a BaseException, so the runner's per-file catch lets it pass."""


def _alarm(_signum: int, _frame: object) -> None:
    raise _Hang()


def campaign(seed: int, count: int, fix_share: float, limit: int, show: int,
             progress: int = 0) -> dict[str, object]:
    """``count`` inputs from ``seed``: problem counts by kind, examples, hangs, timing.
    Every ``progress`` inputs (0: never) a line says how far it got, so that a campaign
    stopped early still has its figures."""
    from cfglint.families import FAMILY_NAMES

    rng = random.Random(seed)
    source = inputs(rng, corpus_seeds(corpus_root()), FAMILY_NAMES)
    signal.signal(signal.SIGALRM, _alarm)
    kinds: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    hangs = fixed = 0
    slowest = (0.0, "")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="cfglint-fuzz-") as tmp:
        for done in range(count):
            if progress and done and done % progress == 0:
                print(f"seed {seed}: {done:,} inputs, {time.perf_counter() - started:.0f} s, "
                      f"problems: {sum(kinds.values())} {dict(kinds)}", flush=True)
            inp = next(source)
            fix = rng.random() < fix_share
            t0 = time.perf_counter()
            signal.alarm(limit)
            try:
                problems = run_input(inp, Path(tmp), fix=fix, unsafe=rng.random() < 0.5)
            except _Hang:
                hangs += 1
                problems = [f"hang over {limit} s"]
            finally:
                signal.alarm(0)
            took = time.perf_counter() - t0
            fixed += fix
            if took > slowest[0]:
                slowest = (took, f"{inp.fmt}, {len(inp.text):,} chars")
            if problems:
                _keep(inp, seed, problems)
            for p in problems:
                kind = p.split(":")[0][:60]
                kinds[kind] += 1
                if len(examples.setdefault(kind, [])) < show:
                    examples[kind].append(f"{p[:300]} | {inp.fmt}: {inp.text[:300]!r}")
    return {"kinds": kinds, "examples": examples, "hangs": hangs, "fixed": fixed,
            "slowest": slowest}


def _keep(inp: Input, seed: int, problems: list[str]) -> None:
    """Write a failing input whole under $CFGLINT_FUZZ_KEEP (if set): a mutant is not
    reproducible from its seed in another process, and the report shows 300 characters."""
    folder = os.environ.get("CFGLINT_FUZZ_KEEP")
    if not folder:
        return
    data = inp.text if isinstance(inp.text, bytes) else inp.text.encode("utf-8", "surrogatepass")
    name = f"{seed}-{zlib.crc32(data):08x}{SUFFIX[inp.fmt]}"
    Path(folder).mkdir(parents=True, exist_ok=True)
    (Path(folder) / name).write_bytes(data)
    (Path(folder) / f"{name}.txt").write_text(
        f"family: {inp.family}\n" + "\n".join(problems) + "\n", encoding="utf-8")


def _chunk(args: tuple[int, int, float, int, int, int]) -> dict[str, object]:
    return campaign(*args)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--inputs", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--fix-share", type=float, default=0.3)
    ap.add_argument("--limit", type=int, default=10, help="seconds per input before a hang")
    ap.add_argument("--show", type=int, default=3, help="examples per kind of problem")
    ap.add_argument("--jobs", type=int, default=1, help="processes (each its own seed)")
    ap.add_argument("--progress", type=int, default=0,
                    help="print a progress line every N inputs per process (0: never)")
    args = ap.parse_args()
    print("command:", " ".join([sys.executable, *sys.argv]), flush=True)
    print(f"seeds: {len(corpus_seeds(corpus_root()))} corpus files + generated documents of "
          "every trainer")
    started = time.perf_counter()
    jobs = max(1, args.jobs)
    shares = [args.inputs // jobs + (1 if k < args.inputs % jobs else 0) for k in range(jobs)]
    tasks = [(args.seed * 1000 + k, n, args.fix_share, args.limit, args.show, args.progress)
             for k, n in enumerate(shares)]
    if jobs == 1:
        parts = [_chunk(tasks[0])]
    else:
        from multiprocessing import Pool

        with Pool(jobs) as pool:
            parts = pool.map(_chunk, tasks)
    kinds: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    for part in parts:
        kinds.update(part["kinds"])  # type: ignore[arg-type]
        for kind, exs in part["examples"].items():  # type: ignore[attr-defined]
            examples.setdefault(kind, []).extend(exs[: args.show])
    hangs = sum(int(p["hangs"]) for p in parts)  # type: ignore[call-overload]
    fixed = sum(int(p["fixed"]) for p in parts)  # type: ignore[call-overload]
    slowest = max((p["slowest"] for p in parts), key=lambda s: s[0])  # type: ignore[index]
    total = time.perf_counter() - started
    print(f"inputs: {args.inputs:,} ({fixed:,} through --fix), {jobs} processes, "
          f"time: {total:.0f} s, crashes: {sum(kinds.values()) - hangs}, hangs: {hangs}, "
          f"slowest input: {slowest[0]:.2f} s ({slowest[1]})")
    for kind, count in kinds.most_common():
        print(f"  {count:6}  {kind}")
        for ex in examples[kind][: args.show]:
            print(f"          {ex}")
    return 1 if kinds else 0


if __name__ == "__main__":
    sys.exit(main())
