"""Findings, fixes and edits: what every check produces and every reporter reads.

Offsets are character offsets into Document.text; line/column are computed once
from them (1-based, columns in characters), so every reporter agrees on places.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from cfglint.source.document import Document, KeyPath, Span, format_path

Severity = Literal["error", "warning", "info"]
Safety = Literal["safe", "unsafe", "suggest"]

SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}
# problems of one kind a stage reports in one file before it stops and says so, as compilers
# stop after so many errors (a generated file read as the wrong trainer has one per key, a
# damaged one a duplicate per line: a 10 MB file, hundreds of thousands)
MAX_PROBLEMS = 10_000


def more_set_twice(more: int, reported: int) -> str:
    """What a reader or the pipeline says of the keys set twice past the ones it reported."""
    return f"{more:,} more keys are set twice: cfglint stopped reporting them after {reported:,}"
SAFETY_RANK: dict[str, int] = {"safe": 0, "unsafe": 1, "suggest": 2}


class Edit(NamedTuple):
    """Replace text[start:end] with ``content`` (an insertion when start == end)."""

    start: int
    end: int
    content: str


@dataclass
class Fix:
    """A fix of one finding: its edits and how safe applying them is."""

    safety: Safety
    message: str
    edits: list[Edit]
    # key paths whose parsed value the fix is meant to change (verification, §3.2)
    changes: list[KeyPath] = field(default_factory=list)


class Related(NamedTuple):
    """Another rule that fired for the same cause, kept as a note on the finding reported."""

    code: str
    name: str
    message: str
    line: int


@dataclass
class Finding:
    """One problem in one file, located, with its fix if there is one."""

    code: str
    name: str
    severity: Severity
    message: str
    path: str  # as given on the command line (or --stdin-filename)
    family: str
    span: Span
    line: int
    column: int
    end_line: int
    end_column: int
    key: KeyPath = ()
    fix: Fix | None = None
    url: str = ""  # the rule's page, only where settings name a `docs-url` the user serves
    related: tuple[Related, ...] = ()
    # other keys whose values made this finding true (review anchors on a changed one);
    # not part of the JSON contract
    depends_on: tuple[KeyPath, ...] = ()

    @property
    def key_text(self) -> str:
        return format_path(self.key)

    def sort_key(self) -> tuple[Any, ...]:
        return (self.path, self.line, self.column, self.code, self.message)

    def to_json(self, doc: Document | None = None) -> dict[str, Any]:
        """The JSON finding contract (one object per finding)."""
        fix: dict[str, Any] | None = None
        if self.fix is not None:
            edits = []
            for e in self.fix.edits:
                if doc is not None:
                    line, col = doc.line_col(e.start)
                    end_line, end_col = doc.line_col(e.end)
                else:
                    line = col = end_line = end_col = 0
                edits.append({"line": line, "column": col, "end_line": end_line,
                              "end_column": end_col, "content": e.content})
            fix = {"safety": self.fix.safety, "message": self.fix.message, "edits": edits}
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "message": self.message,
            "path": self.path,
            "family": self.family,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "key": self.key_text,
            "fix": fix,
            "url": self.url or None,
        }


def make_finding(doc: Document, code: str, name: str, severity: Severity, message: str,
                 family: str, span: Span, key: KeyPath = (), fix: Fix | None = None,
                 depends_on: tuple[KeyPath, ...] = ()) -> Finding:
    line, col = doc.line_col(span.start)
    end_line, end_col = doc.line_col(max(span.end, span.start))
    others = tuple(dict.fromkeys(k for k in depends_on if k and k != key))
    return Finding(code=code, name=name, severity=severity, message=message, path=doc.path,
                   family=family, span=span, line=line, column=col, end_line=end_line,
                   end_column=end_col, key=key, fix=fix, depends_on=others)


@dataclass
class FileResult:
    """Everything the reporters need about one linted file."""

    doc: Document
    family: str
    findings: list[Finding]
    fixes_applied: int = 0
    diff: str = ""  # unified diff of the fixes (for --diff)
    display_path: str = ""  # path relative to the working directory, '/'-separated
    internal_error: bool = False  # cfglint failed on this file (a CFG004/CFG009 finding says so)
    fail_on: str = "warning"  # the lowest severity that fails this file (--fail-on, settings)

    @property
    def path(self) -> str:
        return self.display_path or self.doc.path
