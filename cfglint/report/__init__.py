"""Reporters: one module per output format, imported only when asked for.

The registry stays import-light so that ``cfglint check`` pays only for the
format it prints; every reporter returns the whole output as one
string so the CLI decides where it goes.
"""

from __future__ import annotations

import importlib

from cfglint.engine.catalog import Rule
from cfglint.findings import FileResult
from cfglint.report.common import RenderOptions

# output format → module in this package (the CLI's choices are read from here)
_MODULES = {
    "text": "text",
    "json": "json_report",
    "sarif": "sarif",
    "github": "github",
    "rdjson": "rdjson",
    "junit": "junit",
    "gitlab": "gitlab",
}
FORMATS = tuple(_MODULES)
# formats that name files relative to the repository root (code scanning, annotations,
# GitLab Code Quality)
ROOTED = frozenset({"sarif", "github", "gitlab"})


def render(fmt: str, results: list[FileResult], rules: dict[str, Rule], *,
           color: bool = False, show_fixes: bool = True, statistics: bool = False,
           quiet: bool = False, docs_url: str = "", root: str | None = None) -> str:
    """Render ``results`` in ``fmt``; options a format has no use for are ignored.

    ``statistics`` replaces the findings with counts per rule in any format; ``root`` is
    the repository root that SARIF and GitHub paths are relative to (default: the
    working directory).
    """
    if fmt not in _MODULES:
        raise ValueError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}")
    options = RenderOptions(color=color, show_fixes=show_fixes, statistics=statistics,
                            quiet=quiet, docs_url=docs_url, root=root)
    if statistics:
        from cfglint.report import statistics as counts

        return counts.render(fmt, results, rules, options)
    module = importlib.import_module(f"cfglint.report.{_MODULES[fmt]}")
    out: str = module.render(results, rules, options)
    return out


__all__ = ["FORMATS", "ROOTED", "RenderOptions", "render"]
