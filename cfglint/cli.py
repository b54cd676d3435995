"""Command line: ``cfglint PATHS`` (= ``cfglint check PATHS``), ``rule``, ``rules``, ``schema``.

Exit codes (DESIGN §4): 0 when nothing at or above the fail level remains, 1 when
something does (after fixing, with --fix), 2 for usage errors and internal
failures. A file that does not parse is a finding (CFG001), not exit 2, and so is a file
cfglint itself fails on (CFG004 "internal error"): the other files are still reported;
``--exit-non-zero-on-internal-error`` makes such a run exit 2.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from cfglint import __version__, install_hint
from cfglint.families import FAMILY_NAMES as FAMILIES
from cfglint.report import FORMATS


class DefaultGroup(click.Group):
    """Route ``cfglint PATHS`` to ``cfglint check PATHS``, as ruff does."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h",
                                                                        "--version"):
            args = ["check", *args]
        elif not args:
            args = ["check", "--help"]
        return super().parse_args(ctx, args)


def _codes(values: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for v in values:
        out += [c.strip() for c in v.split(",") if c.strip()]
    return out


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cfglint")
def main() -> None:
    """Lint and auto-fix machine-learning training configs."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--fix", is_flag=True, help="Apply safe fixes in place.")
@click.option("--unsafe-fixes", is_flag=True,
              help="With --fix, also apply behaviour-changing fixes.")
@click.option("--diff", is_flag=True, help="Show the fixes as a diff instead of writing them.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--select", multiple=True, help="Only these codes or prefixes (comma-separated).")
@click.option("--extend-select", multiple=True, help="Add codes to the selection.")
@click.option("--ignore", multiple=True, help="Skip these codes or prefixes.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default=None,
              help="Lowest severity that fails the run (default: settings, else warning).")
@click.option("--family", type=click.Choice(FAMILIES), default=None,
              help="Treat every file as this family (a modeline still wins).")
@click.option("--statistics", is_flag=True, help="Counts per rule.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings remain.")
@click.option("--exit-non-zero-on-fix", is_flag=True, help="Exit 1 when --fix changed a file.")
@click.option("--exit-non-zero-on-internal-error", "strict_internal", is_flag=True,
              help="Exit 2 when cfglint failed on a file (reported as a CFG004 internal error "
                   "finding; the other files are still checked), even with --exit-zero.")
@click.option("--quiet", "-q", is_flag=True, help="Only the findings, one line each.")
@click.option("--stdin-filename", default=None, help="Name (and settings) for input read from -.")
@click.option("--output-file", "-o", type=click.Path(dir_okay=False), default=None)
@click.option("--python-search-only", is_flag=True,
              help="Lint a named .py file only when it imports optuna, ray.tune or wandb, "
                   "as folder walks do (the pre-commit hooks pass this).")
def check(paths: tuple[str, ...], fix: bool, unsafe_fixes: bool, diff: bool, fmt: str,
          select: tuple[str, ...], extend_select: tuple[str, ...], ignore: tuple[str, ...],
          fail_on: str | None, family: str | None, statistics: bool, exit_zero: bool,
          exit_non_zero_on_fix: bool, quiet: bool, stdin_filename: str | None,
          output_file: str | None, strict_internal: bool, python_search_only: bool) -> None:
    """Lint PATHS (files or folders; - for standard input)."""
    from cfglint.engine.catalog import RuleFileError
    from cfglint.pipeline import RunOptions
    from cfglint.settings import SettingsError

    options = RunOptions(select=_codes(select) or None, ignore=_codes(ignore),
                         extend_select=_codes(extend_select), family=family, fail_on=fail_on)
    try:
        code = _check(list(paths) or ["."], options, fix, unsafe_fixes, diff, fmt, statistics,
                      exit_zero, exit_non_zero_on_fix, quiet, stdin_filename, output_file,
                      strict_internal, python_search_only)
    except (SettingsError, RuleFileError) as err:
        click.echo(f"cfglint: {err}", err=True)
        sys.exit(2)
    except click.ClickException:
        raise  # usage errors: click prints them and exits 2
    except Exception as err:  # an internal failure is exit 2 with one line, not a traceback
        import os

        if os.environ.get("CFGLINT_DEBUG"):
            raise
        click.echo(f"cfglint: internal error: {type(err).__name__}: {err} "
                   "(set CFGLINT_DEBUG=1 for a traceback)", err=True)
        sys.exit(2)
    sys.exit(code)


def _check(paths: list[str], options: Any, fix: bool, unsafe: bool, diff: bool, fmt: str,
           statistics: bool, exit_zero: bool, exit_non_zero_on_fix: bool, quiet: bool,
           stdin_filename: str | None, output_file: str | None,
           strict_internal: bool = False, python_search_only: bool = False) -> int:
    import os

    from cfglint.discover import discover
    from cfglint.findings import FileResult
    from cfglint.pipeline import fails, rules_for
    from cfglint.report import render
    from cfglint.runner import Job, run_many, safe_process
    from cfglint.settings import settings_for, settings_for_dir

    results: list[FileResult] = []
    changed = 0
    file_paths = [p for p in paths if p != "-"]
    if "-" in paths:
        name = stdin_filename or "stdin.yaml"
        settings = settings_for(name)
        # read at most one byte past the limit, so a huge input is refused, not slurped
        data = sys.stdin.buffer.read(settings.max_file_size + 1)
        from cfglint.fix import encode
        from cfglint.source.read import format_for, read_bytes

        doc = read_bytes(name, data, format_for(name) or "yaml", settings.max_file_size)
        job = Job(name, fix=fix, unsafe=unsafe, diff=diff, options=options)
        result, new_text = safe_process(name, job, settings, doc)
        result.display_path = name
        results.append(result)
        if fix and not diff:
            # the (fixed) text goes to stdout, byte for byte; findings that remain go to
            # stderr and decide the exit code as for files (DESIGN §4)
            if doc.problems:
                sys.stdout.buffer.write(data)
            else:
                sys.stdout.buffer.write(encode(new_text if new_text is not None else doc.text,
                                               doc.bom))
            sys.stdout.flush()
            if result.findings:
                sys.stderr.write(render(fmt, [result], rules_for(settings), color=False,
                                        statistics=statistics, quiet=quiet))
            if strict_internal and result.internal_error:
                return 2
            if exit_zero:
                return 0
            if exit_non_zero_on_fix and new_text is not None:
                return 1
            return 1 if fails(result, options.fail_on or settings.fail_on) else 0
    missing = [p for p in file_paths if not os.path.exists(p)]
    if missing:
        raise click.UsageError(f"no such file or folder: {missing[0]}")
    cwd_settings = settings_for_dir(os.getcwd())
    files = discover(file_paths, lambda p: settings_for(p).excluded(p), python_search_only)
    from cfglint.discover import walked_from

    jobs = [Job(p, fix=fix, unsafe=unsafe, diff=diff, options=options,
                root=walked_from(p, file_paths)) for p in files]
    results += run_many(jobs)
    for r in results:
        if r.fixes_applied and fix and not diff:
            changed += 1
    out = render(fmt, results, rules_for(cwd_settings), color=sys.stdout.isatty() and
                 output_file is None and fmt == "text", statistics=statistics, quiet=quiet,
                 docs_url=cwd_settings.docs_url or "")
    if diff:
        out = "".join(r.diff for r in results) + out
    if output_file:
        with open(output_file, "w", encoding="utf-8") as fh:
            fh.write(out)
    else:
        sys.stdout.write(out)
    if strict_internal and any(r.internal_error for r in results):
        return 2
    if exit_zero:
        return 0
    if exit_non_zero_on_fix and changed:
        return 1
    if diff and any(r.diff for r in results):
        return 1
    # each file fails by its own (closest) settings' fail-on unless --fail-on is given
    return 1 if any(fails(r, options.fail_on or _file_fail_on(r, cwd_settings))
                    for r in results) else 0


def _file_fail_on(result: Any, default: Any) -> str:
    from cfglint.settings import settings_for

    path = result.doc.path
    return str(settings_for(path).fail_on if path else default.fail_on)


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


@main.command("rule")
@click.argument("code")
def rule_cmd(code: str) -> None:
    """Explain a rule: summary, why, params, fix safety, references, an example."""
    from cfglint.pages import rule_text

    rules = _rules_here()
    rule = rules.get(code.upper())
    if rule is None:
        raise click.UsageError(f"unknown rule {code}; `cfglint rules` lists them")
    click.echo(rule_text(rule), nl=False)


@main.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def rules_cmd(fmt: str) -> None:
    """List every rule."""
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


@main.command("schema")
@click.argument("family", type=click.Choice(FAMILIES[:-1]))
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Write the schema to this file (its folders are created) instead of "
                   "printing it.")
def schema_cmd(family: str, output: str | None) -> None:
    """Print the JSON Schema of a family (for editors' YAML/JSON language servers)."""
    from cfglint.resources import schemas_dir

    path = schemas_dir() / f"{family}.schema.json"
    if not path.is_file():
        raise click.UsageError(f"no schema for {family}")
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
                         context_settings={"ignore_unknown_options": True,
                                           "allow_extra_args": True, "help_option_names": []})

    def invoke(self, ctx: click.Context) -> Any:
        try:
            from cfglint.probe.command import probe
        except ImportError as err:
            click.echo(f"cfglint probe is unavailable: {err}", err=True)
            sys.exit(3)
        return probe.main(args=ctx.args, prog_name="cfglint probe", standalone_mode=True)


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
                            standalone_mode=True)


main.add_command(_LazyCommand("review", "cfglint.review.command:review",
                              "Review a change: comment new findings on the lines it touches "
                              "(GitHub, GitLab)."))
