"""Hydra apps (Hydra itself, lightning-hydra-template, fairseq):
OmegaConf YAML with a ``defaults`` list, ``# @package`` headers, ``_target_``
instantiation specs and ``${...}`` interpolation. Nothing is instantiated here.

Hydra has no fixed schema, so facts are found by common names exactly as for generic
files, with OmegaConf's typing of scalars (``1e-4`` is a float) and skipping Hydra's own
``hydra:`` block, the ``defaults`` list and sweeper ``params`` (sweep grammar, not
values). Config groups are not composed here: only what the file itself says.
"""

from __future__ import annotations

import re
from typing import ClassVar

from cfglint.facts.model import Facts
from cfglint.families.base import Family, Program, root_mapping
from cfglint.families.generic import facts_by_name
from cfglint.repo.declare import ModuleRegistry, OpenRegistry
from cfglint.source.document import Document, Mapping, Scalar, Sequence
from cfglint.source.yaml_dialect import Dialect

_PACKAGE = re.compile(r"^\s*#\s*@package\b", re.MULTILINE)
_INTERP = re.compile(r"\$\{[^}]*\}")


class Hydra(Family):
    name: ClassVar[str] = "hydra"
    program: ClassVar[Program] = Program.HYDRA
    formats: ClassVar[tuple[str, ...]] = ("yaml",)
    hydra_sweeps: ClassVar[bool] = True
    omegaconf_missing: ClassVar[bool] = True
    yaml_dialect: ClassVar[Dialect] = "yaml11-float"
    loader: ClassVar[str] = "Hydra/OmegaConf"
    schema: ClassVar[str | None] = "hydra"
    # `_target_` is imported only when the app instantiates the node; a path into one of
    # the repository's own packages is checked, installed packages are not cfglint's to see
    registries: ClassVar[tuple[OpenRegistry, ...]] = (
        ModuleRegistry("target", ("**._target_",), (),
                       "Hydra imports it when the app instantiates this node "
                       "(Hydra's hydra/_internal/utils.py, _locate) and stops "
                       "with ImportError", attribute=True, own_packages_only=True),
    )

    def detect(self, doc: Document) -> float:
        score = 0.0
        if _PACKAGE.search(doc.text[:4096]):
            score += 0.6
        root = root_mapping(doc)
        if root is not None and "_base_" in root.keys():
            return 0.0  # HCP-Diffusion's own `_base_` inheritance, not Hydra composition
        if root is not None:
            keys = set(root.keys())
            if isinstance(root.get("defaults"), Sequence):
                score += 0.6
            if "hydra" in keys:
                score += 0.6
        targets, interps = _targets_and_interpolations(doc)
        if targets:
            score += 0.5
        if interps:
            score += 0.3
        return min(score, 0.9)

    def facts(self, doc: Document) -> Facts:
        return facts_by_name(doc, self)


def _targets_and_interpolations(doc: Document) -> tuple[bool, bool]:
    """Whether a mapping has a ``_target_`` key, and whether a string has an interpolation.
    YAML spells both literally but in an escape (after a backslash), so a text without them
    is not walked; a walk stops once both are found (a large file has a million nodes)."""
    text = doc.text
    literal = doc.format == "yaml" and "\\" not in text
    want_targets = not literal or "_target_" in text
    want_interps = not literal or "${" in text
    targets = interps = False
    if not (want_targets or want_interps):
        return targets, interps
    for node in doc.walk():
        if isinstance(node, Mapping):
            targets = targets or (want_targets and "_target_" in node.keys())
        elif isinstance(node, Scalar) and isinstance(node.value, str) and "${" in node.value:
            interps = interps or (want_interps and _INTERP.search(node.value) is not None)
        if (targets or not want_targets) and (interps or not want_interps):
            break
    return targets, interps
