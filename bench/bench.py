"""Benchmark cfglint against yamllint and check-jsonschema, measured in the same run.

(a) one ai-toolkit config; (b) every file of the corpus. Each tool runs as a fresh
process (what a user or pre-commit pays), repeated; medians and ratios are printed.
The tools live in a bench environment (bench/.env) created on first use, so the
comparison does not depend on what happens to be installed.

    python bench/bench.py [--runs 7] [--corpus ../shared/corpus] [--no-setup]
"""

from __future__ import annotations

import argparse
import os
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


def timed(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


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
    single = {
        "cfglint": timed([which["cfglint"], str(one)], args.runs),
        "yamllint": timed([which["yamllint"], "-d", yamllint_conf, str(one)], args.runs),
        "check-jsonschema": timed([which["check-jsonschema"], "--schemafile", str(schema),
                                   str(one)], args.runs),
    }
    rows.append(("one ai-toolkit file", single))
    if (corpus / "MANIFEST.tsv").exists():
        files = corpus_files(corpus)
        yaml_files = [f for f in files if f.endswith((".yaml", ".yml"))]
        runs = max(3, args.runs // 2)
        whole = {
            "cfglint": timed([which["cfglint"], "--exit-zero", "-q", *files], runs),
            "yamllint": timed([which["yamllint"], "-d", yamllint_conf, *yaml_files], runs),
            "check-jsonschema": timed([which["check-jsonschema"], "--schemafile",
                                       str(ROOT / "bench" / "any.schema.json"), *files], runs),
        }
        rows.append((f"corpus ({len(files)} files; yamllint: {len(yaml_files)} YAML)", whole))
    for title, res in rows:
        print(f"\n{title}: median wall time over repeated runs")
        for tool, sec in res.items():
            print(f"  {tool:<18} {sec * 1000:8.1f} ms")
        print(f"  ratio cfglint/yamllint         {res['cfglint'] / res['yamllint']:.2f}"
              "   (target <= 1.0)")
        print(f"  ratio cfglint/check-jsonschema {res['cfglint'] / res['check-jsonschema']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
