"""Any other training config: facts found by common key names or a user mapping;
no schema, so no unknown-key findings. The loader is unknown unless settings
declare it, so YAML typing traps are warnings rather than certainties."""

from __future__ import annotations

from typing import ClassVar

from cfglint.families.base import Family
from cfglint.source.document import Document
from cfglint.source.yaml_dialect import Dialect


class Generic(Family):
    name: ClassVar[str] = "generic"
    yaml_dialect: ClassVar[Dialect] = "yaml11"
    loader: ClassVar[str] = "an unknown loader (PyYAML-style YAML 1.1 assumed)"
    schema: ClassVar[str | None] = None

    def detect(self, doc: Document) -> float:
        return 0.01
