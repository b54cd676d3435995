"""Time ``cfglint review`` on a pull request that touches 50 configs.

A temporary git repository gets 50 configs at its base (copies of this repository's own
examples and probe configs, in separate folders), and a head commit that edits every one
of them (a changed value, an appended comment) and renames five. The review runs as a
fresh process, as CI pays for it; the median wall time of a few runs is printed, with
the CPU time (what the figure would be on an idle machine with one core):

    python bench/review.py [--files 50] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = sorted([*ROOT.glob("examples/*.y*ml"), *ROOT.glob("bench/probe_configs/*")])
ENV = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.com",
       "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@example.com"}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          env=ENV, check=True).stdout.strip()


def edited(text: str) -> str:
    """A plausible edit: a run length and a decay changed, a comment added at the end."""
    return (text.replace("2000", "1000").replace("0.999", "0.9999")
            .replace("steps: 1200", "steps: 600") + "# tuned for the new dataset\n")


def make_pr(repo: Path, files: int) -> None:
    git(repo, "init", "-q", "-b", "main")
    names = []
    for i in range(files):
        template = TEMPLATES[i % len(TEMPLATES)]
        name = f"configs/run{i:02d}/{template.name}"
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(template.read_text(encoding="utf-8"), encoding="utf-8")
        names.append(name)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    git(repo, "checkout", "-q", "-b", "feature")
    for i, name in enumerate(names):
        path = repo / name
        path.write_text(edited(path.read_text(encoding="utf-8")), encoding="utf-8")
        if i % 10 == 0:
            moved = repo / name.replace("/run", "/moved")
            moved.parent.mkdir(parents=True, exist_ok=True)
            git(repo, "mv", name, str(moved.relative_to(repo)))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "head")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp)
        make_pr(repo, args.files)
        cmd = [sys.executable, "-m", "cfglint", "review", "--base", "main", "--dry-run",
               "--format", "json"]
        times, cpu, plan = [], [], {}
        for _ in range(args.runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            proc = subprocess.run(cmd, cwd=repo, capture_output=True, text=True, check=False)
            times.append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
            if proc.returncode not in (0, 1):
                print(proc.stderr, file=sys.stderr)
                return 2
            plan = json.loads(proc.stdout)
        print(f"cfglint review of a {args.files}-file pull request: median "
              f"{statistics.median(times):.2f} s over {args.runs} runs "
              f"(min {min(times):.2f} s, CPU {statistics.median(cpu):.2f} s); "
              f"{plan['new']} new, {plan['fixed']} fixed, "
              f"{plan['existing']} existing, {len(plan['comments'])} inline comments; "
              f"{os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
