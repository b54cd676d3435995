"""`--model module:factory`: the user's model, run in a subprocess with a time limit.

The hook is user code, so it never runs in the cfglint process: a child
process imports it, calls ``factory(spec)`` and runs the probe around the object it
returns; any failure there (import error, exception, crash, timeout) comes back as a
"could not run" report instead of a traceback.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import tempfile
import traceback
from dataclasses import asdict
from typing import Any

from cfglint.probe.engine import error_report
from cfglint.probe.spec import ProbeSpec

DEFAULT_TIMEOUT = 600.0


def _load_factory(target: str) -> Any:
    if ":" not in target:
        raise ValueError(f"--model expects module:factory, got {target!r}")
    module, attr = target.split(":", 1)
    sys.path.insert(0, os.getcwd())
    obj: Any = importlib.import_module(module)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


def run_hook(spec: ProbeSpec, opts: Any, target: str, timeout: float | None) -> dict[str, Any]:
    """Run the probe on the user's model in a child process; never raises for hook errors."""
    limit = timeout or DEFAULT_TIMEOUT
    with tempfile.TemporaryDirectory(prefix="cfglint-probe-") as tmp:
        job = os.path.join(tmp, "job.json")
        out = os.path.join(tmp, "report.json")
        with open(job, "w", encoding="utf-8") as fh:
            json.dump({"spec": spec.to_dict(), "opts": asdict(opts), "target": target,
                       "out": out}, fh, default=str)
        cmd = [sys.executable, "-m", "cfglint.probe.hook", job]
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (_package_root(), os.getcwd(), env.get("PYTHONPATH", "")) if p)
        log = os.path.join(tmp, "hook.log")
        # its own session and process group, so whatever the hook starts dies with it; output
        # to a file, not a pipe a leftover helper could hold open
        with open(log, "w", encoding="utf-8") as sink:
            proc = subprocess.Popen(cmd, stdout=sink, stderr=subprocess.STDOUT, env=env,
                                    start_new_session=True)
            try:
                proc.wait(timeout=limit)
            except subprocess.TimeoutExpired:
                return error_report(spec, f"model hook {target} did not finish within "
                                    f"{limit:g} s (--time-limit)")
            finally:
                _kill_group(proc)  # at the limit, and helpers the hook left running
        if os.path.exists(out):
            with open(out, encoding="utf-8") as fh:
                data: dict[str, Any] = json.load(fh)
            return data
        with open(log, encoding="utf-8", errors="replace") as fh:
            tail = fh.read().strip().splitlines()[-5:]
        return error_report(spec, f"model hook {target} exited with code {proc.returncode}: "
                            + " | ".join(tail))


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the hook's whole process group (the child leads it) and reap the child."""
    import signal

    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL is not ignorable
        pass


def _package_root() -> str:
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _child(job_path: str) -> int:
    from cfglint.probe.run import Options

    with open(job_path, encoding="utf-8") as fh:
        job = json.load(fh)
    spec = ProbeSpec.from_dict(job["spec"])
    raw = job["opts"]
    raw["ladder"] = tuple(raw.get("ladder", (1.0,)))
    opts = Options(**raw)
    target = job["target"]
    try:
        from cfglint.probe.run import pick_device

        spec.device = str(pick_device(opts.device))
        factory = _load_factory(target)
        model = factory(spec)
        from cfglint.probe.engine import execute

        report = execute(spec, opts, user_model=model)
        report["surrogate"] = f"user model from {target}: {type(model).__name__}"
    except Exception as err:  # user code: report, never raise
        last = traceback.extract_tb(err.__traceback__)[-1:]
        where = f" at {last[0].filename}:{last[0].lineno}" if last else ""
        report = error_report(spec, f"model hook {target} raised "
                              f"{type(err).__name__}: {err}{where}")
    from cfglint.probe.report import _clean

    with open(job["out"], "w", encoding="utf-8") as fh:
        json.dump(_clean(report), fh)
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1]))
