"""Small helpers for the facts tests: parse inline config text and look at facts."""

from __future__ import annotations

from cfglint.facts.collect import facts_for
from cfglint.facts.model import Fact, Facts
from cfglint.families import get_family
from cfglint.source.document import Document, Format
from cfglint.source.read import parse_text


def doc_of(text: str, fmt: Format, name: str = "config") -> Document:
    return parse_text(f"{name}.{fmt}", text, fmt)


def facts_of(text: str, fmt: Format, family: str,
             mapping: dict[str, str] | None = None) -> tuple[Document, Facts]:
    doc = doc_of(text, fmt)
    return doc, facts_for(doc, get_family(family), mapping)


def fact(facts: Facts, name: str) -> Fact:
    found = facts.get(name)
    assert found is not None, f"{name} missing; have {sorted(facts.items)}"
    return found


def span_text(doc: Document, f: Fact) -> str:
    assert f.span is not None
    return doc.text[f.span.start:f.span.end]
