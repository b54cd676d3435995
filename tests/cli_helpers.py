"""Run cfglint as a real process (exit codes, stdin, tty) and small config fixtures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# A BasicSR option file (detected by network_g / train.optim_g): BasicSR loads it with PyYAML,
# so `lr: 2e-4` is the string "2e-4" and CFG705 is an error with a safe fix.
BASICSR = """\
name: demo
network_g:
  type: RRDBNet
train:
  optim_g:
    type: Adam
    lr: 2e-4
"""
BASICSR_FIXED = BASICSR.replace("lr: 2e-4", "lr: 2.0e-4")


def env() -> dict[str, str]:
    out = dict(os.environ)
    out["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), out.get("PYTHONPATH", "")) if p)
    for name in ("CFGLINT_DEBUG", "FORCE_COLOR", "NO_COLOR", "PRE_COMMIT",
                 "CFGLINT_OUTPUT_FORMAT", "GITHUB_STEP_SUMMARY"):
        out.pop(name, None)
    return out


def run_cfglint(*args: str, cwd: Path, stdin: bytes | None = None, timeout: float = 120,
                extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m cfglint ARGS`` in ``cwd``; stdout/stderr decoded as UTF-8."""
    proc = subprocess.run([sys.executable, "-m", "cfglint", *args], cwd=cwd,
                          env={**env(), **(extra_env or {})},
                          input=stdin if stdin is not None else b"", capture_output=True,
                          timeout=timeout, check=False)
    return subprocess.CompletedProcess(proc.args, proc.returncode,
                                       proc.stdout.decode("utf-8", "replace"),
                                       proc.stderr.decode("utf-8", "replace"))


def run_json(*args: str, cwd: Path) -> tuple[int, list[dict[str, Any]]]:
    proc = run_cfglint("--format", "json", *args, cwd=cwd)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def codes(findings: list[dict[str, Any]]) -> list[str]:
    return [f["code"] for f in findings]


def no_traceback(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stdout, proc.stdout
    assert "internal error" not in proc.stderr, proc.stderr
