"""W&B sweep configs: YAML or JSON files with ``method`` and ``parameters`` (and sweep
dicts in Python scripts that import wandb).

``wandb sweep sweep.yaml`` reads the file with PyYAML (YAML 1.1: ``1e-4`` is a string,
wandb/wandb#1129); the controller infers each parameter's distribution from its keys
(``wandb/sweeps:src/sweeps/config/schema.json``). Detection needs a W&B search method and
parameter definitions made only of W&B's own keys, which no training config has.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from cfglint.facts.model import Facts
from cfglint.families.base import CERTAIN, Family
from cfglint.source.document import Document, Mapping, Node, Scalar, Sequence, resolve_alias
from cfglint.source.yaml_dialect import Dialect

if TYPE_CHECKING:
    from cfglint.space.model import Space

# keys of a W&B parameter definition (wandb/sweeps:src/sweeps/config/schema.json)
PARAM_KEYS = frozenset({"distribution", "min", "max", "values", "value", "q", "mu", "sigma",
                        "a", "b", "probabilities", "parameters"})
METHODS = frozenset({"grid", "random", "bayes", "custom"})


def sweep_mappings(doc: Document) -> Iterator[Mapping]:
    """The mappings of a file that are sweep configs: the root, or in Python a dict with
    ``parameters`` next to ``method`` (assigned to a name or passed to ``wandb.sweep``)."""
    root = resolve_alias(doc.root)
    if not isinstance(root, Mapping):
        return
    if doc.format != "python":
        if is_sweep(root):
            yield root
        return
    stack: list[Node] = [e.value for e in root.entries]
    while stack:
        node = resolve_alias(stack.pop())
        if isinstance(node, Mapping):
            if is_sweep(node):
                yield node
                continue
            stack.extend(e.value for e in node.entries)
        elif isinstance(node, Sequence):
            stack.extend(node.items)


def sweep_method(node: Mapping) -> Scalar | None:
    """The search method: top-level ``method``, or ``scheduler.settings.method`` in a W&B
    Launch sweep (wandb/launch-jobs sweep scheduler configs)."""
    method = resolve_alias(node.get("method"))
    if method is None:
        scheduler = resolve_alias(node.get("scheduler"))
        settings = resolve_alias(scheduler.get("settings")) if isinstance(
            scheduler, Mapping) else None
        method = resolve_alias(settings.get("method")) if isinstance(settings, Mapping) else None
    return method if isinstance(method, Scalar) and method.value in METHODS else None


def is_sweep(node: Mapping) -> bool:
    """A W&B search method and ``parameters`` whose entries look like parameter
    definitions."""
    params = resolve_alias(node.get("parameters"))
    if sweep_method(node) is None or not isinstance(params, Mapping) or not params.entries:
        return False
    defs = [resolve_alias(e.value) for e in params.entries]
    return all(isinstance(d, Mapping) and d.entries and set(d.keys()) <= PARAM_KEYS
               for d in defs)


class WandbSweep(Family):
    name: ClassVar[str] = "wandb-sweep"
    formats: ClassVar[tuple[str, ...]] = ("yaml", "json", "python")
    yaml_dialect: ClassVar[Dialect] = "yaml11"
    loader: ClassVar[str] = "wandb's PyYAML loader (YAML 1.1)"

    def detect(self, doc: Document) -> float:
        if doc.format == "python":
            from cfglint.space.imports import search_libraries

            if "wandb" not in search_libraries(doc.text):
                return 0.0
        return CERTAIN if next(sweep_mappings(doc), None) is not None else 0.0

    def facts(self, doc: Document) -> Facts:
        return Facts(self.name)

    def space(self, doc: Document) -> Space:
        from cfglint.space.wandb import read_wandb

        sweeps = [(m, sweep_method(m)) for m in sweep_mappings(doc)]
        return read_wandb(sweeps, lambda s: self.value(s, doc.format))

    def view(self, doc: Document) -> Any:
        if doc.format == "python":
            return self.space(doc).view()
        return super().view(doc)
