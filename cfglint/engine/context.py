"""What a check gets to see: the document, its family, the rule and its params."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cfglint.engine.catalog import Rule
from cfglint.families.base import Family
from cfglint.findings import Finding, Fix, Severity, make_finding
from cfglint.settings import Settings
from cfglint.source.document import Document, KeyPath, Span


@dataclass
class CheckContext:
    doc: Document
    family: Family
    rule: Rule
    settings: Settings
    params: dict[str, Any] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)  # shared across rules of one file

    def finding(self, span: Span, message: str, key: KeyPath = (), fix: Fix | None = None,
                severity: Severity | None = None, code: str | None = None,
                name: str | None = None) -> Finding:
        return make_finding(self.doc, code or self.rule.code, name or self.rule.name,
                            severity or self.rule.severity_for(self.family.name), message,
                            self.family.name, span, key, fix)
