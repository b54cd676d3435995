"""ostris/ai-toolkit: ``job:`` + ``config.process[]`` YAML, loaded by oyaml's
SafeLoader with an extra float resolver, so ``1e-4`` is a float there."""

from __future__ import annotations

from typing import ClassVar

from cfglint.families.base import Family, child, keys_of, root_mapping
from cfglint.source.document import Document, Sequence
from cfglint.source.yaml_dialect import Dialect

_PROCESS_KEYS = frozenset({"type", "training_folder", "device", "network", "save", "datasets",
                           "train", "model", "sample", "trigger_word", "logging", "meta"})


class AiToolkit(Family):
    name: ClassVar[str] = "ai-toolkit"
    formats: ClassVar[tuple[str, ...]] = ("yaml", "json")
    yaml_dialect: ClassVar[Dialect] = "yaml11-float"
    loader: ClassVar[str] = "ai-toolkit's YAML loader (PyYAML with an exponent-float resolver)"
    schema: ClassVar[str | None] = "ai-toolkit"

    def detect(self, doc: Document) -> float:
        root = root_mapping(doc)
        if root is None:
            return 0.0
        keys = set(root.keys())
        score = 0.0
        if "job" in keys:
            score += 0.4
        process = child(root, "config", "process")
        if isinstance(process, Sequence):
            score += 0.5
            for item in process.items:
                if keys_of(item) & _PROCESS_KEYS:
                    score += 0.1
                    break
        elif "config" in keys and keys_of(child(root, "config")) & {"name", "process"}:
            score += 0.2
        return min(score, 1.0)
