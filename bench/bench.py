"""Benchmark cfglint against yamllint and check-jsonschema, measured in the same run.

(a) one ai-toolkit config; (b) every file of the corpus. Each tool runs as a fresh
process (what a user or pre-commit pays), the tools taking turns in each repetition so that
a change in the machine's load hits all of them alike; medians of wall time and of the
process's CPU time (user + system, from getrusage: steadier on a shared machine) and their
ratios are printed.
The tools live in a bench environment (bench/.env) created on first use, so the
comparison does not depend on what happens to be installed.

    python bench/bench.py [--runs 7] [--corpus ../shared/corpus] [--no-setup]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = ROOT / "bench" / ".env"


def _bin(name: str) -> str:
    return str(ENV / "bin" / name)


def setup() -> None:
    """Create the bench environment once; reinstall this checkout's cfglint every run."""
    if not (ENV / "bin" / "check-jsonschema").exists():
        subprocess.run([sys.executable, "-m", "venv", str(ENV)], check=True)
        subprocess.run([_bin("pip"), "install", "-q", "yamllint", "check-jsonschema"],
                       check=True)
    subprocess.run([_bin("pip"), "install", "-q", "--force-reinstall", "--no-deps", str(ROOT)],
                   check=True)
    # ruamel.yaml, tomlkit, jsonschema and click (already there for check-jsonschema)
    subprocess.run([_bin("pip"), "install", "-q", "ruamel.yaml", "tomlkit", "click"], check=True)


def once(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``cmd``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def timed(cmds: dict[str, list[str]], runs: int) -> dict[str, tuple[float, float]]:
    """Median wall and CPU seconds of each command, the commands taking turns."""
    walls: dict[str, list[float]] = {name: [] for name in cmds}
    cpus: dict[str, list[float]] = {name: [] for name in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            wall, cpu = once(cmd)
            walls[name].append(wall)
            cpus[name].append(cpu)
    return {name: (statistics.median(walls[name]), statistics.median(cpus[name]))
            for name in cmds}


def corpus_files(corpus: Path) -> list[str]:
    out = []
    for line in (corpus / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        out.append(str(corpus / line.split("\t")[4]))
    return out


def main() -> int:
    # measure what users run: byte-compiled modules (some sandboxes disable .pyc writing)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--corpus", default=os.environ.get("CFGLINT_CORPUS",
                                                       str(ROOT.parent / "shared" / "corpus")))
    ap.add_argument("--no-setup", action="store_true",
                    help="use cfglint/yamllint/check-jsonschema from PATH instead of bench/.env")
    args = ap.parse_args()
    if args.no_setup:
        which = {n: n for n in ("cfglint", "yamllint", "check-jsonschema")}
    else:
        setup()
        which = {n: _bin(n) for n in ("cfglint", "yamllint", "check-jsonschema")}
    corpus = Path(args.corpus)
    one = corpus / "ai-toolkit/ostris__ai-toolkit/config/examples/train_lora_flux_24gb.yaml"
    if not one.exists():
        one = ROOT / "examples" / "ai_toolkit_flux_lora.yaml"
    schema = ROOT / "schemas" / "ai-toolkit.schema.json"
    if not schema.exists():
        schema = ROOT / "schemas" / "sedd.schema.json"
    yamllint_conf = "{extends: relaxed, rules: {line-length: disable}}"
    env_cache = tempfile.mkdtemp(prefix="cfglint-bench-cache-")
    os.environ["CFGLINT_CACHE_DIR"] = env_cache
    subprocess.run([which["cfglint"], str(one)], stdout=subprocess.DEVNULL, check=False)  # warm
    rows = []
    single = timed({
        "cfglint": [which["cfglint"], str(one)],
        "yamllint": [which["yamllint"], "-d", yamllint_conf, str(one)],
        "check-jsonschema": [which["check-jsonschema"], "--schemafile", str(schema), str(one)],
    }, args.runs)
    rows.append(("one ai-toolkit file", single))
    if (corpus / "MANIFEST.tsv").exists():
        files = corpus_files(corpus)
        yaml_files = [f for f in files if f.endswith((".yaml", ".yml"))]
        runs = max(3, args.runs // 2)
        whole = timed({
            "cfglint": [which["cfglint"], "--exit-zero", "-q", *files],
            "yamllint": [which["yamllint"], "-d", yamllint_conf, *yaml_files],
            "check-jsonschema": [which["check-jsonschema"], "--schemafile",
                                 str(ROOT / "bench" / "any.schema.json"), *files],
        }, runs)
        rows.append((f"corpus ({len(files)} files; yamllint: {len(yaml_files)} YAML)", whole))
    for title, res in rows:
        print(f"\n{title}: medians over {args.runs} runs (corpus: {max(3, args.runs // 2)})")
        print(f"  {'':<30} {'wall':>8} {'CPU':>8}")
        for tool, (wall, cpu) in res.items():
            print(f"  {tool:<30} {wall * 1000:6.1f}ms {cpu * 1000:6.1f}ms")
        for anchor in ("yamllint", "check-jsonschema"):
            ratios = [res["cfglint"][i] / res[anchor][i] for i in (0, 1)]
            print(f"  {'ratio cfglint/' + anchor:<30} {ratios[0]:8.2f} {ratios[1]:8.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
