"""The ``cfglint`` command's entry point: a plain ``cfglint PATH...`` runs the check
without importing click, whose import costs about as much as linting a small file;
everything else (any option, a subcommand, help, a missing path) goes to click.

The check run here is the one ``cfglint check PATH...`` runs: the same request (every
option at its default; a test compares them with click's), the same function, and the
command line's own code for every error it reports.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Mapping, Sequence
from typing import NoReturn

# cfglint.cli's subcommands (a test keeps this in step): a first argument naming one is
# that command, not a path
SUBCOMMANDS = frozenset({"check", "facts", "rule", "rules", "schema", "probe", "review"})
# environment variables the ``check`` command's options read (click parses them)
ENV_OPTIONS = ("CFGLINT_OUTPUT_FORMAT",)
# allocations between two collections of the youngest generation (CPython's default: 700)
GC_YOUNG_THRESHOLD = 200_000


def main() -> None:
    tune_gc()
    try:
        args = sys.argv[1:]
        if plain_check(args, os.environ):
            _check(args)
        from cfglint.cli import main as cli

        cli()
    except SystemExit as done:
        fast_exit(done)


def fast_exit(done: SystemExit) -> NoReturn:
    """Exit as ``done`` would, without freeing every object first, as mypy's fast exit
    does: the tree of a 10 MB config is millions of objects, and tearing them down took a
    quarter of the run. The standard streams are flushed first; where that fails (a closed
    pipe), Python's own exit reports it."""
    code = done.code
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        raise done from None
    os._exit(code)


def tune_gc() -> None:
    """Collect cycles less often, as mypy does: a run allocates mostly long-lived objects
    (modules, rules, a config's tree: a million nodes for a 10 MB file) and few cycles, and
    at CPython's default thresholds the collector rescans them again and again (about 5 %
    of a one-file run, 10 % of reading a big file). Unreachable cycles are still freed."""
    _, middle, old = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, middle, old)


def plain_check(args: Sequence[str], env: Mapping[str, str]) -> bool:
    """Whether click would read ``args`` as ``check`` with these paths and every option at
    its default, and accept each path (it exists and is readable)."""
    if os.name == "nt" or not args or args[0] in SUBCOMMANDS:
        return False  # Windows: click expands wildcards itself
    if any(name in env for name in ENV_OPTIONS) or env.get("CFGLINT_DEBUG"):
        return False
    if any(name.startswith("_") and name.endswith("_COMPLETE") for name in env):
        return False  # a shell asks click for completions
    return all(a and not a.startswith("-") and _readable(a) for a in args)


def _readable(path: str) -> bool:
    try:
        os.stat(path)
    except (OSError, ValueError):
        return False  # click lets it through; the check then says it is missing
    return os.access(path, os.R_OK)


def _check(args: Sequence[str]) -> None:
    """Run the check and exit; return only where click must take over (a usage error,
    raised before anything is written)."""
    from cfglint.check_command import CheckRequest, UsageError, run
    from cfglint.terminal import safe_streams, write_err, write_out

    safe_streams()
    try:
        code = run(CheckRequest(paths=tuple(args)), write_out, write_err)
    except UsageError:
        return
    except (EOFError, KeyboardInterrupt) as err:
        _as_click(err)
    except Exception as err:  # reported by the command line's own handler, as there
        from cfglint.cli import _exit

        failure = err

        def failed() -> int:
            raise failure

        _exit(failed)
    sys.exit(code)


def _as_click(err: BaseException) -> NoReturn:
    """An interrupt, reported and exited on as click does (its message, its code)."""
    import click

    def interrupted() -> None:
        raise err

    click.Command("cfglint", callback=interrupted).main(args=[], standalone_mode=True)
    raise SystemExit(1)  # pragma: no cover - click exits
