"""the-database/traiNNer-redux: BasicSR-style options decoded strictly into typed
structs (``msgspec.yaml.decode(..., strict=True)``), so an unknown key or a
string where a number belongs fails at load."""

from __future__ import annotations

from typing import ClassVar

from cfglint.families.base import Family
from cfglint.families.basicsr import sr_score, trainner_markers
from cfglint.source.document import Document
from cfglint.source.yaml_dialect import Dialect


class TraiNNer(Family):
    name: ClassVar[str] = "traiNNer"
    formats: ClassVar[tuple[str, ...]] = ("yaml",)
    yaml_dialect: ClassVar[Dialect] = "yaml11"
    loader: ClassVar[str] = "traiNNer-redux's strict msgspec YAML decoder (YAML 1.1 typing)"
    schema: ClassVar[str | None] = "traiNNer"

    def detect(self, doc: Document) -> float:
        markers = trainner_markers(doc)
        if not markers:
            return 0.0
        return min(sr_score(doc) + 0.1 * markers, 1.0)
