"""`cfglint probe CONFIG`: run the config's optimizer, schedule and precision on a surrogate.

Nothing trains before the file has been through ``cfglint check`` (the same pipeline, the
file's settings): a file the trainer rejects is REJECTED with those errors, and a run that
would rest on values the probe made up is INCONCLUSIVE with the list (cfglint.probe.gate).
Importing this module does not import torch; the run does, and a missing torch or
optional optimizer package is a "could not run" verdict naming the extra (exit 3).
Exit codes: 0 pass (and warn without --strict), 1 warn with --strict, 2 fail, 3 no verdict
(rejected, inconclusive, could not run); click's usage errors are 2, as in every command.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, replace
from typing import Any

import click

from cfglint import install_hint
from cfglint.facts.model import Facts
from cfglint.findings import Finding
from cfglint.probe.spec import ProbeSpec, spec_from_facts

EPILOG = """\b
Exit codes:
  0  PASS, or WARN without --strict
  1  WARN with --strict
  2  FAIL; also a usage error (a bad option), as for every cfglint command: that
     prints a usage message on standard error and no report (with --format json,
     a FAIL always prints its JSON report on standard output)
  3  no verdict: REJECTED (cfglint check reports errors that mean the trainer
     rejects the file), INCONCLUSIVE (the run would rest on values the probe made
     up), or the probe could not run
"""


def _ladder(_ctx: click.Context, _param: click.Parameter, value: str) -> tuple[float, ...]:
    try:
        rungs = tuple(float(x) for x in value.split(",") if x.strip())
    except ValueError as err:
        raise click.BadParameter(f"expected numbers like 1,3,10: {err}") from err
    if not rungs or any(k <= 0 for k in rungs):
        raise click.BadParameter("multipliers must be positive")
    return rungs


def _assumptions(_ctx: click.Context, _param: click.Parameter,
                 values: tuple[str, ...]) -> dict[str, str]:
    """``NAME=VALUE`` pairs over canonical fact names, as user-mapping literals."""
    from cfglint.facts.names import FACTS
    from cfglint.spelling import closest

    names = [f.name for f in FACTS]
    out: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name or not value.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got {item!r}")
        if name not in names:
            best = closest(name, names)
            hint = f" (did you mean {best!r}?)" if best else ""
            raise click.BadParameter(f"{name!r} is not a fact name{hint}; `cfglint facts "
                                     "CONFIG` shows the names")
        out[name] = "=" + value.strip()
    return out


@dataclass
class Loaded:
    """A config as the check and the probe see it."""

    facts: Facts
    rejecting: list[Finding]


def read_config(config: str, family: str | None = None,
                assume: dict[str, str] | None = None) -> Loaded:
    """Lint the config exactly as ``cfglint check`` does (its settings, its suppressions)
    and build its facts; ``assume`` adds user-mapping literals to the facts only, never
    to the check (raises ProbeSetupError)."""
    from cfglint.pipeline import RunOptions, lint_document, rules_for, trainer_view
    from cfglint.rejects import rejecting
    from cfglint.settings import settings_for
    from cfglint.source.read import read_path

    settings = settings_for(config)
    doc = read_path(config, max_bytes=settings.max_file_size)
    options = RunOptions(family=family)
    result = lint_document(doc, settings, options, explicit=True)
    found = rejecting(result.findings, rules_for(settings))
    if doc.root is None or doc.problems:
        if found:
            return Loaded(Facts(result.family), found)
        problem = doc.problems[0].message if doc.problems else "empty document"
        raise ProbeSetupError(f"{config} does not parse: {problem}")
    if assume:
        settings = replace(settings, mapping={**settings.mapping, **assume})
    facts = trainer_view(doc, settings, options).facts
    for name in assume or {}:
        fact = facts.get(name)
        if fact is not None:
            fact.note = "given with --assume"
    return Loaded(facts, found)


def load_facts(config: str, family: str | None = None) -> Facts:
    """Config → canonical facts exactly as ``cfglint check`` builds them."""
    return read_config(config, family).facts


class ProbeSetupError(RuntimeError):
    """The probe cannot start (exit 3)."""


def _emit(report: dict[str, Any], fmt: str, config: str) -> None:
    from cfglint.probe.report import render_json, render_text

    click.echo(render_json(report) if fmt == "json" else render_text(report, config), nl=False)
    if fmt == "json":
        click.echo("")


@click.command("probe", epilog=EPILOG)
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
              help="Write a PNG of loss, grad norm, LR and fp16 scale; a FAIL leads with what "
                   "failed (needs the `plot` extra).")
@click.option("--time-limit", type=click.FloatRange(min=1.0), default=None,
              help="Seconds; the probe stops and reports what it measured.")
@click.option("--family", default=None, help="Override family detection.")
@click.option("--assume", "assume", multiple=True, metavar="NAME=VALUE", callback=_assumptions,
              help="State a fact the file cannot give, by its canonical name (the run length "
                   "of an epoch-based run: --assume total_steps=3000); repeatable.")
@click.option("--strict", is_flag=True, help="Exit 1 on WARN.")
def probe(config: str, steps: int | None, device: str, size: str | None,
          ladder: tuple[float, ...], seed: int, model_target: str | None, fmt: str,
          plot_path: str | None, time_limit: float | None, family: str | None,
          assume: dict[str, str], strict: bool) -> None:
    """Run the config's optimizer, schedule and precision on a surrogate and judge the numerics.

    The config goes through `cfglint check` first: a file the trainer rejects is not probed,
    and neither is a run that would rest on values the probe made up."""
    from cfglint.probe.engine import error_report, exit_code
    from cfglint.probe.gate import before_training, rejected_by_check

    spec: ProbeSpec | None = None
    try:
        loaded = read_config(config, family, assume)
        if loaded.rejecting:
            report = rejected_by_check(loaded.rejecting)
        else:
            spec = spec_from_facts(loaded.facts)
            report = before_training(spec, own_model=bool(model_target)) or _run(
                spec, steps, device, size, ladder, seed, model_target, time_limit)
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
    if plot_path and report.get("runs"):
        try:
            from cfglint.probe.plot import write_plot

            write_plot(report, plot_path)
        except ImportError:
            report.setdefault("notes", []).append(
                f"--plot needs matplotlib: {install_hint('plot')}")
    elif plot_path:
        click.echo(f"cfglint probe: nothing ran ({report['verdict']}), so --plot wrote no "
                   "plot", err=True)
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
