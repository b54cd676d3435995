"""One ``cfglint check`` run: settings, discovery, linting (and fixing), output, exit code.

The command line (``cfglint.cli``) only parses options into a ``CheckRequest``; files and
standard input go through the same runner and the same exit-code rule: 0
when nothing at or above each file's fail level remains, 1 when something does (after
fixing, with --fix), 2 for usage errors and internal failures (raised, not returned;
a failure inside one file is a CFG004 finding, exit 2 only with
--exit-non-zero-on-internal-error).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, NamedTuple

from cfglint.pipeline import RunOptions

if TYPE_CHECKING:
    from cfglint.discover import Target
    from cfglint.findings import FileResult
    from cfglint.settings import Settings

STDIN = "-"


class UsageError(ValueError):
    """A command line that asks for something impossible (exit 2, with click's usage)."""


class CheckRequest(NamedTuple):
    """Everything ``cfglint check`` was asked to do."""

    paths: tuple[str, ...] = ()
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    output_format: str | None = None  # None: the settings' output-format, else text
    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str | None = None
    family: str | None = None
    statistics: bool = False
    exit_zero: bool = False
    exit_non_zero_on_fix: bool = False
    strict_internal: bool = False  # --exit-non-zero-on-internal-error
    quiet: bool = False
    stdin_filename: str | None = None
    output_file: str | None = None
    color: str = "auto"
    config: str | None = None
    show_settings: bool = False
    show_files: bool = False
    show_fixes: bool = True
    python_search_only: bool = False  # a named .py file only when it is a search space
    env: Mapping[str, str] | None = None  # None: the process's environment

    @property
    def environ(self) -> Mapping[str, str]:
        return os.environ if self.env is None else self.env

    @property
    def named_by_person(self) -> bool:
        """pre-commit sets PRE_COMMIT=1 and names files itself (cfglint.discover)."""
        return not self.environ.get("PRE_COMMIT")

    def options(self) -> RunOptions:
        return RunOptions(select=split_codes(self.select) or None,
                          ignore=split_codes(self.ignore),
                          extend_select=split_codes(self.extend_select),
                          family=self.family, fail_on=self.fail_on)


def split_codes(values: tuple[str, ...]) -> list[str]:
    """``--select A,B --select C`` → ["A", "B", "C"] (upper-case: selectors ignore case)."""
    out: list[str] = []
    for v in values:
        out += [c.strip().upper() for c in v.split(",") if c.strip()]
    return out


def run(req: CheckRequest, out: Callable[[str], None], err: Callable[[str], None]) -> int:
    """Run the check; ``out``/``err`` receive text for stdout/stderr. Returns the exit code."""
    from cfglint.settings import load_config, settings_for_dir

    paths = list(req.paths) or ["."]
    # the working directory's settings: the output format, the rules described, the root
    base = load_config(req.config) if req.config else settings_for_dir(os.getcwd())
    fmt = req.output_format or base.output_format or "text"
    options = req.options()
    targets = _targets(req, [p for p in paths if p != STDIN], err)
    stdin = [_settings(req, req.stdin_filename or STDIN)] if STDIN in paths else []
    _check_selectors(options, [base, *stdin, *(_settings(req, t.path) for t in targets)])
    if stdin and req.fix and not req.diff:
        return _fix_stdin(req, fmt, err)  # the fixed input is the output: nothing else
    if req.show_settings:
        out(_describe_settings(_settings(req, targets[0].path) if targets else base))
        return 0
    if req.show_files:
        out("".join(t.path + "\n" for t in targets))
        return 0
    results = _lint(req, options, targets)
    if STDIN in paths:
        results.insert(0, _read_stdin(req)[1])
    _report(req, fmt, results, base, out, err)
    return exit_code(req, results)


def _settings(req: CheckRequest, path: str) -> Settings:
    from cfglint.settings import settings_for

    return settings_for(path, req.config)


def _targets(req: CheckRequest, paths: list[str], err: Callable[[str], None]) -> list[Target]:
    from cfglint.discover import discover

    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        raise UsageError(f"no such file or folder: {missing[0]}")

    def skipped(path: str) -> None:
        if req.named_by_person:
            err(f"cfglint: skipped {path}: not a YAML, TOML, JSON or Python file name "
                "(pipe it with --stdin-filename NAME.yaml to lint it)\n")

    return discover(paths, lambda p: _settings(req, p), named_by_person=req.named_by_person,
                    python_search_only=req.python_search_only, skipped=skipped)


def _check_selectors(options: RunOptions, settings: list[Settings]) -> None:
    """Command-line selectors must select a rule of some file's settings (exit 2 with a
    did-you-mean otherwise); settings' own selectors are checked where they are loaded."""
    from cfglint.pipeline import rules_for
    from cfglint.settings import unknown_selector

    known: set[str] = set()
    for s in {id(s): s for s in settings}.values():
        known.update(rules_for(s))
    for flag, selectors in (("--select", options.select or []), ("--ignore", options.ignore),
                            ("--extend-select", options.extend_select)):
        for selector in selectors:
            problem = unknown_selector(selector, sorted(known))
            if problem:
                raise UsageError(f"{flag}: {problem}")


def _lint(req: CheckRequest, options: RunOptions, targets: list[Target]) -> list[FileResult]:
    from cfglint.runner import Job, run_many

    jobs = [Job(t.path, fix=req.fix, unsafe=req.unsafe_fixes, diff=req.diff, options=options,
                root=t.walked, explicit=t.explicit, config=req.config) for t in targets]
    return run_many(jobs)


def _read_stdin(req: CheckRequest) -> tuple[bytes, FileResult, str | None]:
    """Lint (and fix) standard input: its name from --stdin-filename, its format from the
    name's suffix, else sniffed (JSON, TOML, YAML), never assumed."""
    from cfglint.runner import Job, safe_process
    from cfglint.source.read import decode, format_for, read_bytes, sniff_format

    name = req.stdin_filename or STDIN
    settings = _settings(req, name)
    # read at most one byte past the limit, so a huge input is refused, not slurped
    data = sys.stdin.buffer.read(settings.max_file_size + 1)
    fmt = format_for(name) if req.stdin_filename else None
    if fmt is None:
        text = decode(data)[0]
        fmt = sniff_format(text) if text is not None else "yaml"
    doc = read_bytes(name, data, fmt, settings.max_file_size)
    job = Job(name, fix=req.fix, unsafe=req.unsafe_fixes, diff=req.diff,
              options=req.options(), explicit=True, config=req.config)
    result, new_text = safe_process(name, job, settings, doc)
    result.display_path = name
    return data, result, new_text


def _fix_stdin(req: CheckRequest, fmt: str, err: Callable[[str], None]) -> int:
    """``--fix -``: the (fixed) text goes to stdout byte for byte; the findings that remain
    go to stderr and decide the exit code as for files."""
    from cfglint.fix import encode
    from cfglint.pipeline import rules_for
    from cfglint.report import render

    data, result, new_text = _read_stdin(req)
    doc = result.doc
    if doc.problems or new_text is None:
        sys.stdout.buffer.write(data)
    else:
        sys.stdout.buffer.write(encode(new_text, doc.bom))
    sys.stdout.flush()
    if result.findings:
        settings = _settings(req, result.path)
        err(render(fmt, [result], rules_for(settings), statistics=req.statistics,
                   quiet=req.quiet, docs_url=settings.docs_url or ""))
    return exit_code(req, [result])


def _report(req: CheckRequest, fmt: str, results: list[FileResult], base: Settings,
            out: Callable[[str], None], err: Callable[[str], None]) -> None:
    from cfglint.discover import repository_root
    from cfglint.pipeline import rules_for
    from cfglint.report import ROOTED, render
    from cfglint.terminal import use_color

    if req.diff:
        # as ruff: the diff alone on stdout (it applies with `git apply`), a summary line
        out("".join(r.diff for r in results))
        err(diff_summary(results) + "\n")
        return
    color = fmt == "text" and (req.color == "always" or (
        req.output_file is None and use_color(req.color, sys.stdout, req.environ)))
    text = render(fmt, results, rules_for(base), color=color,
                  show_fixes=req.show_fixes, statistics=req.statistics, quiet=req.quiet,
                  docs_url=base.docs_url or "",
                  root=repository_root(base) if fmt in ROOTED else None)
    if req.output_file:
        with open(req.output_file, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        out(text)


def diff_summary(results: list[FileResult]) -> str:
    """``Would fix N findings.``, and what the diff does not fix."""
    from cfglint.report.common import plural

    fixable = sum(r.fixes_applied for r in results if r.diff)
    remaining = sum(len(r.findings) for r in results) - fixable
    line = f"Would fix {plural(fixable, 'finding')}." if fixable else "No fixes available."
    if remaining > 0:
        line += f" {plural(remaining, 'finding')} would remain; run without --diff to see them."
    return line


def exit_code(req: CheckRequest, results: list[FileResult]) -> int:
    from cfglint.pipeline import fails

    if req.strict_internal and any(r.internal_error for r in results):
        return 2
    if req.exit_zero:
        return 0
    if req.exit_non_zero_on_fix and req.fix and not req.diff and any(
            r.fixes_applied for r in results):
        return 1
    if req.diff and any(r.diff for r in results):
        return 1
    # each file fails by its own fail level (--fail-on, else its closest settings)
    return 1 if any(fails(r, r.fail_on) for r in results) else 0


def _describe_settings(s: Settings) -> str:
    """``--show-settings``: the settings file that applies and every resolved value."""
    rows = [
        ("settings file", s.path or "none (defaults)"),
        ("root", s.root),
        ("select", s.select if s.select is not None else "all rules"),
        ("extend-select", s.extend_select), ("ignore", s.ignore),
        ("per-file-ignores", s.per_file_ignores), ("fail-on", s.fail_on),
        ("exclude", s.exclude), ("force-exclude", s.force_exclude),
        ("families", s.families), ("family", s.family), ("mapping", s.mapping),
        ("params", s.params), ("rule-folders", s.rule_folders),
        ("allow-external-rule-folders", s.allow_external_rule_folders),
        ("max-file-size", s.max_file_size), ("yaml-loader", s.yaml_loader),
        ("output-format", s.output_format), ("docs-url", s.docs_url),
        ("search-space", s.search_space), ("target-gpu", _gpu(s)),
    ]
    width = max(len(k) for k, _ in rows)
    return "".join(f"{k:<{width}}  {_show(v)}\n" for k, v in rows)


def _gpu(s: Settings) -> str | None:
    gpu = s.target_gpu
    if gpu is None:
        return None
    bf16 = "with" if gpu.bf16 else "without"
    return f"{gpu.name} (compute capability {gpu.compute_capability:.1f}, {bf16} native bf16)"


def _show(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict) and not value:
        return "[]" if isinstance(value, list) else "{}"
    return str(value)
