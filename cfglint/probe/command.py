"""`cfglint probe CONFIG`: run the config's optimizer, schedule and precision on a surrogate.

Importing this module does not import torch; the run does, and a missing torch or
optional optimizer package is a "could not run" verdict naming the extra (exit 3).
Exit codes: 0 pass (and warn without --strict), 1 warn with --strict, 2 fail, 3 could not run.
"""

from __future__ import annotations

import importlib.util
from typing import Any

import click

from cfglint import install_hint
from cfglint.facts.model import Facts
from cfglint.probe.spec import ProbeSpec, spec_from_facts


def _ladder(_ctx: click.Context, _param: click.Parameter, value: str) -> tuple[float, ...]:
    try:
        rungs = tuple(float(x) for x in value.split(",") if x.strip())
    except ValueError as err:
        raise click.BadParameter(f"expected numbers like 1,3,10: {err}") from err
    if not rungs or any(k <= 0 for k in rungs):
        raise click.BadParameter("multipliers must be positive")
    return rungs


def load_facts(config: str, family: str | None = None) -> Facts:
    """Config → canonical facts exactly as ``cfglint check`` builds them: the file's
    settings (family globs, user mapping) apply (raises ProbeSetupError)."""
    from cfglint.families import detect_family, get_family
    from cfglint.pipeline import build_facts
    from cfglint.settings import settings_for
    from cfglint.source.read import read_path

    settings = settings_for(config)
    doc = read_path(config, max_bytes=settings.max_file_size)
    if doc.root is None or doc.problems:
        problem = doc.problems[0].message if doc.problems else "empty document"
        raise ProbeSetupError(f"{config} does not parse: {problem}")
    fam = get_family(detect_family(doc, family or settings.family_for(config)))
    return build_facts(doc, fam, settings)


class ProbeSetupError(RuntimeError):
    """The probe cannot start (exit 3)."""


def _emit(report: dict[str, Any], fmt: str, config: str) -> None:
    from cfglint.probe.report import render_json, render_text

    click.echo(render_json(report) if fmt == "json" else render_text(report, config), nl=False)
    if fmt == "json":
        click.echo("")


@click.command("probe")
@click.argument("config", type=click.Path(exists=True, dir_okay=False))
@click.option("--steps", type=click.IntRange(2, 100000), default=None,
              help="Optimizer steps per run (default: tiny 40, small 120, full 200).")
@click.option("--device", type=click.Choice(["auto", "cuda", "cpu"]), default="auto",
              show_default=True)
@click.option("--size", type=click.Choice(["tiny", "small", "full"]), default=None,
              help="Surrogate size (default: full on CUDA, tiny on CPU).")
@click.option("--ladder", default="1,3,10", show_default=True, callback=_ladder,
              help="LR multipliers of the stability ladder.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--model", "model_target", default=None, metavar="MODULE:FACTORY",
              help="Probe your own model, built by this factory (runs in a subprocess).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False), default=None,
              help="Write a PNG of loss, grad norm, LR and fp16 scale (needs the `plot` extra).")
@click.option("--time-limit", type=click.FloatRange(min=1.0), default=None,
              help="Seconds; the probe stops and reports what it measured.")
@click.option("--family", default=None, help="Override family detection.")
@click.option("--strict", is_flag=True, help="Exit 1 on WARN.")
def probe(config: str, steps: int | None, device: str, size: str | None,
          ladder: tuple[float, ...], seed: int, model_target: str | None, fmt: str,
          plot_path: str | None, time_limit: float | None, family: str | None,
          strict: bool) -> None:
    """Run the config's optimizer, schedule and precision on a surrogate and judge the numerics."""
    from cfglint.probe.engine import error_report, exit_code

    spec: ProbeSpec | None = None
    try:
        spec = spec_from_facts(load_facts(config, family))
        report = _run(spec, steps, device, size, ladder, seed, model_target, time_limit)
    except ProbeSetupError as err:
        report = error_report(spec, str(err))
    except Exception as err:  # a probe that cannot run is exit 3 with one line (§4)
        import os

        if os.environ.get("CFGLINT_DEBUG"):
            raise
        text = str(err).splitlines()[0][:300] if str(err) else ""
        report = error_report(spec, f"the probe could not run: {type(err).__name__}"
                              f"{': ' + text if text else ''} (set CFGLINT_DEBUG=1 for a "
                              "traceback)")
    if plot_path and report["verdict"] != "ERROR":
        try:
            from cfglint.probe.plot import write_plot

            write_plot(report, plot_path)
        except ImportError:
            report.setdefault("notes", []).append(
                f"--plot needs matplotlib: {install_hint('plot')}")
    _emit(report, fmt, config)
    raise SystemExit(exit_code(report, strict))


def _run(spec: ProbeSpec, steps: int | None, device: str, size: str | None,
         ladder: tuple[float, ...], seed: int, model_target: str | None,
         time_limit: float | None) -> dict[str, Any]:
    if importlib.util.find_spec("torch") is None:
        raise ProbeSetupError(f"the probe needs torch: {install_hint('probe')}")
    from cfglint.probe.engine import error_report, execute
    from cfglint.probe.optim import ProbeCannotRun
    from cfglint.probe.run import Options

    resolved_size = size
    if resolved_size is None:
        import torch

        cuda = device == "cuda" or (device == "auto" and torch.cuda.is_available())
        resolved_size = "full" if cuda else "tiny"
    opts = Options(steps=steps, device=device, size=resolved_size, ladder=ladder, seed=seed,
                   time_limit=time_limit)
    if model_target:
        from cfglint.probe.hook import run_hook

        return run_hook(spec, opts, model_target, time_limit)
    try:
        return execute(spec, opts)
    except ProbeCannotRun as err:
        return error_report(spec, str(err))
