"""What a check gets to see: the document, its family, its facts, the rule and its params."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cfglint.engine.catalog import Rule
from cfglint.facts.model import Facts
from cfglint.families.base import Family
from cfglint.findings import Finding, Fix, Severity, make_finding
from cfglint.settings import Settings
from cfglint.source.document import Document, KeyPath, Span


@dataclass
class FileState:
    """What the pipeline computed once for one file and every rule shares."""

    doc: Document
    family: Family
    settings: Settings
    facts: Facts
    functions: dict[str, Callable[..., Any]] = field(default_factory=dict)
    # results several checks share, computed by the first that needs them (a search space)
    cache: dict[str, Any] = field(default_factory=dict)


@dataclass
class CheckContext:
    """What a check is given: the file's state, the rule and its parameters."""

    file: FileState
    rule: Rule
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def doc(self) -> Document:
        return self.file.doc

    @property
    def family(self) -> Family:
        return self.file.family

    @property
    def facts(self) -> Facts:
        return self.file.facts

    @property
    def settings(self) -> Settings:
        return self.file.settings

    def finding(self, span: Span, message: str, key: KeyPath = (), fix: Fix | None = None,
                severity: Severity | None = None, code: str | None = None,
                name: str | None = None, depends_on: tuple[KeyPath, ...] = ()) -> Finding:
        return make_finding(self.doc, code or self.rule.code, name or self.rule.name,
                            severity or self.rule.severity_for(self.family.name), message,
                            self.family.name, span, key, fix, depends_on)
