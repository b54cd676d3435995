"""``--format github``: workflow commands that GitHub Actions turns into annotations.

Escaping follows actions/toolkit, so a message with ``%``, newlines, ``:`` or
``,`` cannot end a command early or forge another one. GitHub refuses columns
on annotations that span lines, so those carry lines only.

GitHub shows at most 10 annotations of each level per step (and 50 per job) and drops
the rest without a word, so the first ``PER_LEVEL`` findings of each level become
annotations and the others are written as plain log lines; when the step has a summary
file (``$GITHUB_STEP_SUMMARY``), they are also appended there as a table. File names
are relative to the repository root, as annotations need.
"""

from __future__ import annotations

import os

from cfglint.engine.catalog import Rule
from cfglint.findings import FileResult, Finding
from cfglint.report.common import (
    RenderOptions,
    clean,
    ordered,
    plural,
    repository_path,
    rule_info,
)

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}
PER_LEVEL = 10  # annotations GitHub shows per level and step
PER_JOB = 50  # annotations GitHub shows per job
SUMMARY_ENV = "GITHUB_STEP_SUMMARY"


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _file(result: FileResult, root: str | None) -> str:
    return repository_path(result, root) or result.path


def annotation(result: FileResult, f: Finding, rules: dict[str, Rule],
               show_fixes: bool = True, root: str | None = None) -> str:
    props: list[tuple[str, str]] = [("file", _file(result, root)), ("line", str(f.line))]
    if f.end_line == f.line:
        props.append(("col", str(f.column)))
        props += [("endLine", str(f.end_line)), ("endColumn", str(f.end_column))]
    else:
        props.append(("endLine", str(f.end_line)))
    props.append(("title", f"{f.code} {rule_info(f.code, rules, f).name}"))
    message = f.message
    if show_fixes and f.fix is not None:
        message += f"\nfix ({f.fix.safety}): {f.fix.message}"
    params = ",".join(f"{k}={escape_property(v)}" for k, v in props if v)
    return f"::{COMMANDS.get(f.severity, 'warning')} {params}::{escape_data(message)}"


def split(pairs: list[tuple[FileResult, Finding]]) -> tuple[list[tuple[FileResult, Finding]],
                                                             list[tuple[FileResult, Finding]]]:
    """(annotated, the rest): the first PER_LEVEL of each level, PER_JOB at most."""
    shown: list[tuple[FileResult, Finding]] = []
    rest: list[tuple[FileResult, Finding]] = []
    per_level: dict[str, int] = {}
    for r, f in pairs:
        level = COMMANDS.get(f.severity, "warning")
        if per_level.get(level, 0) < PER_LEVEL and len(shown) < PER_JOB:
            per_level[level] = per_level.get(level, 0) + 1
            shown.append((r, f))
        else:
            rest.append((r, f))
    return shown, rest


def _log_line(result: FileResult, f: Finding, root: str | None) -> str:
    message = clean(" ".join(f.message.split()))
    # one line that starts with the file name: never a workflow command
    return f"{_file(result, root)}:{f.line}:{f.column}: {f.code} [{f.severity}] {message}"


def _cell(text: str) -> str:
    return clean(" ".join(text.split())).replace("\\", "\\\\").replace("|", "\\|")


def step_summary(rest: list[tuple[FileResult, Finding]], total: int, root: str | None) -> str:
    """Markdown for the step summary: the findings that did not become annotations."""
    lines = ["### cfglint", "",
             f"{plural(total, 'finding')}; GitHub shows {total - len(rest)} as annotations "
             f"(at most {PER_LEVEL} per level and step), the other {len(rest)} are listed here.",
             "", "| file | line | code | severity | message |", "|---|---|---|---|---|"]
    for r, f in rest:
        lines.append(f"| {_cell(_file(r, root))} | {f.line} | {f.code} | {f.severity} | "
                     f"{_cell(f.message)} |")
    return "\n".join(lines) + "\n\n"


def _append_summary(text: str) -> bool:
    target = os.environ.get(SUMMARY_ENV)
    if not target:
        return False
    try:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(text)
    except OSError:
        return False
    return True


def render(results: list[FileResult], rules: dict[str, Rule], options: RenderOptions) -> str:
    pairs = ordered(results)
    shown, rest = split(pairs)
    out = [annotation(r, f, rules, options.show_fixes, options.root) + "\n" for r, f in shown]
    if rest:
        written = _append_summary(step_summary(rest, len(pairs), options.root))
        where = "the step summary and below" if written else "below"
        out.append(f"cfglint: {plural(len(rest), 'more finding')} than GitHub shows as "
                   f"annotations ({PER_LEVEL} per level and step); see {where}.\n")
        out += [_log_line(r, f, options.root) + "\n" for r, f in rest]
    return "".join(out)
