"""What a trainer family is to cfglint: how to recognise its files, how its
loader types values, which schema checks it, and (later) how its native keys map
to canonical facts."""

from __future__ import annotations

from typing import Any, ClassVar

from cfglint.source.document import Document, Mapping, Node, Scalar, resolve_alias
from cfglint.source.yaml_dialect import Dialect


class Family:
    name: ClassVar[str] = "generic"
    formats: ClassVar[tuple[str, ...]] = ("yaml", "toml", "json")
    # How the trainer's YAML loader types plain scalars (DESIGN §3.3).
    yaml_dialect: ClassVar[Dialect] = "yaml11"
    # Human description of the loader, used in messages about typing.
    loader: ClassVar[str] = "an unknown loader"
    schema: ClassVar[str | None] = None

    def detect(self, doc: Document) -> float:
        """Confidence in [0, 1] that ``doc`` is a config of this family."""
        return 0.0

    def value(self, node: Scalar, fmt: str) -> Any:
        """The value the trainer's loader gives this scalar."""
        if fmt == "yaml":
            from cfglint.source.yaml_reader import scalar_view

            return scalar_view(node, self.yaml_dialect)
        return node.value


def root_mapping(doc: Document) -> Mapping | None:
    root = resolve_alias(doc.root)
    return root if isinstance(root, Mapping) else None


def child(node: Node | None, *path: str) -> Node | None:
    for part in path:
        node = resolve_alias(node)
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return resolve_alias(node)


def keys_of(node: Node | None) -> set[str]:
    node = resolve_alias(node)
    return set(node.keys()) if isinstance(node, Mapping) else set()


def overlap(keys: set[str], known: frozenset[str]) -> float:
    """Share of ``keys`` that belong to ``known`` (0 when there are no keys)."""
    return len(keys & known) / len(keys) if keys else 0.0
