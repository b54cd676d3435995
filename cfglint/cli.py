"""Command line: ``cfglint PATHS`` (= ``cfglint check PATHS``), ``facts``, ``rule``, ``rules``,
``schema``, ``probe``, ``review``. Click commands only: ``cfglint.check_command`` runs a check,
``cfglint.facts.show`` prints facts; choices (formats, families) come from the registries.

Exit codes: 0 when nothing at or above the fail level remains, 1 when
something does (after fixing, with --fix), 2 for usage errors and internal
failures. A file that does not parse is a finding (CFG001), not exit 2, and so is a file
cfglint itself fails on (CFG004 "internal error"): the other files are still reported;
``--exit-non-zero-on-internal-error`` makes such a run exit 2.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

import click

from cfglint import __version__, install_hint
from cfglint.families import FAMILY_NAMES as FAMILIES
from cfglint.report import FORMATS
from cfglint.terminal import COLOR_CHOICES
from cfglint.terminal import write_err as _err
from cfglint.terminal import write_out as _out

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

MAIN_EPILOG = """\b
Examples:
  cfglint configs/                  lint every config under configs/ (= cfglint check)
  cfglint --fix train.yaml          apply safe fixes in place
  cfglint --diff train.yaml         show the fixes as a diff, write nothing
  cfglint facts train.yaml          what the trainer reads from a file
  cfglint rule CFG705               explain a rule
  cfglint check -h                  every option of a check

\b
Exit codes of a check: 0 nothing at or above the fail level remains, 1 something
does, 2 usage error or internal failure. Settings: [tool.cfglint] in pyproject.toml,
or cfglint.toml / .cfglint.toml (the closest one to each file wins).
"""

CHECK_EPILOG = """\b
Examples:
  cfglint check configs/ --select CFG2,CFG705
  cfglint check --fix --unsafe-fixes train.yaml
  cfglint check --output-format sarif -o cfglint.sarif .
  cat train.toml | cfglint check - --stdin-filename train.toml

\b
Exit codes:
  0  nothing at or above the fail level (--fail-on, default warning) remains
  1  findings at or above it remain (after fixing, with --fix); --diff found fixes;
     --exit-non-zero-on-fix and a file changed
  2  usage error, invalid settings, or an internal failure
"""


class DefaultGroup(click.Group):
    """Route ``cfglint PATHS`` to ``cfglint check PATHS``, as ruff does; ``cfglint``
    alone prints the command list (exit 2, as ruff)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args:
            click.echo(ctx.get_help())
            ctx.exit(2)
        if args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["check", *args]
        return super().parse_args(ctx, args)

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             **extra: Any) -> Any:
        from cfglint.terminal import safe_streams

        safe_streams()
        return super().main(args, prog_name, complete_var, standalone_mode, **extra)


@click.group(cls=DefaultGroup, context_settings=CONTEXT, epilog=MAIN_EPILOG)
@click.version_option(__version__, prog_name="cfglint")
def main() -> None:
    """Lint and auto-fix machine-learning training configs: ai-toolkit, kohya (sd-scripts
    and the kohya_ss GUI), SEDD, Hydra apps, BasicSR and traiNNer, and custom scripts
    through a key mapping."""


def _family_option(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option("--family", type=click.Choice(FAMILIES), default=None,
                        metavar="FAMILY", help=f"{help_text} One of: {', '.join(FAMILIES)}.")


_config_option = click.option(
    "--config", type=click.Path(dir_okay=False), default=None, metavar="PATH",
    help="Use this settings file (cfglint.toml or a pyproject.toml with [tool.cfglint]) "
         "for every file instead of the closest one; its globs are relative to its folder.")


@main.command(epilog=CHECK_EPILOG, context_settings=CONTEXT,
              short_help="Lint (and fix) files and folders; the default command.")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--fix", is_flag=True, help="Apply safe fixes in place.")
@click.option("--unsafe-fixes", is_flag=True,
              help="With --fix, also apply fixes that change behaviour.")
@click.option("--diff", is_flag=True,
              help="Print the fixes as a unified diff and a one-line summary; write nothing.")
@click.option("--output-format", "--format", "output_format", type=click.Choice(FORMATS),
              default=None, envvar="CFGLINT_OUTPUT_FORMAT", show_envvar=True,
              help="Report format [default: settings' output-format, else text].")
@click.option("--output-file", "-o", type=click.Path(dir_okay=False), default=None,
              metavar="FILE", help="Write the report to FILE instead of standard output.")
@click.option("--select", multiple=True, metavar="CODES",
              help="Only these rule codes or prefixes, comma-separated (CFG7, CFG205, ALL).")
@click.option("--extend-select", multiple=True, metavar="CODES",
              help="Add codes or prefixes to the selection.")
@click.option("--ignore", multiple=True, metavar="CODES", help="Skip these codes or prefixes.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default=None,
              help="Lowest severity that fails the run [default: settings, else warning].")
@_family_option("Read every file as this trainer's config (a schema modeline still wins).")
@_config_option
@click.option("--statistics", is_flag=True,
              help="Counts per rule instead of the findings (JSON with --output-format json).")
@click.option("--show-fixes/--no-show-fixes", default=True, show_default=True,
              help="Show each finding's fix hint.")
@click.option("--show-settings", is_flag=True,
              help="Print the settings that apply to the first file, then exit.")
@click.option("--show-files", is_flag=True, help="Print the files a check would lint, then exit.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings remain.")
@click.option("--exit-non-zero-on-fix", is_flag=True, help="Exit 1 when --fix changed a file.")
@click.option("--exit-non-zero-on-internal-error", "strict_internal", is_flag=True,
              help="Exit 2 when cfglint failed on a file (reported as a CFG004 internal error "
                   "finding; the other files are still checked), even with --exit-zero.")
@click.option("--quiet", "-q", is_flag=True, help="Only the findings, one line each.")
@click.option("--stdin-filename", default=None, metavar="NAME",
              help="Name of the input read from - (its suffix gives the format, its folder "
                   "the settings); without it the format is detected from the text.")
@click.option("--python-search-only", is_flag=True,
              help="Lint a named .py file only when it imports optuna, ray.tune or wandb, "
                   "as folder walks do (the pre-commit hooks pass this).")
@click.option("--color", type=click.Choice(COLOR_CHOICES), default="auto", show_default=True,
              help="Colour the text report (auto: on a terminal, unless NO_COLOR is set or "
                   "TERM=dumb; FORCE_COLOR forces it).")
def check(paths: tuple[str, ...], **options: Any) -> None:
    """Lint PATHS: files, folders (walked; .gitignore respected), or - for standard input.
    Without PATHS, the current folder."""
    from cfglint.check_command import CheckRequest, UsageError, run

    request = CheckRequest(paths=paths, **options)
    _exit(lambda: run(request, _out, _err), UsageError)


def _exit(body: Callable[[], int], usage: type[Exception] | None = None) -> None:
    """Run a command body: its code on success, 2 with one line for settings, rule-file
    and internal errors (a traceback only with CFGLINT_DEBUG=1)."""
    from cfglint.engine.catalog import RuleFileError
    from cfglint.settings import SettingsError

    try:
        code = body()
    except (SettingsError, RuleFileError) as err:
        click.echo(f"cfglint: {err}", err=True)
        sys.exit(2)
    except click.ClickException:
        raise  # usage errors: click prints them and exits 2
    except Exception as err:  # an internal failure is exit 2 with one line, not a traceback
        if usage is not None and isinstance(err, usage):
            raise click.UsageError(str(err)) from None
        if os.environ.get("CFGLINT_DEBUG"):
            raise
        click.echo(f"cfglint: internal error: {type(err).__name__}: {err} "
                   "(set CFGLINT_DEBUG=1 for a traceback)", err=True)
        sys.exit(2)
    sys.exit(code)


@main.command("facts", context_settings=CONTEXT,
              short_help="Show what the trainer reads from each file.", epilog="""\b
Examples:
  cfglint facts train.yaml
  cfglint facts --output-format json presets/*.json
""")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--output-format", "--format", "output_format", type=click.Choice(["text", "json"]),
              default="text", show_default=True,
              help="A table to read, or one JSON object per file (in an array).")
@_family_option("Read every file as this trainer's config.")
@_config_option
def facts_cmd(files: tuple[str, ...], output_format: str, family: str | None,
              config: str | None) -> None:
    """What the trainer reads from each FILE: the detected trainer and loader, then every
    canonical fact (value, where it comes from, key and line), with the derived ones
    people ask about first: effective LR, optimizer steps, warmup, epochs, EMA share.
    Settings and the user mapping apply exactly as in a check."""
    from cfglint.facts.show import facts_of_file, render_json, render_text

    def body() -> int:
        reports = [facts_of_file(f, family, config) for f in files]
        _out(render_json(reports) if output_format == "json" else render_text(reports))
        return 0

    _exit(body)


def _rules_here() -> dict[str, Any]:
    """Built-in rules plus the rule folders of the settings in the working directory."""
    from cfglint.engine.catalog import RuleFileError
    from cfglint.pipeline import rules_for
    from cfglint.settings import SettingsError, settings_for_dir

    try:
        return rules_for(settings_for_dir("."))
    except (SettingsError, RuleFileError) as err:
        click.echo(f"cfglint: {err}", err=True)
        sys.exit(2)


@main.command("rule", context_settings=CONTEXT, short_help="Explain a rule.",
              epilog="\b\nExample:\n  cfglint rule CFG705")
@click.argument("code")
def rule_cmd(code: str) -> None:
    """Explain a rule: summary, why, params, fix safety, references, an example."""
    from cfglint.pages import rule_text

    rules = _rules_here()
    rule = rules.get(code.upper())
    if rule is None:
        raise click.UsageError(f"unknown rule {code}; `cfglint rules` lists them")
    click.echo(rule_text(rule), nl=False)


@main.command("rules", context_settings=CONTEXT, short_help="List every rule.")
@click.option("--output-format", "--format", "fmt", type=click.Choice(["text", "json"]),
              default="text", show_default=True, help="A table, or a JSON array.")
def rules_cmd(fmt: str) -> None:
    """List every rule: code, severity, fix (fix: safe, fix*: unsafe, hint: suggestion only),
    name and summary."""
    import json

    rules = _rules_here()
    if fmt == "json":
        click.echo(json.dumps([{"code": r.code, "name": r.name, "severity": r.severity,
                                "summary": r.summary, "fix": r.fix_safety,
                                "families": r.families} for r in rules.values()], indent=2))
        return
    for r in rules.values():
        fixmark = {"safe": "fix", "unsafe": "fix*", "suggest": "hint"}.get(r.fix_safety or "", "")
        click.echo(f"{r.code}  {r.severity:<7}  {fixmark:<4}  {r.name:<32} {r.summary}")


@main.command("schema", context_settings=CONTEXT,
              short_help="Print a trainer's JSON Schema (for editors).",
              epilog="\b\nExample:\n  cfglint schema ai-toolkit -o .schemas/ai-toolkit.schema.json")
@click.argument("name")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Write the schema to this file (its folders are created) instead of "
                   "printing it.")
def schema_cmd(name: str, output: str | None) -> None:
    """Print a JSON Schema by name (a family, or one of its file kinds such as
    diffusion-pipe-dataset), for editors' YAML/JSON language servers."""
    from cfglint.resources import schemas_dir

    path = schemas_dir() / f"{name}.schema.json"
    if not path.is_file():
        known = sorted(p.name.removesuffix(".schema.json")
                       for p in schemas_dir().glob("*.schema.json"))
        raise click.UsageError(f"no schema named {name!r}; known: {', '.join(known)}")
    text = path.read_text(encoding="utf-8")
    if output is None:
        click.echo(text, nl=False)
        return
    import os

    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    with open(output, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)


class _LazyProbe(click.Command):
    """``cfglint probe`` without importing the probe package on the check path."""

    def __init__(self) -> None:
        super().__init__("probe", help="Run the config's optimizer, schedule and precision for "
                         f"real on a surrogate model (needs torch: {install_hint('probe')}).",
                         short_help="Run the config's optimizer and schedule on a surrogate.",
                         context_settings={"ignore_unknown_options": True,
                                           "allow_extra_args": True, "help_option_names": []})

    def invoke(self, ctx: click.Context) -> Any:
        try:
            from cfglint.probe.command import probe
        except ImportError as err:
            click.echo(f"cfglint probe is unavailable: {err}", err=True)
            sys.exit(3)
        return probe.main(args=ctx.args, prog_name="cfglint probe", standalone_mode=True,
                          help_option_names=CONTEXT["help_option_names"])


main.add_command(_LazyProbe())


class _LazyCommand(click.Command):
    """A command whose module is imported only when it runs, so ``cfglint check`` never
    pays for it; its own click command parses the arguments (and --help)."""

    def __init__(self, name: str, target: str, summary: str) -> None:
        super().__init__(name, help=summary, short_help=summary,
                         context_settings={"ignore_unknown_options": True,
                                           "allow_extra_args": True, "help_option_names": []})
        self.target = target

    def invoke(self, ctx: click.Context) -> Any:
        import importlib

        module, attr = self.target.split(":")
        command = getattr(importlib.import_module(module), attr)
        return command.main(args=ctx.args, prog_name=f"cfglint {self.name}",
                            standalone_mode=True,
                            help_option_names=CONTEXT["help_option_names"])


main.add_command(_LazyCommand("review", "cfglint.review.command:review",
                              "Review a change: comment new findings on the lines it touches "
                              "(GitHub, GitLab)."))
