"""``--format github``: workflow commands that GitHub Actions turns into annotations.

Escaping follows actions/toolkit, so a message with ``%``, newlines, ``:`` or
``,`` cannot end a command early or forge another one. GitHub refuses columns
on annotations that span lines, so those carry lines only.
"""

from __future__ import annotations

from cfglint.engine.catalog import Rule
from cfglint.findings import FileResult, Finding
from cfglint.report.common import RenderOptions, ordered, rule_info

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(result: FileResult, f: Finding, rules: dict[str, Rule],
               show_fixes: bool = True) -> str:
    props: list[tuple[str, str]] = [("file", result.path), ("line", str(f.line))]
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


def render(results: list[FileResult], rules: dict[str, Rule], options: RenderOptions) -> str:
    return "".join(annotation(r, f, rules, options.show_fixes) + "\n"
                   for r, f in ordered(results))
